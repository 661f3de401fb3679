"""Sign-in throttling counts wrong passwords per real client address, even behind a load balancer."""

import pytest
from axes.helpers import get_client_ip_address
from django.test import RequestFactory

BALANCER = "10.0.0.5"


def request_from(forwarded_for=None):
    headers = {"REMOTE_ADDR": BALANCER}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().post("/sign-in/", **headers)


@pytest.fixture
def behind_one_balancer(settings):
    settings.PROXY_COUNT = 1


def test_behind_a_load_balancer_the_address_is_the_one_it_saw(behind_one_balancer):
    assert get_client_ip_address(request_from("81.2.69.160")) == "81.2.69.160"


def test_an_address_the_client_wrote_into_x_forwarded_for_is_not_believed(behind_one_balancer):
    assert get_client_ip_address(request_from("6.6.6.6, 81.2.69.160")) == "81.2.69.160"


def test_with_two_proxies_the_address_is_the_one_the_outer_proxy_saw(settings):
    settings.PROXY_COUNT = 2

    assert get_client_ip_address(request_from("6.6.6.6, 81.2.69.160, 172.16.0.9")) == "81.2.69.160"


def test_with_no_proxy_the_header_is_ignored(settings):
    settings.PROXY_COUNT = 0

    assert get_client_ip_address(request_from("81.2.69.160")) == BALANCER


def test_a_request_that_did_not_come_through_the_balancer_falls_back_to_the_connection(behind_one_balancer):
    assert get_client_ip_address(request_from()) == BALANCER


def test_five_wrong_passwords_from_one_person_do_not_lock_the_family_out_elsewhere(
    client, borough, settings, behind_one_balancer
):
    settings.AXES_ENABLED = True
    username = borough.parent1.username
    for _ in range(5):
        client.post("/sign-in/", {"username": username, "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.7")

    from_the_guesser = client.post(
        "/sign-in/", {"username": username, "password": "password"}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    from_the_family = client.post(
        "/sign-in/", {"username": username, "password": "password"}, HTTP_X_FORWARDED_FOR="81.2.69.160"
    )

    assert from_the_guesser.status_code == 429
    assert from_the_family.status_code == 302
