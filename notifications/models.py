"""The outbox: one row for each message to one person on one channel.

A row is written in the same transaction as the change that causes it and is
delivered after commit (DESIGN.md, invariant 4). Writes go through
`notifications.services`; nothing here sends anything by itself.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        IN_APP = "in_app", "In the app"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        HELD = "held", "Held for the daily digest"

    # No index of its own: the inbox index leads with the recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    template = models.CharField(max_length=64, help_text="The key of the message template.")
    context = models.JSONField(
        default=dict, blank=True, help_text="What the template was rendered with; GOV.UK Notify gets it too."
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True, help_text="A path on this site, for example /cases/12/.")
    dedupe_key = models.CharField(
        max_length=200, help_text="Names the event: the same event enqueued twice makes one notification."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="The worker (host:process id) that claimed the last send, so the re-dispatch can tell it has gone.",
    )
    last_error = models.TextField(blank=True)
    redispatch_at = models.DateTimeField(
        default=timezone.now,
        help_text=(
            "When the periodic re-dispatch takes this row up if nothing has sent it by then: "
            "a minute after it was written, after the retry delay, or when a send has taken too long."
        ),
    )
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digested",
        help_text="The daily digest email that carried this held reminder.",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "recipient", "channel"], name="notification_unique_event_recipient_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "channel", "-created_at"], name="notification_inbox_idx"),
            # The re-dispatch reads pending and sending rows whose time has come;
            # the digest reads held rows. Both lead with the status. The millions
            # of rows already sent are left out, so writing an in-app row (sent at
            # once) costs an index less.
            models.Index(
                fields=["status", "redispatch_at"],
                name="notification_unsent_idx",
                condition=~models.Q(status="sent"),
            ),
            models.Index(fields=["digest"], name="notification_digest_idx", condition=models.Q(digest__isnull=False)),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} to {self.recipient}: {self.subject}"


# [0-9], not \d: \d takes any script's digits (Arabic-Indic, full-width), which no text message can be sent to.
uk_mobile_number_validator = RegexValidator(
    regex=r"^(?:07[0-9]{9}|\+447[0-9]{9})$",
    message="Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982.",
)


class NotificationPreference(models.Model):
    """How one person wants to hear from us. In-app messages cannot be turned off."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(default=True)
    daily_digest = models.BooleanField(
        default=False, help_text="Collect the morning's reminder emails into one email at 09:05 on weekdays."
    )
    mobile_number = models.CharField(
        max_length=13,
        blank=True,
        validators=[uk_mobile_number_validator],
        help_text="Text messages go here when GOV.UK Notify is turned on. Blank means no texts.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Notification preferences of {self.user}"
