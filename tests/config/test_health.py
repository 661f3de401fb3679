"""Health checks for load balancers: `/healthz` says the process answers, `/readyz` that it can serve
(database reachable, migrations applied, broker reachable). No sign-in, no data, JSON."""

import pytest
from django.db import connection
from django.db.utils import OperationalError
from django.test import Client

from config import health


@pytest.fixture
def anonymous():
    # A load balancer asks by the server's address, not the service's host name, and over plain HTTP.
    return Client(HTTP_HOST="10.0.0.7")


def test_healthz_answers_200_in_json_without_signing_in_or_touching_the_database(anonymous):
    # No django_db mark: pytest-django makes any use of the database here an error.
    response = anonymous.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_answers_200_when_the_database_migrations_and_broker_are_ready(anonymous):
    response = anonymous.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "migrations": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_readyz_answers_503_naming_the_broker_when_it_cannot_be_reached(anonymous, celery_broker):
    celery_broker.use("redis://127.0.0.1:1/0")

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "migrations": "ok", "broker": "down"}


@pytest.mark.django_db
def test_readyz_answers_503_when_the_database_cannot_be_reached(anonymous, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", unreachable)

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json()["database"] == "down"
    # Without a database the migrations cannot be read either, and that is said rather than guessed.
    assert response.json()["migrations"] == "down"


@pytest.mark.django_db
def test_readyz_answers_503_while_a_migration_is_not_applied(anonymous, monkeypatch):
    monkeypatch.setattr(health, "unapplied_migrations", lambda: [("casework", "9999_not_yet")])
    monkeypatch.setattr(health, "migrations_known_applied", False)

    response = anonymous.get("/readyz")

    assert response.status_code == 503
    assert response.json()["migrations"] == "down"


def test_healthz_answers_get_and_head_only(anonymous):
    assert anonymous.head("/healthz").status_code == 200
    assert anonymous.post("/healthz").status_code == 405
