"""Forgotten passwords: asking for a reset link, sending it, and setting the new password.

The rules: the answer is the same whether or not an account has the address (so nobody can learn who
uses the service); a link works once, for PASSWORD_RESET_TIMEOUT seconds (Django's token is signed over
the password hash and the last sign-in, so setting a password or signing in spends it); asking is
throttled per client and per address; a new password ends every other session and API token.
"""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from notifications.services import BROKER_UNAVAILABLE

from .models import Attempt
from .throttling import (
    WINDOW,
    attempt_record,
    key_digest,
    key_over_limit,
    refuse_if_client_over_limit,
    refuse_if_everyone_over_limit,
)

logger = logging.getLogger(__name__)

EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
}
# One address may be sent 3 links an hour: enough for someone whose email was slow, too few to flood an inbox.
RESET_LIMIT_PER_ADDRESS = 3


def accounts_for_reset(email: str):
    """Active accounts with this address and a password of their own (an account made for single sign-on
    alone has none to reset). Addresses are not unique, so each gets its own link."""
    users = get_user_model().objects.filter(email__iexact=email.strip(), is_active=True)
    return [user for user in users if user.has_usable_password()]


@transaction.atomic
def password_reset_request(*, email: str, client_address: str | None) -> None:
    """Ask for reset links for `email`. The caller learns nothing about whether an account has it.

    Raises TooManyAttempts when this client, or everyone together, has asked too often (counted whatever the
    address). Past the limit for one address, nothing more is sent and the answer is still the same. Each link
    is emailed by a task after commit, so known and unknown addresses take the same time to answer.
    """
    door = Attempt.Door.PASSWORD_RESET
    refuse_if_client_over_limit(door=door, client_address=client_address, limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS)
    refuse_if_everyone_over_limit(door=door, limit=settings.PASSWORD_RESET_LIMIT_OVERALL, window=WINDOW)
    digest = key_digest(door, email)
    too_often = key_over_limit(door=door, digest=digest, limit=RESET_LIMIT_PER_ADDRESS)
    attempt_record(door=door, client_address=client_address, digest=digest)
    if too_often:
        logger.info("A reset link was asked for an address already sent %s this hour.", RESET_LIMIT_PER_ADDRESS)
        return
    for user in accounts_for_reset(email):
        transaction.on_commit(partial(_queue_reset_email, user.pk))


def _queue_reset_email(user_id: int) -> None:
    # tasks.py imports this module, so this import waits until it is needed.
    from .tasks import send_password_reset_email

    try:
        send_password_reset_email.apply_async(args=[user_id], retry=False)
    except BROKER_UNAVAILABLE:
        # A link must not wait for Redis to come back: the person is at the screen waiting for it.
        logger.warning("The broker could not be reached: the reset link is sent from the web server.")
        password_reset_email_send(user_id=user_id)


def reset_link_for(user) -> str:
    path = reverse(
        "password-reset-confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def password_reset_email_send(*, user_id: int) -> None:
    """Email one account its reset link. The link is made here and never stored: the outbox and the inbox,
    which keep messages, would otherwise hold a key to the account."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    context = {
        "user": user,
        "link": reset_link_for(user),
        "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "council_name": settings.COUNCIL_NAME,
    }
    send_mail(
        subject="Reset your SEND Casework password",
        message=render_to_string("accounts/email/password_reset.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def account_password_set(*, user, password: str) -> None:
    """Set a new password after a reset. Every other session ends (Django signs each session with the password
    hash, so a session from before no longer matches) and every API token is revoked (accounts/tokens.py)."""
    user.set_password(password)
    user.save(update_fields=["password"])
