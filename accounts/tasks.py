"""Celery tasks of the accounts app: thin, each calls one service."""

from celery import shared_task

from .passwords import password_reset_email_send


@shared_task(name="accounts.send_password_reset_email", autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def send_password_reset_email(user_id: int) -> None:
    """Email one account its reset link (made when sent, so a retry sends a fresh one)."""
    password_reset_email_send(user_id=user_id)
