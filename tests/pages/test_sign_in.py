"""Signing in: the GOV.UK error summary, throttling, and each kind of user landing on their own page."""

import pytest

from .conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_sign_in_with_nothing_filled_in_shows_the_error_summary_linked_to_each_field(page, borough):
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Enter your username").is_visible()
    assert summary.get_by_role("link", name="Enter your password").is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    screenshot(page, "sign-in-errors")


def test_the_sign_in_page_is_accessible_and_a_parent_lands_signed_in(page, borough):
    page.goto("/sign-in/")
    assert_accessible(page)
    screenshot(page, "sign-in")

    sign_in(page, "parent1")

    assert page.get_by_role("button", name="Sign out").is_visible()


def test_five_wrong_passwords_lock_the_account_for_a_while(client, borough, settings):
    settings.AXES_ENABLED = True
    for _ in range(5):
        client.post("/sign-in/", {"username": "parent1", "password": "wrong"})

    locked = client.post("/sign-in/", {"username": "parent1", "password": "password"})

    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()


def test_pages_carry_a_content_security_policy_with_no_inline_scripts_allowed(client, borough):
    response = client.get("/sign-in/")

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "nonce-" in policy


def test_a_username_longer_than_the_throttle_can_store_is_refused_like_any_wrong_one(client, borough, settings):
    # django-axes' username column holds 255 characters: a longer one was a 500, not a wrong sign-in.
    settings.AXES_ENABLED = True

    response = client.post("/sign-in/", {"username": "u" * 300, "password": "wrong"})

    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
