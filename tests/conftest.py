"""Fixtures shared by every test: a small borough with two teams, two families and the five roles."""

import os
from dataclasses import dataclass
from importlib import import_module

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from casework.models import Category, Organisation, RoutingRule, Team
from config.celery import app as celery_app
from tests.factories import (
    AreaFactory,
    ChildFactory,
    EHCPFactory,
    OfficerFactory,
    OrganisationFactory,
    ProvisionItemFactory,
    UserFactory,
    make_parent,
    make_team,
)


def pytest_configure(config):
    """Under pytest-xdist each worker has its own test database (pytest-django names them) and, here, its own
    Redis database below the one REDIS_URL names, so one worker's Celery tests never take another's tasks."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if worker.startswith("gw") and os.environ.get("REDIS_URL"):
        base, _, index = os.environ["REDIS_URL"].rpartition("/")
        os.environ["REDIS_URL"] = f"{base}/{int(index or 0) - int(worker[2:])}"


def pytest_runtest_setup(item):
    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL); SQLite has no row locks or second connections")
    if item.get_closest_marker("celery_worker") and not os.environ.get("REDIS_URL"):
        pytest.skip("needs a real Redis for the worker: set REDIS_URL")


@dataclass
class Borough:
    organisation: Organisation
    north: Team
    transport: Team
    head_of_service: object
    director: object
    parent1: object
    parent2: object
    child1: object
    child2: object
    provision1: object
    provision2: object

    @property
    def officer1(self):
        return self.north.officers.filter(is_manager=False).order_by("pk").first()

    @property
    def officer2(self):
        return self.transport.officers.filter(is_manager=False).order_by("pk").first()


@pytest.fixture
def borough(db) -> Borough:
    """Two teams (SEND North takes everything, Transport takes transport), two families, one child each."""
    organisation = OrganisationFactory(name="Test Borough")
    area = AreaFactory(organisation=organisation, name="North")
    north = make_team(organisation, "SEND North", officers=2)
    transport = make_team(organisation, "Transport", officers=2)
    head = OfficerFactory(team=None, is_manager=True, job_title="Head of SEND", user__username="head")
    director = OfficerFactory(team=None, is_manager=True, job_title="Director", user__username="director")
    organisation.director = director
    organisation.save()
    for team in (north, transport):
        team.head_of_service = head
        team.save()
    RoutingRule.objects.create(
        organisation=organisation, position=10, category=Category.objects.get(pk="transport"), team=transport
    )
    RoutingRule.objects.create(organisation=organisation, position=100, team=north)
    child1 = ChildFactory(family__organisation=organisation, family__area=area, first_name="Alex")
    child2 = ChildFactory(family__organisation=organisation, family__area=area, first_name="Bea")
    provision1 = ProvisionItemFactory(ehcp=EHCPFactory(child=child1))
    provision2 = ProvisionItemFactory(ehcp=EHCPFactory(child=child2))
    return Borough(
        organisation=organisation,
        north=north,
        transport=transport,
        head_of_service=head,
        director=director,
        parent1=make_parent(child1, username="parent1"),
        parent2=make_parent(child2, username="parent2"),
        child1=child1,
        child2=child2,
        provision1=provision1,
        provision2=provision2,
    )


@pytest.fixture
def api():
    """An API client; `api.as_user(user)` signs in (forced authentication, as a token would)."""

    class Client(APIClient):
        def as_user(self, user):
            self.force_authenticate(user=user)
            return self

    return Client()


@pytest.fixture
def stranger(db):
    """A signed-in user with no children and no staff role."""
    return UserFactory(username="stranger")


class CeleryBroker:
    """Switches the project's Celery app between eager tasks and a real broker."""

    # The app reads Django settings under the CELERY_ namespace, so its keys carry the prefix.
    KEYS = ("CELERY_BROKER_URL", "CELERY_BROKER_TRANSPORT_OPTIONS", "CELERY_TASK_ALWAYS_EAGER")

    def __init__(self):
        self._saved = {key: celery_app.conf[key] for key in self.KEYS}

    def use(self, url):
        celery_app.conf.update(
            CELERY_BROKER_URL=url,
            # What config/settings/base.py sets for a Redis broker: give up on it quickly.
            CELERY_BROKER_TRANSPORT_OPTIONS={"max_retries": 1, "socket_connect_timeout": 2, "socket_timeout": 5},
            CELERY_TASK_ALWAYS_EAGER=False,
        )
        self._forget_connections()

    def run_eagerly(self):
        celery_app.conf.update(self._saved)
        self._forget_connections()

    @staticmethod
    def _forget_connections():
        # The app keeps its connection pools to the broker it first used. The
        # pools themselves stay open in kombu's registry, for the next test
        # that uses the same broker.
        celery_app._pool = None
        celery_app.amqp._producer_pool = None


@pytest.fixture
def celery_broker():
    broker = CeleryBroker()
    yield broker
    broker.run_eagerly()


def load_reference_data() -> None:
    """The rows the data migrations ship: the categories of concern and the default SLA policies."""
    from django.apps import apps as django_apps

    import_module("casework.migrations.0002_default_categories").add_categories(django_apps, None)
    import_module("escalations.migrations.0003_default_policies").add_policies(django_apps, None)


@pytest.fixture(autouse=True)
def reference_data_after_flush(request):
    """Transactional tests (and the live server) run on a database flushed after each test, which
    takes the migrations' data with it: put it back before the test starts."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or "live_server" in request.fixturenames
    if transactional:
        request.getfixturevalue("transactional_db")
        load_reference_data()


@pytest.fixture(autouse=True)
def fresh_cache_and_references(request):
    """Each test starts with nothing cached and, on PostgreSQL, its case references from 000001: the
    sequence they come from is not rolled back with the test before."""
    cache.clear()
    marker = request.node.get_closest_marker("django_db")
    if connection.vendor == "postgresql" and (marker or {"db", "transactional_db"} & set(request.fixturenames)):
        request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
        with connection.cursor() as cursor:
            cursor.execute("SELECT setval('casework_case_reference', 1, false)")


@pytest.fixture
def parent(client, borough):
    """The test client, signed in as the first family's parent."""
    client.force_login(borough.parent1)
    return client
