import logging
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_preferences_update
from notifications.tasks import redispatch_pending_notifications

from .factories import UserFactory
from .samples import REFERENCE

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def channels_of(rows):
    return sorted(row.channel for row in rows)


def test_enqueue_writes_an_in_app_message_as_sent_and_sends_the_email_after_commit(
    family_member, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rows = enqueue(family_member)
        assert mailoutbox == [], "nothing is sent before the transaction commits"

    assert len(callbacks) == 1
    assert channels_of(rows) == ["email", "in_app"]
    in_app = Notification.objects.get(channel=Notification.Channel.IN_APP)
    email = Notification.objects.get(channel=Notification.Channel.EMAIL)
    assert in_app.status == Notification.Status.SENT and in_app.sent_at is not None
    assert email.status == Notification.Status.SENT and email.attempts == 1
    assert [message.to for message in mailoutbox] == [["parent1@example.org"]]
    assert REFERENCE in mailoutbox[0].subject


def test_rows_are_not_written_when_the_callers_transaction_rolls_back(family_member, enqueue):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(family_member)
        raise RuntimeError("the case change failed")

    assert not Notification.objects.exists()


def test_the_same_event_enqueued_twice_makes_one_row_a_channel_and_one_email(
    family_member, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = enqueue(family_member, dedupe_key="case-123:logged")
        second = enqueue(family_member, dedupe_key="case-123:logged")

    assert Notification.objects.count() == 2
    assert [row.pk for row in first] == [row.pk for row in second]
    assert len(mailoutbox) == 1


def test_the_same_event_for_two_people_makes_rows_for_each(family_member, officer, enqueue):
    enqueue(family_member, dedupe_key="case-123:logged")
    enqueue(officer, dedupe_key="case-123:logged")

    assert Notification.objects.filter(recipient=family_member).count() == 2
    assert Notification.objects.filter(recipient=officer).count() == 2


def test_a_family_member_who_turned_email_off_gets_only_the_in_app_message(
    family_member, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=family_member, email_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        rows = enqueue(family_member)

    assert channels_of(rows) == ["in_app"]
    assert mailoutbox == []


def test_someone_with_no_email_address_gets_only_the_in_app_message(db, enqueue):
    no_email = UserFactory(username="no-email", email="")

    rows = enqueue(no_email)

    assert channels_of(rows) == ["in_app"]


@pytest.mark.django_db(transaction=True)
def test_enqueue_with_the_broker_unreachable_commits_stays_pending_and_the_redispatch_sends_it_once(
    celery_broker, enqueue, mailoutbox, caplog
):
    family_member = UserFactory(username="parent1", email="parent1@example.org")
    celery_broker.use(UNREACHABLE_BROKER)

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="notifications.services"), transaction.atomic():
        enqueue(family_member)
    took = time.monotonic() - started

    email = Notification.objects.get(channel=Notification.Channel.EMAIL)
    assert email.status == Notification.Status.PENDING
    assert Notification.objects.get(channel=Notification.Channel.IN_APP).status == Notification.Status.SENT
    assert "broker is unreachable" in caplog.text
    assert took < 5, "a broker that is down must not hold up the request for long"
    assert mailoutbox == []

    celery_broker.run_eagerly()
    redispatch_pending_notifications.delay()
    assert mailoutbox == [], "a row pending for less than a minute is left to its own dispatch"

    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        redispatch_pending_notifications.delay()
        redispatch_pending_notifications.delay()

    email.refresh_from_db()
    assert email.status == Notification.Status.SENT
    assert email.attempts == 1
    assert len(mailoutbox) == 1
