from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ValidationError

from notifications.models import Notification
from notifications.services import notification_preferences_update
from notifications.tasks import send_daily_digests

from .samples import LINK

LONDON = ZoneInfo("Europe/London")
# A Tuesday in British Summer Time, so 08:30 in London is 07:30 UTC.
TUESDAY_0830 = datetime(2026, 6, 16, 8, 30, tzinfo=LONDON)


def test_the_digest_is_scheduled_for_0830_london_time_on_weekdays():
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.tasks.send_daily_digests"
    )

    assert entry["schedule"] == crontab(hour=8, minute=30, day_of_week="mon-fri")
    assert settings.CELERY_TIMEZONE == "Europe/London"


def test_the_redispatch_is_scheduled_every_minute():
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.tasks.redispatch_pending_notifications"
    )

    assert entry["schedule"] == 60.0


def test_an_officer_on_the_digest_gets_held_reminders_as_one_email_at_0830_and_a_second_run_sends_nothing(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=officer, daily_digest=True)
    with (
        time_machine.travel(datetime(2026, 6, 15, 9, 0, tzinfo=LONDON)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enqueue(officer, template="officer_reminder", dedupe_key="reminder-1", reference="SEND-2026-000001")
        enqueue(officer, template="officer_reminder", dedupe_key="reminder-2", reference="SEND-2026-000002")
        enqueue(officer, template="officer_case_assigned", dedupe_key="assigned-3", reference="SEND-2026-000003")

    assert [message.subject for message in mailoutbox] == ["Safeguarding: New case for you: SEND-2026-000003"]
    held = Notification.objects.filter(status=Notification.Status.HELD)
    assert held.count() == 2
    assert Notification.objects.filter(channel="in_app", template="officer_reminder", status="sent").count() == 2

    with time_machine.travel(TUESDAY_0830), django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.delay().get() == 1

    assert len(mailoutbox) == 2
    digest = mailoutbox[1]
    assert digest.to == ["officer1@example.org"]
    assert digest.subject == "Your reminders for today: 2 cases"
    assert "SEND-2026-000001" in digest.body and "SEND-2026-000002" in digest.body
    assert f"{settings.SITE_URL}{LINK}" in digest.body
    digest_row = Notification.objects.get(template="officer_daily_digest")
    assert digest_row.status == Notification.Status.SENT
    assert set(digest_row.digested.values_list("status", flat=True)) == {Notification.Status.SENT}
    assert digest_row.digested.count() == 2

    with time_machine.travel(TUESDAY_0830), django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.delay().get() == 0
    assert len(mailoutbox) == 2


def test_someone_whose_reminders_went_out_in_a_digest_can_still_be_deleted(officer, enqueue):
    notification_preferences_update(user=officer, daily_digest=True)
    enqueue(officer, template="officer_reminder")
    send_daily_digests.delay()

    officer.delete()

    assert not Notification.objects.exists()


def test_an_officer_not_on_the_digest_gets_each_reminder_straight_away(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(officer, template="officer_reminder")

    assert len(mailoutbox) == 1
    assert not Notification.objects.filter(status=Notification.Status.HELD).exists()


def test_turning_the_digest_off_sends_the_held_reminders_at_once(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=officer, daily_digest=True)
    enqueue(officer, template="officer_reminder")

    with django_capture_on_commit_callbacks(execute=True):
        notification_preferences_update(user=officer, daily_digest=False)

    assert len(mailoutbox) == 1
    assert not Notification.objects.filter(status=Notification.Status.HELD).exists()


def test_preferences_update_changes_only_what_it_is_given(family_member):
    notification_preferences_update(user=family_member, email_enabled=False)
    preference = notification_preferences_update(user=family_member, daily_digest=True)

    assert preference.email_enabled is False
    assert preference.daily_digest is True
    assert preference.mobile_number == ""


def test_preferences_update_refuses_a_number_that_is_not_a_uk_mobile(family_member):
    with pytest.raises(ValidationError) as raised:
        notification_preferences_update(user=family_member, mobile_number="01632 960 001")

    assert "mobile_number" in raised.value.message_dict


def test_an_officer_who_turns_email_off_gets_no_digest_and_keeps_the_reminders_in_the_inbox(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=officer, daily_digest=True)
    enqueue(officer, template="officer_reminder")
    notification_preferences_update(user=officer, email_enabled=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.delay().get() == 0

    assert mailoutbox == []
    assert Notification.objects.get(channel="in_app", template="officer_reminder").status == Notification.Status.SENT
    held_email = Notification.objects.get(channel="email", template="officer_reminder")
    assert held_email.status == Notification.Status.FAILED
    assert held_email.last_error == "Not sent: they turned email off before the digest went."


def test_turning_email_and_the_digest_off_together_emails_none_of_the_held_reminders(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=officer, daily_digest=True)
    enqueue(officer, template="officer_reminder")

    with django_capture_on_commit_callbacks(execute=True):
        notification_preferences_update(user=officer, email_enabled=False, daily_digest=False)
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_digests.delay()

    assert mailoutbox == []


def test_an_officer_who_has_left_gets_no_digest_of_the_reminders_held_for_them(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=officer, daily_digest=True)
    enqueue(officer, template="officer_reminder")
    officer.is_active = False
    officer.save(update_fields=["is_active"])

    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.delay().get() == 0

    assert mailoutbox == []
    assert Notification.objects.get(channel="email").last_error == (
        "Not sent: their account was switched off before the digest went."
    )
