"""How a notification leaves the building, one function a channel.

Email goes through Django's email backend, or through GOV.UK Notify when
`NOTIFY_ENABLED` is on. Text messages need GOV.UK Notify. In-app messages have
no channel here: they never leave the database, the outbox row is the message.
"""

import smtplib
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from notifications_python_client.errors import APIError as NotifyAPIError
from notifications_python_client.notifications import NotificationsAPIClient

from .message_templates import absolute_url
from .models import Notification, NotificationPreference


class UndeliverableError(Exception):
    """Trying again will not help: there is nowhere to send this message."""


def deliver(notification: Notification) -> None:
    """Send one notification on its channel. Raises whatever the channel raised."""
    if not notification.recipient.is_active:
        # Switched off after the message was written: they have left, or may no longer hear about the case.
        raise UndeliverableError(f"{notification.recipient}'s account is switched off.")
    _CHANNELS[notification.channel](notification)


def is_transient(exc: Exception) -> bool:
    """Whether a failed send may succeed if tried again later."""
    if isinstance(exc, NotifyAPIError):
        # Notify asks callers to retry server errors and rate limiting, and
        # nothing else: a 400 or 403 means the request itself is wrong.
        return exc.status_code >= 500 or exc.status_code == 429
    # OSError covers refused and dropped connections and timeouts, including
    # those raised by `requests` inside the Notify client.
    return isinstance(exc, (smtplib.SMTPException, OSError))


def _deliver_email(notification: Notification) -> None:
    address = notification.recipient.email
    if not address:
        raise UndeliverableError(f"{notification.recipient} has no email address.")
    if settings.NOTIFY_ENABLED:
        _notify_client().send_email_notification(
            email_address=address,
            template_id=_notify_template_id(settings.NOTIFY_TEMPLATE_IDS, notification.template),
            personalisation=_notify_personalisation(notification),
            reference=str(notification.pk),
        )
    else:
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Message-ID": message_id(notification)},
        ).send()


def _deliver_sms(notification: Notification) -> None:
    if not settings.NOTIFY_ENABLED:
        raise UndeliverableError("Text messages need GOV.UK Notify, and NOTIFY_ENABLED is off.")
    number = (
        NotificationPreference.objects.filter(user=notification.recipient_id)
        .values_list("mobile_number", flat=True)
        .first()
    )
    if not number:
        raise UndeliverableError(f"{notification.recipient} has no mobile number.")
    _notify_client().send_sms_notification(
        phone_number=number,
        template_id=_notify_template_id(settings.NOTIFY_SMS_TEMPLATE_IDS, notification.template),
        personalisation=_notify_personalisation(notification),
        reference=str(notification.pk),
    )


def message_id(notification: Notification) -> str:
    """The same Message-ID every time this notification is sent (RFC 5322 3.6.4: unique to one message).

    A send is repeated only when a worker stops after the mail server took the message and before the
    row was marked sent; the repeat then carries the first one's Message-ID, so mail systems and
    people can see it is the same message. Notify gets the same stability from `reference`.
    """
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<notification-{notification.pk}@{domain}>"


_CHANNELS = {
    Notification.Channel.EMAIL: _deliver_email,
    Notification.Channel.SMS: _deliver_sms,
}


def _notify_client() -> NotificationsAPIClient:
    return NotificationsAPIClient(settings.NOTIFY_API_KEY)


def _notify_template_id(template_ids: dict, template: str) -> str:
    try:
        return template_ids[template]
    except KeyError:
        raise ImproperlyConfigured(f"GOV.UK Notify has no template id for {template!r}.") from None


def _notify_personalisation(notification: Notification) -> dict:
    """Everything a Notify template may use: the context, the link, and our own wording.

    A Notify template can be as simple as ((subject)) and ((body)), so the text
    stays in this repository; Notify ignores what a template does not use.
    """
    return {
        **notification.context,
        "subject": notification.subject,
        "body": notification.body,
        "link": absolute_url(notification.link) if notification.link else settings.SITE_URL,
    }
