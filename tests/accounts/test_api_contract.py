"""API.md "Accounts and legal pages": signing out revokes the token; tokens expire, are kept only as digests,
one a client, and a new password revokes them all; too many sign-in attempts
answer 429 with Retry-After; a body over the limit answers 413; every answer under /api/ is JSON; /healthz and
/readyz answer without signing in."""

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def token_for(username: str, password: str = "password") -> str:
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_logout_revokes_the_token_it_is_sent_with(borough):
    token = token_for("parent1")
    client = with_token(token)

    assert client.post("/api/auth/logout/").status_code == 204
    assert client.get("/api/me/").status_code == 401
    assert not AuthToken.objects.filter(user=borough.parent1).exists()


def test_each_client_has_its_own_token_and_signing_out_of_one_leaves_the_other(borough):
    phone, laptop = token_for("parent1"), token_for("parent1")

    assert phone != laptop
    assert with_token(phone).post("/api/auth/logout/").status_code == 204

    assert with_token(phone).get("/api/me/").status_code == 401
    assert with_token(laptop).get("/api/me/").json()["username"] == "parent1"


def test_a_token_is_kept_only_as_a_digest_and_says_when_it_expires(borough, settings):
    before = timezone.now()
    response = APIClient().post("/api/auth/token/", {"username": "parent1", "password": "password"}, format="json")

    token, expiry = response.json()["token"], response.json()["expiry"]
    stored = AuthToken.objects.get(user=borough.parent1)
    assert token not in (stored.digest, stored.token_key)
    assert timezone.datetime.fromisoformat(expiry.replace("Z", "+00:00")) >= before + timezone.timedelta(
        hours=settings.API_TOKEN_HOURS
    )


def test_a_new_password_revokes_every_token_of_that_person_only(borough):
    phone, laptop, other = token_for("parent1"), token_for("parent1"), token_for("parent2")
    borough.parent1.set_password("a new long password 2026")
    borough.parent1.save()

    assert with_token(phone).get("/api/me/").status_code == 401
    assert with_token(laptop).get("/api/me/").status_code == 401
    assert with_token(other).get("/api/me/").status_code == 200


def test_a_password_changed_by_the_command_revokes_the_tokens_too(borough, monkeypatch):
    token = token_for("parent1")
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a new long password 2026")

    call_command("changepassword", "parent1", stdout=None)

    assert with_token(token).get("/api/me/").status_code == 401


def test_a_token_that_is_not_ours_is_refused_in_json(borough):
    response = with_token("0" * 64).get("/api/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_logout_without_a_token_is_401_in_json(borough):
    response = APIClient().post("/api/auth/logout/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_a_token_expires_and_signing_in_again_gives_a_new_one(borough, settings):
    token = token_for("parent1")

    with time_machine.travel(timezone.now() + timezone.timedelta(hours=settings.API_TOKEN_HOURS, minutes=1)):
        expired = with_token(token).get("/api/me/")
        fresh = token_for("parent1")

    assert expired.status_code == 401
    assert "expired" in expired.json()["detail"]
    assert fresh != token


def test_too_many_sign_in_attempts_answer_429_in_json_with_retry_after(borough, settings):
    settings.AXES_ENABLED = True
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/auth/token/", {"username": "parent1", "password": "wrong"}, format="json")

    locked = client.post("/api/auth/token/", {"username": "parent1", "password": "password"}, format="json")

    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/json"
    assert int(locked["Retry-After"]) == 15 * 60
    assert "Too many attempts" in locked.json()["detail"]


def test_the_sign_in_page_still_shows_its_own_lockout_page(client, borough, settings):
    settings.AXES_ENABLED = True
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": "parent1", "password": "wrong"})

    locked = client.post("/sign-in/", {"username": "parent1", "password": "password"})

    assert locked.status_code == 429 and locked["Retry-After"]
    assert "Too many attempts to sign in" in locked.content.decode()


def test_a_body_over_the_limit_answers_413_and_nothing_is_read(borough, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = APIClient().post(
        "/api/auth/password-reset/", {"email": "a" * 2000 + "@example.org"}, format="json"
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"


def test_a_path_that_does_not_exist_under_the_api_is_a_json_404(borough):
    response = APIClient().get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_health_and_readiness_answer_without_signing_in(client, celery_broker):
    celery_broker.use("memory://")

    assert client.get("/healthz").status_code == 200
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "ok"


def test_readiness_says_503_when_the_broker_is_down(client, celery_broker):
    celery_broker.use("redis://127.0.0.1:1/0")

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["broker"] == "down"
