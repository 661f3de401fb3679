"""Forgotten password: the same answer for any address, links that work once and expire, throttling, and a new
password that ends every other session."""

import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import token_issue

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://\S+/password-reset/\S+/\S+/")


@pytest.fixture
def ask_for_link(committed):
    return lambda client, email: committed(client.post, "/password-reset/", {"email": email})


@pytest.fixture
def api_reset(committed):
    return lambda api, email: committed(api.post, "/api/auth/password-reset/", {"email": email}, format="json")


def link_in(message) -> str:
    return LINK.search(message.body).group(0)


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


def set_password(client, link, password="a-new-long-passphrase"):
    """Follow the emailed link as a browser would (it swaps the token for a session) and choose a password."""
    landing = client.get(path_of(link))
    form_url = landing.url if landing.status_code == 302 else path_of(link)
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_a_known_and_an_unknown_address_get_the_same_answer(client, borough, ask_for_link):
    known = ask_for_link(client, borough.parent1.email)
    unknown = ask_for_link(client, "nobody-has-this@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == "/password-reset/sent/"
    page = client.get(known.url).content.decode()
    assert "If the address you gave belongs to an account" in page
    assert [message.to for message in mail.outbox] == [[borough.parent1.email]]


def test_the_api_answers_202_whether_or_not_the_address_is_known(api, borough, api_reset):
    known = api_reset(api, borough.parent1.email)
    unknown = api_reset(api, "nobody-has-this@example.org")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert len(mail.outbox) == 1


def test_the_api_refuses_a_missing_or_malformed_address_with_a_field_error(api, borough):
    missing = api.post("/api/auth/password-reset/", {}, format="json")
    malformed = api.post("/api/auth/password-reset/", {"email": "not-an-address"}, format="json")

    assert missing.status_code == malformed.status_code == 400
    assert missing.json() == {"email": ["Enter your email address"]}
    assert malformed.json() == {"email": ["Enter an email address in the correct format, like name@example.com"]}
    assert mail.outbox == []


def test_the_page_refuses_a_malformed_address_with_the_gov_uk_error_summary(client, borough, ask_for_link):
    response = ask_for_link(client, "not-an-address")

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "Enter an email address in the correct format" in response.content.decode()


def test_the_new_password_works_and_the_link_then_refuses_a_second_use(client, borough, ask_for_link):
    ask_for_link(client, borough.parent1.email)
    link = link_in(mail.outbox[0])

    done = set_password(client, link)

    assert done.status_code == 302 and done.url == "/password-reset/done/"
    assert client.login(username="parent1", password="a-new-long-passphrase")
    client.logout()
    again = client.get(path_of(link), follow=True)
    assert again.status_code == 404
    assert "This link cannot be used" in again.content.decode()


def test_a_link_older_than_the_limit_is_refused(client, borough, settings, ask_for_link):
    ask_for_link(client, borough.parent1.email)
    link = link_in(mail.outbox[0])

    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)):
        response = client.get(path_of(link), follow=True)

    assert response.status_code == 404
    assert "has expired or has already been used" in response.content.decode()
    borough.parent1.refresh_from_db()
    assert borough.parent1.check_password("password")


def test_a_new_password_signs_out_every_other_session_and_revokes_api_tokens(client, borough, ask_for_link):
    elsewhere = Client()
    elsewhere.force_login(borough.parent1)
    assert elsewhere.get("/children/").status_code == 200
    _, token = token_issue(user=borough.parent1)

    ask_for_link(client, borough.parent1.email)
    set_password(client, link_in(mail.outbox[0]))

    assert elsewhere.get("/children/").status_code == 302
    signed_out = APIClient()
    signed_out.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert signed_out.get("/api/me/").status_code == 401


def test_a_mismatched_new_password_is_refused_and_the_old_one_still_works(client, borough, ask_for_link):
    ask_for_link(client, borough.parent1.email)
    link = link_in(mail.outbox[0])
    landing = client.get(path_of(link))

    response = client.post(landing.url, {"new_password1": "a-new-long-passphrase", "new_password2": "different-one"})

    assert response.status_code == 400
    assert "The passwords do not match" in response.content.decode()
    borough.parent1.refresh_from_db()
    assert borough.parent1.check_password("password")


def test_one_address_is_sent_at_most_three_links_an_hour_and_the_answer_never_changes(client, borough, ask_for_link):
    answers = [ask_for_link(client, borough.parent1.email) for _ in range(5)]

    assert {answer.url for answer in answers} == {"/password-reset/sent/"}
    assert len(mail.outbox) == 3


def test_too_many_requests_from_one_client_answer_429_with_retry_after(api, client, borough, ask_for_link):
    for number in range(20):
        api.post("/api/auth/password-reset/", {"email": f"someone{number}@example.org"}, format="json")

    refused = api.post("/api/auth/password-reset/", {"email": borough.parent1.email}, format="json")
    page = ask_for_link(client, borough.parent1.email)

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert page.status_code == 429 and "Too many attempts" in page.content.decode()
    assert mail.outbox == []


def test_an_address_shared_by_two_accounts_sends_each_its_own_link(client, borough, ask_for_link):
    borough.parent2.email = borough.parent1.email.upper()
    borough.parent2.save()

    ask_for_link(client, borough.parent1.email)

    assert len(mail.outbox) == 2
    assert {"parent1", "parent2"} == {m.body.split("Your username is: ")[1].split()[0] for m in mail.outbox}


def test_the_sign_in_page_links_to_the_reset(client, borough):
    assert 'href="/password-reset/"' in client.get("/sign-in/").content.decode()
