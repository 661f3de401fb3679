"""Accounts pages in a real browser: forgotten password and two-factor set-up, each checked with axe."""

import pytest

from .conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_parent_asks_for_a_reset_link_from_the_sign_in_page(page, borough):
    page.goto("/sign-in/")
    page.get_by_role("link", name="I have forgotten my password").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter your email address").is_visible()
    assert_accessible(page)
    screenshot(page, "password-reset-errors")

    page.get_by_label("Email address").fill("parent1@example.org")
    page.get_by_role("button", name="Send the link").click()

    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert_accessible(page)
    screenshot(page, "password-reset-sent")


def test_an_officer_sets_up_an_authenticator_app_on_an_accessible_page(page, borough, settings):
    settings.STAFF_TWO_FACTOR = True
    sign_in(page, borough.officer1.user.username)

    assert page.get_by_role("heading", name="Set up your authenticator app").is_visible()
    assert page.get_by_role("img", name="QR code to add SEND Casework to your authenticator app").is_visible()
    assert_accessible(page)
    screenshot(page, "two-factor-set-up")
