"""Celery tasks: each takes ids, calls one service and lets errors through."""

from celery import shared_task

from core.tasks import SEND_LIMITS, SWEEP_LIMITS

from . import services


# Celery's own retry limit is off: the outbox row counts attempts, including
# those made by the re-dispatch, and the service decides when to give up.
@shared_task(name="notifications.tasks.send_notification", bind=True, max_retries=None, **SEND_LIMITS)
def send_notification(self, notification_id: int) -> None:
    try:
        services.notification_send(notification_id=notification_id)
    except services.NotificationRetryLater as exc:
        raise self.retry(exc=exc.__cause__, countdown=exc.countdown) from exc


@shared_task(name="notifications.tasks.redispatch_pending_notifications", **SWEEP_LIMITS)
def redispatch_pending_notifications() -> int:
    return services.notification_redispatch_due()


@shared_task(name="notifications.tasks.send_daily_digests", **SWEEP_LIMITS)
def send_daily_digests() -> int:
    return len(services.notification_daily_digests_send())
