"""Celery tasks of the accounts app: thin, each calls one service."""

from celery import shared_task

from core.tasks import SEND_LIMITS, SWEEP_LIMITS

from .passwords import password_reset_email_send
from .retention import retention_review_list


@shared_task(
    name="accounts.send_password_reset_email", autoretry_for=(OSError,), retry_backoff=30, max_retries=5, **SEND_LIMITS
)
def send_password_reset_email(user_id: int) -> None:
    """Email one account its reset link (made when sent, so a retry sends a fresh one)."""
    password_reset_email_send(user_id=user_id)


@shared_task(name="accounts.list_records_past_retention", **SWEEP_LIMITS)
def list_records_past_retention() -> int:
    """Monthly: list the records past their retention date, for a named administrator to approve."""
    review = retention_review_list()
    return review.items.count() if review else 0
