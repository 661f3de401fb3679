import smtplib
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from celery.exceptions import Retry
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone
from notifications_python_client.errors import HTTPError as NotifyHTTPError

from notifications.checks import notify_settings_check
from notifications.models import Notification
from notifications.services import (
    NotificationRetryLater,
    notification_preferences_update,
    notification_redispatch_due,
    notification_send,
)
from notifications.tasks import redispatch_pending_notifications, send_notification

from .factories import NotificationFactory, UserFactory
from .samples import LINK, REFERENCE

FAILING_BACKEND = "tests.notifications.test_dispatch.FailingEmailBackend"


class FailingEmailBackend(BaseEmailBackend):
    """An SMTP server that drops every connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_the_send_task_run_twice_for_the_same_row_sends_one_email(db, mailoutbox):
    notification = NotificationFactory()

    send_notification.delay(notification.pk)
    send_notification.delay(notification.pk)

    notification.refresh_from_db()
    assert len(mailoutbox) == 1
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None


def test_an_email_goes_from_the_default_sender_to_the_recipients_address(db, mailoutbox):
    notification = NotificationFactory(recipient=UserFactory(email="carer@example.org"))

    send_notification.delay(notification.pk)

    assert mailoutbox[0].to == ["carer@example.org"]
    assert mailoutbox[0].from_email == "SEND Casework <no-reply@send-casework.example>"
    assert mailoutbox[0].subject == notification.subject


def test_a_transient_failure_puts_the_row_back_to_pending_with_a_doubling_delay(db, settings):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    notification = NotificationFactory()

    countdowns = []
    for _ in range(2):
        with pytest.raises(NotificationRetryLater) as raised:
            notification_send(notification_id=notification.pk)
        countdowns.append(raised.value.countdown)
        assert isinstance(raised.value.__cause__, smtplib.SMTPServerDisconnected)

    notification.refresh_from_db()
    assert countdowns == [60, 120]
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 2
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in notification.last_error
    # A lost retry message is caught by the re-dispatch a minute after the retry was due.
    assert notification.redispatch_at > timezone.now() + timedelta(seconds=170)


def test_an_smtp_failure_retries_then_fails_with_the_error_and_the_admin_resend_sends_it(
    db, settings, admin_client, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING_BACKEND
    notification = NotificationFactory()

    # An eager task hands its Retry back to the caller instead of queueing it,
    # so the test plays the worker and runs each retry itself.
    countdowns = []
    for _ in range(settings.NOTIFICATIONS_MAX_ATTEMPTS - 1):
        with pytest.raises(Retry) as retry:
            send_notification.delay(notification.pk)
        assert isinstance(retry.value.exc, smtplib.SMTPServerDisconnected)
        assert Notification.objects.get(pk=notification.pk).status == Notification.Status.PENDING
        countdowns.append(retry.value.when)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_notification.delay(notification.pk)

    assert countdowns == [60, 120, 240, 480]
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == settings.NOTIFICATIONS_MAX_ATTEMPTS == 5
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    changelist = reverse("admin:notifications_notification_changelist")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = admin_client.post(changelist, {"action": "resend", "_selected_action": [notification.pk]})

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.PENDING
    assert notification.attempts == 0

    for callback in queued:
        callback()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.last_error == ""
    assert len(mailoutbox) == 1


def test_the_admin_resend_leaves_a_sent_notification_alone(db, admin_client, mailoutbox):
    notification = NotificationFactory(status=Notification.Status.SENT)

    response = admin_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "resend", "_selected_action": [notification.pk]},
        follow=True,
    )

    assert "Only a failed notification can be sent again." in response.content.decode()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert mailoutbox == []


def test_the_admin_lists_filters_and_searches_the_outbox(db, admin_client):
    NotificationFactory(recipient=UserFactory(username="carer7"), status=Notification.Status.FAILED, last_error="boom")
    changelist = reverse("admin:notifications_notification_changelist")

    assert "carer7" in admin_client.get(changelist, {"status__exact": "failed"}).content.decode()
    assert "carer7" not in admin_client.get(changelist, {"status__exact": "sent"}).content.decode()
    assert "carer7" in admin_client.get(changelist, {"q": "carer7"}).content.decode()


def test_the_admin_shows_a_notification_read_only_with_nothing_to_save(db, admin_client):
    notification = NotificationFactory()

    response = admin_client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))

    assert response.status_code == 200
    assert notification.subject in response.content.decode()
    assert 'name="_save"' not in response.content.decode()


def test_an_address_that_has_gone_fails_at_once_without_retrying(db, mailoutbox):
    notification = NotificationFactory(recipient=UserFactory(email=""))

    with pytest.raises(Exception, match="no email address"):
        send_notification.delay(notification.pk)

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1


def test_the_redispatch_rescues_a_send_whose_worker_died(db, mailoutbox, django_capture_on_commit_callbacks):
    notification = NotificationFactory(
        status=Notification.Status.SENDING, attempts=1, redispatch_at=timezone.now() + timedelta(minutes=10)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_redispatch_due() == 0, "a send still within its time is left alone"
    with time_machine.travel(timezone.now() + timedelta(minutes=11)), django_capture_on_commit_callbacks(execute=True):
        assert redispatch_pending_notifications.delay().get() == 1

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 2
    assert len(mailoutbox) == 1


def test_the_redispatch_queues_at_most_its_limit_oldest_first(db, django_capture_on_commit_callbacks, mailoutbox):
    now = timezone.now()
    rows = [NotificationFactory(redispatch_at=now - timedelta(minutes=minutes)) for minutes in (1, 3, 2)]

    with django_capture_on_commit_callbacks(execute=True):
        assert notification_redispatch_due(limit=2) == 2

    statuses = {row.pk: Notification.objects.get(pk=row.pk).status for row in rows}
    assert statuses == {rows[0].pk: "pending", rows[1].pk: "sent", rows[2].pk: "sent"}


def test_held_failed_and_sent_rows_are_not_redispatched(db, django_capture_on_commit_callbacks):
    past = timezone.now() - timedelta(hours=1)
    for status in (Notification.Status.HELD, Notification.Status.FAILED, Notification.Status.SENT):
        NotificationFactory(status=status, redispatch_at=past)

    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert notification_redispatch_due() == 0
    assert queued == []


def test_a_send_that_died_on_its_last_attempt_is_marked_failed_not_tried_again(db, settings, mailoutbox):
    notification = NotificationFactory(attempts=settings.NOTIFICATIONS_MAX_ATTEMPTS, last_error="Timed out.")

    assert notification_send(notification_id=notification.pk) is None

    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.last_error == "Gave up after 5 attempts. Timed out."
    assert mailoutbox == []


@pytest.fixture
def notify(settings):
    settings.NOTIFY_ENABLED = True
    settings.NOTIFY_API_KEY = "test-key"
    settings.NOTIFY_TEMPLATE_IDS = {"case_message": "email-template-id"}
    settings.NOTIFY_SMS_TEMPLATE_IDS = {"case_message": "sms-template-id"}
    # GOV.UK Notify is an external service: its HTTP client is the one thing replaced.
    with mock.patch("notifications.channels.NotificationsAPIClient") as client_class:
        yield client_class.return_value


def test_with_notify_on_email_goes_through_notify_instead_of_the_email_backend(
    family_member, enqueue, notify, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(family_member)

    email = Notification.objects.get(channel=Notification.Channel.EMAIL)
    notify.send_email_notification.assert_called_once()
    call = notify.send_email_notification.call_args.kwargs
    assert call["email_address"] == "parent1@example.org"
    assert call["template_id"] == "email-template-id"
    assert call["reference"] == str(email.pk)
    assert call["personalisation"]["reference"] == REFERENCE
    assert call["personalisation"]["link"] == f"http://127.0.0.1:8000{LINK}"
    assert call["personalisation"]["body"] == email.body
    assert email.status == Notification.Status.SENT
    assert mailoutbox == []


def test_with_notify_on_someone_who_gave_a_mobile_number_gets_a_text_too(
    family_member, enqueue, notify, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=family_member, mobile_number="07700 900 982")

    with django_capture_on_commit_callbacks(execute=True):
        rows = enqueue(family_member)

    assert sorted(row.channel for row in rows) == ["email", "in_app", "sms"]
    notify.send_sms_notification.assert_called_once()
    call = notify.send_sms_notification.call_args.kwargs
    assert call["phone_number"] == "07700900982"
    assert call["template_id"] == "sms-template-id"
    assert Notification.objects.get(channel=Notification.Channel.SMS).status == Notification.Status.SENT


def test_a_notify_server_error_is_retried_and_a_rejected_request_is_not(db, notify):
    retried, rejected = NotificationFactory(), NotificationFactory()

    notify.send_email_notification.side_effect = NotifyHTTPError(response=mock.Mock(status_code=500))
    with pytest.raises(NotificationRetryLater):
        notification_send(notification_id=retried.pk)
    notify.send_email_notification.side_effect = NotifyHTTPError(response=mock.Mock(status_code=400))
    with pytest.raises(NotifyHTTPError):
        notification_send(notification_id=rejected.pk)

    assert Notification.objects.get(pk=retried.pk).status == Notification.Status.PENDING
    assert Notification.objects.get(pk=rejected.pk).status == Notification.Status.FAILED


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_the_same_row_at_once_send_one_email(mailoutbox):
    notification = NotificationFactory()
    both_ready = threading.Barrier(2)
    results, errors = [], []

    def worker():
        # Each thread has its own database connection, as two Celery workers would.
        try:
            both_ready.wait(timeout=5)
            results.append(notification_send(notification_id=notification.pk))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)

    assert errors == []
    assert sum(result is not None for result in results) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert len(mailoutbox) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_skips_a_row_another_worker_has_locked_without_waiting(mailoutbox):
    notification = NotificationFactory()
    outcome = {}

    def second_worker():
        try:
            started = time.monotonic()
            outcome["result"] = notification_send(notification_id=notification.pk)
            outcome["took"] = time.monotonic() - started
        finally:
            connections.close_all()

    with transaction.atomic():
        Notification.objects.select_for_update().get(pk=notification.pk)
        thread = threading.Thread(target=second_worker)
        thread.start()
        thread.join(timeout=10)

    assert outcome["result"] is None
    assert outcome["took"] < 1
    assert mailoutbox == []
    assert Notification.objects.get(pk=notification.pk).status == Notification.Status.PENDING


def test_notify_switched_on_without_a_key_or_every_template_id_fails_the_system_check(settings):
    settings.NOTIFY_ENABLED = True
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATE_IDS = {"case_message": "email-template-id"}

    assert {problem.id for problem in notify_settings_check(None)} == {"notifications.E001", "notifications.E002"}


def test_someone_whose_account_is_switched_off_gets_the_inbox_message_but_no_email_or_text(
    family_member, enqueue, notify, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=family_member, mobile_number="07700 900 982")
    family_member.is_active = False
    family_member.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        rows = enqueue(family_member)

    assert [row.channel for row in rows] == ["in_app"]
    notify.send_email_notification.assert_not_called()
    notify.send_sms_notification.assert_not_called()


def test_an_email_written_before_the_account_was_switched_off_is_not_sent(db, mailoutbox):
    notification = NotificationFactory(recipient=UserFactory(email="left@example.org", is_active=False))

    with pytest.raises(Exception, match="account is switched off"):
        send_notification.delay(notification.pk)

    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.last_error.endswith("account is switched off.")
