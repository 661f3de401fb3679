"""Signing in on a shared computer: the session goes when the browser closes or is left unused."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

IDLE_MINUTES = 30


@pytest.fixture
def signed_in(client, borough, settings):
    # As in every environment but the tests' (config/settings/test.py), where sessions outlast time travel.
    settings.SESSION_COOKIE_AGE = IDLE_MINUTES * 60
    # The factories give every user the password "password".
    response = client.post("/sign-in/", {"username": borough.parent1.username, "password": "password"})
    assert response.status_code == 302
    return client, response


def is_signed_in(client):
    return client.get("/concerns/").status_code == 200


def test_the_session_cookie_goes_when_the_browser_closes(signed_in):
    _, response = signed_in
    cookie = response.cookies["sessionid"]

    assert not cookie["expires"] and not cookie["max-age"]


def test_a_session_left_unused_for_half_an_hour_is_over(signed_in):
    client, _ = signed_in

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert not is_signed_in(client)


def test_a_session_in_use_stays_open_past_half_an_hour(signed_in):
    client, _ = signed_in
    start = timezone.now()

    for minutes in (20, 40, 60):
        with time_machine.travel(start + timedelta(minutes=minutes)):
            assert is_signed_in(client)
