"""Issue 22 point 10: a password spray is slowed. Wrong passwords are counted per client address and for
everyone together, on the token endpoint and the sign-in page alike; past a limit both answer 429 with
Retry-After, in words that say signing in is paused, not that the password was wrong. Reset links have an
overall limit too."""

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

SPRAYER, NEIGHBOUR = "203.0.113.7", "198.51.100.20"


def ask_for_token(username: str, password: str, address: str):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password}, format="json", REMOTE_ADDR=address
    )


def spray(settings, address: str = SPRAYER, guesses: int | None = None):
    for n in range(settings.SIGN_IN_LIMIT_PER_ADDRESS if guesses is None else guesses):
        wrong = ask_for_token(f"someone{n}", "Summer2026!", address)
        assert wrong.status_code == 400


def test_spraying_usernames_from_one_address_is_paused_with_429_and_retry_after(borough, settings):
    spray(settings)

    paused = ask_for_token("parent1", "password", SPRAYER)

    assert paused.status_code == 429
    assert paused["Content-Type"] == "application/json"
    assert 0 < int(paused["Retry-After"]) <= settings.SIGN_IN_LIMIT_MINUTES * 60
    assert "signing in is paused" in paused.json()["detail"]
    assert "not about your password" in paused.json()["detail"]


def test_a_pause_says_something_different_from_a_wrong_password(borough, settings):
    wrong = ask_for_token("parent1", "not it", SPRAYER)
    spray(settings, guesses=settings.SIGN_IN_LIMIT_PER_ADDRESS - 1)

    paused = ask_for_token("parent1", "not it", SPRAYER)

    assert wrong.json() == {"non_field_errors": ["The username or password is not right."]}
    assert paused.status_code == 429 and "not right" not in paused.json()["detail"]


def test_the_count_is_per_address_another_address_still_signs_in(borough, settings):
    spray(settings)

    assert ask_for_token("parent1", "password", NEIGHBOUR).status_code == 200


def test_right_passwords_from_one_address_are_not_counted(borough, settings):
    for _ in range(settings.SIGN_IN_LIMIT_PER_ADDRESS + 1):
        assert ask_for_token("parent1", "password", SPRAYER).status_code == 200


def test_a_spray_from_many_addresses_is_paused_for_everyone(borough, settings):
    settings.SIGN_IN_LIMIT_OVERALL = 6
    for n in range(6):
        spray(settings, address=f"192.0.2.{n + 1}", guesses=1)

    paused = ask_for_token("parent1", "password", NEIGHBOUR)

    assert paused.status_code == 429 and int(paused["Retry-After"]) > 0


def test_signing_in_works_again_once_the_window_has_passed(borough, settings):
    spray(settings)

    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=settings.SIGN_IN_LIMIT_MINUTES, seconds=1)):
        assert ask_for_token("parent1", "password", SPRAYER).status_code == 200


def test_the_sign_in_page_counts_with_the_api_and_shows_a_paused_page(client, borough, settings):
    spray(settings, guesses=settings.SIGN_IN_LIMIT_PER_ADDRESS - 1)
    wrong = client.post("/sign-in/", {"username": "parent2", "password": "guess"}, REMOTE_ADDR=SPRAYER)

    paused = client.post("/sign-in/", {"username": "parent1", "password": "password"}, REMOTE_ADDR=SPRAYER)

    assert "Enter a correct username and password" in wrong.content.decode()
    assert paused.status_code == 429 and int(paused["Retry-After"]) > 0
    page = paused.content.decode()
    assert "Signing in is paused" in page and "it was not checked" in page
    assert "_auth_user_id" not in client.session


def test_reset_links_have_a_limit_for_everyone_together(borough, settings):
    settings.PASSWORD_RESET_LIMIT_OVERALL = 3
    for n in range(3):
        response = APIClient().post(
            "/api/auth/password-reset/", {"email": f"x{n}@example.org"}, format="json", REMOTE_ADDR=f"192.0.2.{n + 1}"
        )
        assert response.status_code == 202

    refused = APIClient().post(
        "/api/auth/password-reset/", {"email": "y@example.org"}, format="json", REMOTE_ADDR=NEIGHBOUR
    )

    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0


@pytest.mark.parametrize("other_form, going_to", [("/admin/login/", "/admin/"), ("/api/auth/login/", "/api/")])
def test_the_admin_and_the_browsable_api_sign_in_on_the_service_page_so_the_limits_apply(
    client, borough, settings, other_form, going_to
):
    spray(settings)

    sent_on = client.post(f"{other_form}?next={going_to}", {"username": "parent1", "password": "password"})
    paused = client.post(
        f"/sign-in/?next={going_to}", {"username": "parent1", "password": "password"}, REMOTE_ADDR=SPRAYER
    )

    assert sent_on.status_code == 302 and sent_on["Location"] == f"/sign-in/?next={going_to}"
    assert paused.status_code == 429
