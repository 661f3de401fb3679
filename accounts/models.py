"""Accounts: invitations that let a family in, and the requests counted to throttle the doors anyone can knock on."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from casework.models import Child, FamilyMember


def code_digest(code: str) -> str:
    """The digest an invitation's code is stored as: only whoever holds the letter or the email has the code."""
    normalised = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


class Attempt(models.Model):
    """One knock on a door open to anyone (a wrong password, a reset link asked for, an invitation code typed), kept
    for throttling.

    Neither the address asked about nor the code typed is stored: only a keyed digest, so this table tells
    nobody who has an account or what was tried. Rows older than a day are removed as new ones are written.
    """

    class Door(models.TextChoices):
        WRONG_PASSWORD = "wrong_password", "Wrong password or username"
        PASSWORD_RESET = "password_reset", "Reset link asked for"
        INVITATION_CODE = "invitation_code", "Invitation code typed"

    door = models.CharField(max_length=20, choices=Door.choices)
    at = models.DateTimeField(default=timezone.now)
    # As the load balancer reported it (config/client_address.py): text, since it is only ever compared.
    client_address = models.CharField(max_length=64, null=True, blank=True)
    key_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["door", "client_address", "at"], name="attempt_by_address"),
            # The count for everyone together, of one door.
            models.Index(fields=["door", "at"], name="attempt_by_door"),
            models.Index(fields=["door", "key_digest", "at"], name="attempt_by_key"),
            models.Index(fields=["at"], name="attempt_at"),
        ]


class InvitationQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Invitations that may still be accepted: not accepted, not withdrawn, not expired."""
        now = now or timezone.now()
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A one-time invitation for one person to see one child's record, sent by email or by a printed letter."""

    class Kind(models.TextChoices):
        PARENT_CARER = "parent_carer", "A parent or carer"
        YOUNG_PERSON = "young_person", "The young person themselves (aged 16 to 25)"

    class Delivery(models.TextChoices):
        EMAIL = "email", "By email"
        LETTER = "letter", "By a printed letter with a code"

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be accepted"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="invitations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    relationship = models.CharField(
        max_length=20, choices=FamilyMember.Relationship.choices, help_text="Who they are to the child."
    )
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    email = models.EmailField(blank=True)
    code_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="invitations_accepted"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["child", "created_at"], name="invitation_by_child")]

    def __str__(self):
        return f"{self.display_name} to {self.child.display_name}'s record"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def state_at(self, now) -> "Invitation.State":
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.withdrawn_at:
            return self.State.WITHDRAWN
        if self.expires_at <= now:
            return self.State.EXPIRED
        return self.State.WAITING

    @property
    def state(self) -> "Invitation.State":
        return self.state_at(timezone.now())


class ContactDetails(models.Model):
    """How a parent, carer or young person wants to be contacted, kept up to date by them; staff see it on the
    case page so an officer can ring the family. Every change is a history row (who, when, what it was).

    The email address is the account's (`User.email`, used for reset links and notifications) and the mobile
    number the one text messages go to (`notifications.NotificationPreference`): both are written by the same
    service, and copied here so that the history shows what they were at each change.
    """

    class Preferred(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        TEXT = "text", "Text message"
        LETTER = "letter", "Letter"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_details")
    email = models.EmailField(blank=True)
    mobile = models.CharField(max_length=13, blank=True)
    phone = models.CharField(max_length=20, blank=True, help_text="Another number, such as a landline.")
    address = models.TextField(blank=True, help_text="For letters.")
    preferred = models.CharField(max_length=10, choices=Preferred.choices, default=Preferred.EMAIL)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "contact details"

    def __str__(self):
        return f"Contact details of {self.user}"


# --- retention (UK GDPR Article 5(1)(e): kept no longer than necessary) ----------------------------------------


class RetentionRule(models.Model):
    """How long one kind of record is kept, after which event, and on whose advice: the schedule, as data."""

    class Kind(models.TextChoices):
        CHILD_FILE = "child_file", "A child's file: the child, their plan, every concern and everything on it"
        INVITATION = "invitation", "An invitation that was accepted, withdrawn or has expired"

    class After(models.TextChoices):
        DATE_OF_BIRTH = "date_of_birth", "the child's date of birth"
        ENDED = "ended", "the day it was accepted, withdrawn or expired"

    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    years = models.PositiveSmallIntegerField(help_text="How many years after the event the record is kept.")
    after = models.CharField(max_length=20, choices=After.choices)
    source = models.TextField(help_text="Why this long: the statute, guidance or decision it follows.")
    history = HistoricalRecords()

    def __str__(self):
        return f"{self.get_kind_display()}: {self.years} years after {self.get_after_display()}"


class LegalHold(models.Model):
    """While a hold is in place on a child or a case (a claim, a complaint to the Ombudsman, a tribunal, a
    subject access request), nothing of it is removed, whatever the schedule says."""

    child = models.ForeignKey(Child, null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds")
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(child__isnull=False, case__isnull=True) | models.Q(child__isnull=True, case__isnull=False),
                name="legal_hold_on_a_child_or_a_case",
            )
        ]

    def __str__(self):
        held = f"child {self.child_id}" if self.child_id else f"case {self.case_id}"
        return f"Legal hold on {held}{' (lifted)' if self.lifted_at else ''}"


class RetentionReview(models.Model):
    """One month's list of records past their retention date. Nothing goes until a named administrator approves."""

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        SUPERSEDED = "superseded", "Superseded by a later list"
        CARRIED_OUT = "carried_out", "Approved and carried out"

    listed_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_APPROVAL)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-listed_at"]

    def __str__(self):
        return f"Records past their retention date, listed {self.listed_at:%d %B %Y}"


class RetentionItem(models.Model):
    """One record on a review's list. It names the record by its id only: the list must not itself keep it."""

    review = models.ForeignKey(RetentionReview, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=RetentionRule.Kind.choices)
    object_id = models.PositiveBigIntegerField()
    due_on = models.DateField()
    description = models.CharField(max_length=300)


class RetentionAudit(models.Model):
    """What the retention process removed, when, and who approved it. Never deleted."""

    review = models.ForeignKey(RetentionReview, on_delete=models.PROTECT, related_name="audit")
    kind = models.CharField(max_length=20, choices=RetentionRule.Kind.choices)
    object_id = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300)
    rows_removed = models.JSONField(help_text="How many rows of each table went, history included.")
    removed_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-removed_at"]
