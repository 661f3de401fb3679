"""The "you will be signed out soon" dialog: two minutes before the idle limit, accessible, and "Stay signed in"
renews the session without losing what was typed."""

import pytest

from .conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_warning_shows_two_minutes_before_the_limit_and_staying_keeps_the_typing(page, borough, settings):
    settings.SESSION_COOKIE_AGE = 10 * 60
    page.clock.install()
    sign_in(page, "parent1")
    page.goto("/contact-details/")
    page.get_by_label("Postal address (optional)").fill("1 Example Street")

    page.clock.fast_forward("07:59")
    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    assert not dialog.is_visible()
    page.clock.fast_forward("00:02")

    assert dialog.is_visible()
    assert "2 minutes" in dialog.inner_text()
    assert_accessible(page)
    screenshot(page, "timeout-warning")
    with page.expect_response("**/session/keep-alive/") as kept:
        dialog.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    assert not dialog.is_visible()
    assert page.get_by_label("Postal address (optional)").input_value() == "1 Example Street"


def test_when_time_runs_out_a_page_with_typing_stays_and_says_so(page, borough, settings):
    settings.SESSION_COOKIE_AGE = 3 * 60
    page.clock.install()
    sign_in(page, "parent1")
    page.goto("/contact-details/")
    page.get_by_label("Postal address (optional)").fill("1 Example Street")

    page.clock.fast_forward("03:05")

    assert page.get_by_role("heading", name="You have been signed out").is_visible()
    assert page.url.endswith("/contact-details/")
    assert page.get_by_label("Postal address (optional)").input_value() == "1 Example Street"


def test_when_time_runs_out_on_a_page_with_nothing_typed_it_goes_to_sign_in(page, borough, settings):
    settings.SESSION_COOKIE_AGE = 3 * 60
    page.clock.install()
    sign_in(page, "parent1")
    page.goto("/children/")

    page.clock.fast_forward("03:05")
    page.wait_for_url("**/sign-in/?next=%2Fchildren%2F")


def test_the_keep_alive_answers_204_signed_in_and_sends_others_to_sign_in(client, borough):
    assert client.get("/session/keep-alive/").status_code == 302
    client.force_login(borough.parent1)
    assert client.get("/session/keep-alive/").status_code == 204
