"""Every change to the outbox: writing, sending, re-sending and reading messages.

The rules (DESIGN.md, invariant 4): a row is written in the caller's
transaction; dispatch is queued after commit; a row is claimed under a lock
before it is sent, so it is sent once however many workers try; a periodic
re-dispatch picks up whatever a lost message or a dead worker left behind.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

import kombu.exceptions
import redis.exceptions
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.time import UK_TIME

from .channels import deliver, is_transient
from .message_templates import (
    DIGEST_TEMPLATE,
    DIGESTIBLE_TEMPLATES,
    absolute_url,
    render_digest,
    render_message,
)
from .models import Notification, NotificationPreference
from .selectors import notification_preferences_get, notification_preferences_of, notifications_inbox
from .workers import this_machine, this_worker, worker_gone_from_this_machine

logger = logging.getLogger(__name__)

# What publishing a task raises when the broker cannot be reached: kombu wraps
# a failure to connect, but a connection lost during the publish comes through
# as the transport's own error.
BROKER_UNAVAILABLE = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


class NotificationRetryLater(Exception):
    """A send failed for a reason that may pass; the row is pending again.

    The original error is the cause. `countdown` is how many seconds to wait
    before the next attempt.
    """

    def __init__(self, *, notification_id: int, countdown: int):
        super().__init__(f"Notification {notification_id} will be tried again in {countdown} seconds.")
        self.countdown = countdown


@dataclass(frozen=True)
class Telling:
    """One person to tell about one event: who, which template, its context, the link and the event's key."""

    recipient: object
    template: str
    context: dict
    link: str
    dedupe_key: str


def notification_enqueue(*, recipient, template: str, context: dict, link: str, dedupe_key: str) -> list[Notification]:
    """Write the outbox rows telling `recipient` about one event, and send them after commit.

    Guarantees:
    - Atomic, inside the caller's transaction: the rows exist exactly when the
      caller's change commits.
    - An in-app row always, written as sent (it is the inbox). Nothing more
      for a switched-off account. An email row unless the person turned email
      off or has no address; held for the daily
      digest instead when the template is a reminder and they asked for one. A
      text message row when GOV.UK Notify is on, the person gave a mobile
      number and the template has a Notify text template.
    - Idempotent: a second call with the same `dedupe_key` for the same person
      writes nothing more and sends nothing twice.
    - Never raises because the broker is down: the rows stay pending and the
      re-dispatch sends them.

    Returns the event's rows for this person, including any written by an
    earlier call. Raises UnknownTemplateError for an unknown key, and
    ValueError or TypeError for a bad context or link: those are mistakes in
    the calling code.
    """
    return notification_enqueue_many(
        tellings=[Telling(recipient=recipient, template=template, context=context, link=link, dedupe_key=dedupe_key)]
    )


def notification_enqueue_many(*, tellings: list[Telling], events_are_new: bool = False) -> list[Notification]:
    """`notification_enqueue` for many people and events at once, in three queries however many.

    The same guarantees, one telling at a time; the sweep and offboarding
    tell hundreds of people in one transaction and use this.

    `events_are_new`: the caller made every event named by a dedupe key in its
    own transaction, so no row can have one of those keys yet. The rows are then
    written without looking for earlier ones: two queries.
    """
    if not tellings:
        return []
    for telling in tellings:
        if not telling.link.startswith("/"):
            raise ValueError(f"A notification link is a path on this site starting with '/', not {telling.link!r}.")
    preferences = notification_preferences_of(users={telling.recipient for telling in tellings})
    now = timezone.now()
    redispatch_at = now + timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS)
    rows = []
    for telling in tellings:
        message = render_message(template=telling.template, context=telling.context, link=telling.link)
        for channel, status in _channels_for(telling, preferences[telling.recipient.pk], now):
            rows.append(
                Notification(
                    recipient=telling.recipient,
                    channel=channel,
                    template=telling.template,
                    context=telling.context,
                    subject=message.subject,
                    body=message.body,
                    link=telling.link,
                    dedupe_key=telling.dedupe_key,
                    status=status,
                    sent_at=now if status == Notification.Status.SENT else None,
                    redispatch_at=redispatch_at,
                )
            )

    # Written without a savepoint of its own: the rows are part of the caller's change, and a failure in
    # writing them fails that change whole. A bad template or link was refused above, before any write.
    with transaction.atomic(savepoint=False):
        written = _outbox_write(rows, events_are_new=events_are_new)
    _send_after_commit([n.pk for n in written if n.status == Notification.Status.PENDING])
    return written


def _outbox_write(rows: list[Notification], *, events_are_new: bool) -> list[Notification]:
    if events_are_new:
        # One row each key, person and channel, as the unique constraint wants, even if someone was told twice.
        once: dict[tuple, Notification] = {}
        for row in rows:
            once.setdefault((row.dedupe_key, row.recipient_id, row.channel), row)
        return Notification.objects.bulk_create(list(once.values()))
    # The unique constraint on (dedupe_key, recipient, channel) decides what is
    # a duplicate, so two transactions enqueuing the same event at once still
    # make one row each channel: INSERT OR IGNORE on SQLite, ON CONFLICT DO
    # NOTHING on PostgreSQL.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    wanted = {(row.recipient_id, row.dedupe_key, row.channel) for row in rows}
    written = [
        notification
        # By event key alone, which leads the unique index (an event's other recipients are few and dropped
        # here); only what tells a row apart and whether to send it, not the message.
        for notification in Notification.objects.filter(dedupe_key__in={row.dedupe_key for row in rows})
        .only("id", "recipient_id", "dedupe_key", "channel", "status")
        .order_by("id")
        if (notification.recipient_id, notification.dedupe_key, notification.channel) in wanted
    ]
    return written


def _channels_for(telling: Telling, preference: NotificationPreference, now: datetime) -> list[tuple[str, str]]:
    channels = [(Notification.Channel.IN_APP, Notification.Status.SENT)]
    if not telling.recipient.is_active:
        # A switched-off account is someone who has left, or whom the council has cut off from the case.
        return channels
    if preference.email_enabled and telling.recipient.email:
        held = preference.daily_digest and telling.template in DIGESTIBLE_TEMPLATES and _todays_digest_to_come(now)
        channels.append((Notification.Channel.EMAIL, Notification.Status.HELD if held else Notification.Status.PENDING))
    if settings.NOTIFY_ENABLED and preference.mobile_number and telling.template in settings.NOTIFY_SMS_TEMPLATE_IDS:
        channels.append((Notification.Channel.SMS, Notification.Status.PENDING))
    return channels


def _todays_digest_to_come(now: datetime) -> bool:
    """Whether a reminder written at `now` can wait for a digest sent later the same day.

    A reminder is about something due that same working day, so one that missed
    today's digest is emailed at once rather than held until after its deadline.
    """
    local = now.astimezone(UK_TIME)
    digest_at = local.replace(
        hour=settings.NOTIFICATIONS_DAILY_DIGEST_HOUR,
        minute=settings.NOTIFICATIONS_DAILY_DIGEST_MINUTE,
        second=0,
        microsecond=0,
    )
    # A minute's margin: a reminder written just before the digest may commit only after the digest has read.
    return local.weekday() < 5 and local < digest_at - timedelta(minutes=1)


def notification_send(*, notification_id: int) -> Notification | None:
    """Deliver one pending notification, at most once however many workers try.

    The row is claimed (pending to sending, one more attempt) under a row lock
    in a short transaction; the send happens outside any transaction; then the
    row is marked sent. Returns None when there is nothing to do: the row is
    missing, already sent, or being sent by someone else.

    When the channel fails: a transient error with attempts left puts the row
    back to pending and raises NotificationRetryLater, carrying the delay
    before the next try (doubling each time); any other error, or the last
    attempt, marks the row failed with the error and raises it again.
    """
    notification = _notification_claim(notification_id=notification_id)
    if notification is None:
        return None
    try:
        deliver(notification)
    except Exception as exc:
        _notification_record_failure(notification=notification, exc=exc)
        raise
    now = timezone.now()
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.SENT, sent_at=now, last_error="", updated_at=now
    )
    notification.refresh_from_db()
    return notification


@transaction.atomic
def _notification_claim(*, notification_id: int) -> Notification | None:
    # skip_locked: a second worker gives up at once instead of waiting to find
    # the row already taken.
    notification = (
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("recipient")
        .filter(pk=notification_id, status=Notification.Status.PENDING)
        .first()
    )
    if notification is None:
        return None
    now = timezone.now()
    if notification.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS:
        # Only a send that died part-way through its last attempt gets here.
        Notification.objects.filter(pk=notification.pk).update(
            status=Notification.Status.FAILED,
            last_error=f"Gave up after {notification.attempts} attempts. {notification.last_error}".strip(),
            updated_at=now,
        )
        return None
    # The status condition makes the claim safe on SQLite too, which has no row locks.
    claimed = Notification.objects.filter(pk=notification.pk, status=Notification.Status.PENDING).update(
        status=Notification.Status.SENDING,
        attempts=F("attempts") + 1,
        claimed_by=this_worker(),
        updated_at=now,
        redispatch_at=now + timedelta(seconds=settings.NOTIFICATIONS_SENDING_TIMEOUT_SECONDS),
    )
    if not claimed:
        return None
    notification.status = Notification.Status.SENDING
    notification.attempts += 1
    return notification


def _notification_record_failure(*, notification: Notification, exc: Exception) -> None:
    now = timezone.now()
    error = f"{type(exc).__name__}: {exc}"
    if is_transient(exc) and notification.attempts < settings.NOTIFICATIONS_MAX_ATTEMPTS:
        countdown = settings.NOTIFICATIONS_RETRY_DELAY_SECONDS * 2**notification.attempts
        Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
            status=Notification.Status.PENDING,
            last_error=error,
            updated_at=now,
            # Should the retry message be lost, the re-dispatch takes over a little after it was due.
            redispatch_at=now + timedelta(seconds=countdown + settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS),
        )
        raise NotificationRetryLater(notification_id=notification.pk, countdown=countdown) from exc
    Notification.objects.filter(pk=notification.pk, status=Notification.Status.SENDING).update(
        status=Notification.Status.FAILED, last_error=error, updated_at=now
    )


def notification_redispatch_due(*, limit: int | None = None) -> int:
    """Queue again every pending row whose time has come, and rescue sends that never finished.

    A row is due a minute after it was written (its first dispatch was lost or
    the broker was down), a minute after its retry was due, or, while sending,
    once the send has run longer than NOTIFICATIONS_SENDING_TIMEOUT_SECONDS (its
    worker died), or at once when the worker that claimed it ran on this machine
    and has ended: that row goes back to pending. Atomic; reads at most `limit`
    rows (default NOTIFICATIONS_REDISPATCH_BATCH_SIZE) through an index, so its
    cost grows with what is due; safe to run twice at once, as each run skips
    rows the other has locked. Returns how many rows were queued.
    """
    now = timezone.now()
    limit = limit or settings.NOTIFICATIONS_REDISPATCH_BATCH_SIZE
    with transaction.atomic():
        due = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status__in=[Notification.Status.PENDING, Notification.Status.SENDING], redispatch_at__lte=now)
            .order_by("redispatch_at")
            .values_list("pk", "status")[:limit]
        )
        # Sends still within their time whose worker here has gone: few rows, read through the status index.
        sending_here = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=Notification.Status.SENDING, redispatch_at__gt=now,
                    claimed_by__startswith=f"{this_machine()}:")
            .values_list("pk", "claimed_by")[:limit]
        )
        due += [(pk, Notification.Status.SENDING) for pk, claimed_by in sending_here
                if worker_gone_from_this_machine(claimed_by)]
        stuck = [pk for pk, status in due if status == Notification.Status.SENDING]
        Notification.objects.filter(pk__in=stuck, status=Notification.Status.SENDING).update(
            status=Notification.Status.PENDING,
            last_error="The previous attempt did not finish in time; the worker may have stopped.",
            updated_at=now,
        )
        ids = [pk for pk, _ in due]
        Notification.objects.filter(pk__in=ids).update(
            redispatch_at=now + timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS)
        )
        _send_after_commit(ids)
    return len(ids)


@transaction.atomic
def notification_resend(*, notification: Notification, actor) -> Notification:
    """Give a failed notification a fresh set of attempts and send it after commit.

    Atomic. Only a failed notification can be resent: anything else raises
    ValidationError, so a message already sent is never sent again from here.
    """
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.status != Notification.Status.FAILED:
        raise ValidationError("Only a failed notification can be sent again.")
    notification.status = Notification.Status.PENDING
    notification.attempts = 0
    notification.redispatch_at = timezone.now() + timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS)
    notification.save(update_fields=["status", "attempts", "redispatch_at", "updated_at"])
    logger.info("%s asked for notification %s to be sent again", actor, notification.pk)
    _send_after_commit([notification.pk])
    return notification


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one inbox message read. Reading it again keeps the first time it was read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread message in the user's inbox read; returns how many."""
    now = timezone.now()
    return notifications_inbox(user=user).filter(read_at__isnull=True).update(read_at=now, updated_at=now)


@transaction.atomic
def notification_preferences_update(
    *, user, email_enabled: bool | None = None, daily_digest: bool | None = None, mobile_number: str | None = None
) -> NotificationPreference:
    """Change how a person hears from us; an argument left as None stays as it was.

    Atomic. In-app messages cannot be turned off. Turning the digest off sends
    the reminders it was holding straight away, so none waits for a digest that
    will not come; with email off they are not emailed at all (they are in the
    inbox already). A mobile number may contain spaces; "" removes it. Raises
    ValidationError for a number that is not a UK mobile number.
    """
    preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
    if email_enabled is not None:
        preference.email_enabled = email_enabled
    if daily_digest is not None:
        preference.daily_digest = daily_digest
    if mobile_number is not None:
        preference.mobile_number = "".join(mobile_number.split())
    preference.full_clean()
    preference.save()
    # With email off, what the digest holds is not emailed: the digest finds it held and records why.
    if not preference.daily_digest and preference.email_enabled:
        held = list(
            Notification.objects.filter(recipient=user, status=Notification.Status.HELD).values_list("pk", flat=True)
        )
        now = timezone.now()
        Notification.objects.filter(pk__in=held).update(
            status=Notification.Status.PENDING,
            updated_at=now,
            redispatch_at=now + timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS),
        )
        _send_after_commit(held)
    return preference


def notification_daily_digests_send() -> list[Notification]:
    """Send each person with held reminders one email listing them, and mark the reminders sent.

    Someone who, by then, has turned email off, has no address or has left
    gets no digest: their held reminders are marked failed with the reason.

    One short transaction a person, with the held rows locked (skip_locked):
    the digest row and the change from held to sent commit together, so a
    second run, even one running at the same moment, finds nothing held and
    sends nothing. The digest is itself an outbox row, sent after commit with
    the usual retries. Returns the digest notifications written.
    """
    recipient_ids = list(
        Notification.objects.filter(status=Notification.Status.HELD)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    digests = [_notification_digest_write(recipient_id=recipient_id) for recipient_id in recipient_ids]
    return [digest for digest in digests if digest is not None]


@transaction.atomic
def _notification_digest_write(*, recipient_id: int) -> Notification | None:
    held = list(
        Notification.objects.select_for_update(skip_locked=True)
        .filter(recipient_id=recipient_id, status=Notification.Status.HELD)
        .select_related("recipient")
        .order_by("created_at", "id")
    )
    if not held:
        return None
    now = timezone.now()
    not_emailed_because = _why_not_emailed(held[0].recipient)
    if not_emailed_because:
        # The reminders are already in the inbox; emailing them now would go against what the person chose, or to
        # someone who has left and no longer holds the cases.
        Notification.objects.filter(pk__in=[n.pk for n in held]).update(
            status=Notification.Status.FAILED, last_error=not_emailed_because, updated_at=now
        )
        return None
    message = render_digest(items=[{"subject": n.subject, "link_url": absolute_url(n.link)} for n in held])
    digest = Notification.objects.create(
        recipient_id=recipient_id,
        channel=Notification.Channel.EMAIL,
        template=DIGEST_TEMPLATE,
        context={"count": len(held)},
        subject=message.subject,
        body=message.body,
        # Each held row goes into exactly one digest, so the first of them names it.
        dedupe_key=f"{DIGEST_TEMPLATE}:{held[0].pk}",
        status=Notification.Status.PENDING,
        redispatch_at=now + timedelta(seconds=settings.NOTIFICATIONS_REDISPATCH_AFTER_SECONDS),
    )
    Notification.objects.filter(pk__in=[n.pk for n in held]).update(
        status=Notification.Status.SENT, sent_at=now, digest=digest, updated_at=now
    )
    _send_after_commit([digest.pk])
    return digest


def _why_not_emailed(user) -> str:
    """Why held reminders may not be emailed to `user` now, or "" if they may: it is decided when the digest goes."""
    if not user.is_active:
        return "Not sent: their account was switched off before the digest went."
    if not user.email:
        return "Not sent: they had no email address when the digest went."
    if not notification_preferences_get(user=user).email_enabled:
        return "Not sent: they turned email off before the digest went."
    return ""


def _send_after_commit(notification_ids: list[int]) -> None:
    if notification_ids:
        transaction.on_commit(partial(_queue_sends, list(notification_ids)))


def _queue_sends(notification_ids: list[int]) -> None:
    """Put one send task a row on the broker; if the broker is down, leave them to the re-dispatch.

    Runs after commit, so the rows are safe in the database whatever happens
    here. A broker that is down must not fail the change that caused the
    message: the rows stay pending and the re-dispatch sends them once the
    broker is back.
    """
    # tasks.py imports this module, so this import waits until it is needed.
    from .tasks import send_notification

    for position, notification_id in enumerate(notification_ids):
        try:
            # retry=False: fail at once rather than hold up the request retrying the broker.
            send_notification.apply_async(args=[notification_id], retry=False)
        except BROKER_UNAVAILABLE as exc:
            logger.warning(
                "Could not queue notifications %s because the broker is unreachable (%s). "
                "They stay pending and the re-dispatch will send them.",
                notification_ids[position:],
                exc,
            )
            # The rest would only wait on the same broker again.
            return
