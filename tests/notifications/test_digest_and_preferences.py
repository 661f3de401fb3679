from datetime import date, datetime, time
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
# A Monday in British Summer Time. The sweep reminds an officer at 09:00 of a clock due at 17:00 that day.
MONDAY = date(2026, 6, 15)
MONDAY_0900 = datetime(2026, 6, 15, 9, 0, tzinfo=LONDON)
MONDAY_1700 = datetime(2026, 6, 15, 17, 0, tzinfo=LONDON)


def digest_schedule():
    return next(
        entry["schedule"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.tasks.send_daily_digests"
    )


def digest_runs_on(day: date) -> list[datetime]:
    """When beat runs the digest on `day`, UK time. Celery numbers the days of the week from Sunday, 0."""
    schedule = digest_schedule()
    if day.isoweekday() % 7 not in schedule.day_of_week:
        return []
    return [
        datetime.combine(day, time(hour, minute), tzinfo=LONDON)
        for hour in sorted(schedule.hour)
        for minute in sorted(schedule.minute)
    ]


def test_the_digest_is_scheduled_for_0905_london_time_on_weekdays_just_after_the_0900_reminders():
    assert digest_schedule() == crontab(hour=9, minute=5, day_of_week="mon-fri")
    assert settings.CELERY_TIMEZONE == "Europe/London"


def test_the_redispatch_is_scheduled_every_minute():
    entry = next(
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.tasks.redispatch_pending_notifications"
    )

    assert entry["schedule"] == 60.0


def test_an_officer_on_the_digest_gets_the_mornings_reminders_as_one_email_and_a_second_run_sends_nothing(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=officer, daily_digest=True)
    with time_machine.travel(MONDAY_0900), django_capture_on_commit_callbacks(execute=True):
        enqueue(officer, template="officer_reminder", dedupe_key="reminder-1", reference="SEND-2026-000001")
        enqueue(officer, template="officer_reminder", dedupe_key="reminder-2", reference="SEND-2026-000002")
        enqueue(officer, template="officer_case_assigned", dedupe_key="assigned-3", reference="SEND-2026-000003")

    assert [message.subject for message in mailoutbox] == ["Safeguarding: New case for you: SEND-2026-000003"]
    held = Notification.objects.filter(status=Notification.Status.HELD)
    assert held.count() == 2
    assert Notification.objects.filter(channel="in_app", template="officer_reminder", status="sent").count() == 2

    with time_machine.travel(datetime(2026, 6, 15, 9, 5, tzinfo=LONDON)), django_capture_on_commit_callbacks(execute=True):
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

    with time_machine.travel(datetime(2026, 6, 15, 9, 5, tzinfo=LONDON)), django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests.delay().get() == 0
    assert len(mailoutbox) == 2


@time_machine.travel(MONDAY_0900)
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


@time_machine.travel(MONDAY_0900)
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


@time_machine.travel(MONDAY_0900)
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


@time_machine.travel(MONDAY_0900)
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


@time_machine.travel(MONDAY_0900)
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


def test_a_reminder_sent_at_0900_reaches_an_officer_on_the_digest_before_its_1700_deadline(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks
):
    notification_preferences_update(user=officer, daily_digest=True)
    with time_machine.travel(MONDAY_0900), django_capture_on_commit_callbacks(execute=True):
        enqueue(officer, template="officer_reminder", reference="SEND-2026-000001")

    for run_at in digest_runs_on(MONDAY):
        if MONDAY_0900 <= run_at < MONDAY_1700:
            with time_machine.travel(run_at), django_capture_on_commit_callbacks(execute=True):
                send_daily_digests.delay()

    assert [message.subject for message in mailoutbox] == ["Your reminders for today: 1 case"]
    assert "SEND-2026-000001" in mailoutbox[0].body


@pytest.mark.parametrize(
    "written_at",
    [
        # One working hour before a safeguarding acknowledgement falls due at 14:00.
        datetime(2026, 6, 15, 13, 0, tzinfo=LONDON),
        # The 09:00 reminders, from a sweep that ran late, after the morning's digest had gone.
        datetime(2026, 6, 15, 9, 20, tzinfo=LONDON),
    ],
)
def test_a_reminder_written_after_the_mornings_digest_is_emailed_at_once_not_held_until_after_its_deadline(
    officer, enqueue, mailoutbox, django_capture_on_commit_callbacks, written_at
):
    notification_preferences_update(user=officer, daily_digest=True)
    with time_machine.travel(written_at), django_capture_on_commit_callbacks(execute=True):
        enqueue(officer, template="officer_reminder", reference="SEND-2026-000001")

    assert [message.subject for message in mailoutbox] == ["Reminder: case SEND-2026-000001 is due 25 November 2026 at 5pm"]
    assert not Notification.objects.filter(status=Notification.Status.HELD).exists()
