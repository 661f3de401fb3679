"""API.md "Accounts and legal pages": signing out revokes the token; tokens expire; too many sign-in attempts
answer 429 with Retry-After; a body over the limit answers 413; every answer under /api/ is JSON; /healthz and
/readyz answer without signing in."""

import pytest
import time_machine
from django.utils import timezone
from rest_framework.authtoken.models import Token
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
    assert not Token.objects.filter(key=token).exists()


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
