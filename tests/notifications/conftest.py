
import pytest

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
