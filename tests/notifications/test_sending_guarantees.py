"""What the outbox promises about email, and what it does when a worker dies mid-send.

At least once: a message is sent again only if its worker stops between the mail server taking it and
the row being marked sent. A repeat carries the same Message-ID, so mail systems can see it for what
it is; a send left unfinished is taken up again within minutes, at once when its worker is known gone.
"""

import os
import socket
import subprocess
import sys
from datetime import timedelta

import time_machine
from django.conf import settings
from django.utils import timezone

from core.tasks import SEND_LIMITS
from notifications.models import Notification
from notifications.services import notification_redispatch_due, notification_send

from .factories import NotificationFactory


def a_process_that_has_ended() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_each_email_carries_a_message_id_named_after_its_notification(db, mailoutbox, settings):
    settings.SITE_URL = "https://send.example.gov.uk"
    notification = NotificationFactory()

    notification_send(notification_id=notification.pk)

    assert mailoutbox[0].message()["Message-ID"] == f"<notification-{notification.pk}@send.example.gov.uk>"


def test_a_repeat_of_the_same_notification_has_the_same_message_id(db, mailoutbox):
    notification = NotificationFactory()
    notification_send(notification_id=notification.pk)
    # As after a worker died between the mail server taking the message and the row being marked sent.
    Notification.objects.filter(pk=notification.pk).update(status=Notification.Status.PENDING)

    notification_send(notification_id=notification.pk)

    first, repeat = (message.message()["Message-ID"] for message in mailoutbox)
    assert first == repeat


def test_two_notifications_never_share_a_message_id(db, mailoutbox):
    for notification in (NotificationFactory(), NotificationFactory()):
        notification_send(notification_id=notification.pk)

    assert len({message.message()["Message-ID"] for message in mailoutbox}) == 2


def test_a_send_may_take_only_as_long_as_its_task_may_run_before_it_is_taken_up_again():
    assert settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS < 10 * 60
    # The worker's hard limit ends a stuck send: by the timeout no live worker can still be on it.
    assert SEND_LIMITS["time_limit"] < settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS <= SEND_LIMITS["time_limit"] + 60
    # The mail server's connection gives up well inside the task's own limit.
    assert 0 < settings.EMAIL_TIMEOUT < SEND_LIMITS["soft_time_limit"]


def sending(claimed_by: str, *, claimed_at) -> Notification:
    return NotificationFactory(
        status=Notification.Status.SENDING,
        attempts=1,
        claimed_by=claimed_by,
        redispatch_at=claimed_at + timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS),
    )


def test_a_send_whose_worker_on_this_machine_is_gone_is_taken_up_at_once(db, django_capture_on_commit_callbacks,
                                                                         mailoutbox):
    gone = sending(f"{socket.gethostname()}:{a_process_that_has_ended()}", claimed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_redispatch_due() == 1

    gone.refresh_from_db()
    assert gone.status == Notification.Status.SENT
    assert gone.attempts == 2
    assert len(mailoutbox) == 1


def test_a_send_whose_worker_is_still_running_is_left_to_it(db, django_capture_on_commit_callbacks):
    running = sending(f"{socket.gethostname()}:{os.getpid()}", claimed_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_redispatch_due() == 0

    running.refresh_from_db()
    assert running.status == Notification.Status.SENDING


def test_a_send_claimed_on_another_machine_is_taken_up_once_its_time_is_over(db, django_capture_on_commit_callbacks):
    now = timezone.now()
    elsewhere = sending("worker-7.internal:4242", claimed_at=now)

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_redispatch_due() == 0
    timeout = timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS)
    with time_machine.travel(now + timeout + timedelta(seconds=1)), django_capture_on_commit_callbacks(execute=True):
        assert notification_redispatch_due() == 1

    elsewhere.refresh_from_db()
    assert elsewhere.status == Notification.Status.SENT


def test_a_claim_records_which_worker_is_sending(db, monkeypatch):
    notification = NotificationFactory()
    seen = {}

    def deliver(row):
        seen["claimed_by"] = Notification.objects.get(pk=row.pk).claimed_by

    monkeypatch.setattr("notifications.services.deliver", deliver)
    notification_send(notification_id=notification.pk)

    assert seen["claimed_by"] == f"{socket.gethostname()}:{os.getpid()}"
