
import pytest

from config.celery import app as celery_app
from notifications.models import Notification
from notifications.services import notification_enqueue

from .factories import UserFactory
from .samples import CONTEXTS, LINK


@pytest.fixture
def family_member(db):
    return UserFactory(username="parent1", email="parent1@example.org")


@pytest.fixture
def officer(db):
    return UserFactory(username="officer1", email="officer1@example.org")


@pytest.fixture
def enqueue():
    """Enqueue one event with the sample context for its template."""

    def enqueue(recipient, template="case_message", dedupe_key="case-123:message-1", **context) -> list[Notification]:
        return notification_enqueue(
            recipient=recipient,
            template=template,
            context={**CONTEXTS[template], **context},
            link=LINK,
            dedupe_key=dedupe_key,
        )

    return enqueue


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
