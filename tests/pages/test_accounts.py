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


def test_an_officer_invites_a_carer_by_letter_and_the_carer_joins_with_the_code(page, browser, live_server, borough):
    sign_in(page, borough.officer1.user.username)
    page.goto(f"/staff/children/{borough.child1.pk}/people/")
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("A parent or carer").check()
    page.get_by_label("Who are they to the child?").select_option("carer")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Carer")
    page.get_by_label("By a printed letter with a code").check()
    assert_accessible(page)
    page.get_by_role("button", name="Send invitation").click()
    code = page.locator("#invitation-code").inner_text()
    assert_accessible(page)
    screenshot(page, "invitation-letter")

    carer = browser.new_context(base_url=live_server.url).new_page()
    carer.goto("/sign-in/")
    carer.get_by_role("link", name="Enter the code from your letter").click()
    carer.get_by_label("Invitation code").fill(code)
    carer.get_by_role("button", name="Continue").click()
    assert_accessible(carer)
    carer.get_by_label("Email address").fill("robin@example.org")
    carer.get_by_label("Username").fill("robin")
    carer.get_by_label("Create a password").fill("a-long-new-passphrase")
    carer.get_by_label("Type your password again").fill("a-long-new-passphrase")
    carer.get_by_role("button", name="Create account and accept").click()

    assert carer.get_by_text(f"You can now see {borough.child1.first_name}'s record.").is_visible()
    screenshot(carer, "invitation-accepted")
    carer.context.close()
