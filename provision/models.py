"""Delivery of EHCP provision: who delivers it, what was recorded, and the gaps the sweep found.

The provision items themselves (and the plan's amount, the responsible body and
the provider) live in `casework.models.ProvisionItem`; this app records what
happened against them. Writes go through `provision.services` and
`provision.gaps`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from casework.models import Case, Organisation, ProvisionItem


class ProviderStaff(models.Model):
    """Someone who works for an organisation that delivers provision (a therapy service, an outreach team).

    They record sessions for the items their organisation delivers, and see only those items and the
    child's name: not the family, not the plan, not any case (DESIGN.md invariant 6).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="provider_staff")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="provider_staff")
    job_title = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name_plural = "provider staff"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.user.get_full_name() or self.user.username


class TermDate(models.Model):
    """One block of teaching days of a council's school year: a half term, from its first day to its last.

    The gaps between blocks are the holidays. A council with no blocks in a school year
    uses the usual dates (`provision.terms.DEFAULT_TERMS`).
    """

    class Term(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="term_dates")
    term = models.CharField(max_length=6, choices=Term.choices)
    starts_on = models.DateField()
    ends_on = models.DateField()

    class Meta:
        ordering = ["organisation", "starts_on"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="term_date_order"),
            models.UniqueConstraint(fields=["organisation", "starts_on"], name="term_date_unique_start"),
        ]

    def __str__(self):
        return f"{self.get_term_display()} term: {self.starts_on} to {self.ends_on}"


class Delivery(models.Model):
    """One session of a provision item, as recorded: it happened, it was missed, or it was called off.

    Records are never edited or deleted: a correction is the family's dispute, or a
    record on another day. So the table is its own audit trail, without a history
    table doubling the largest table of the service (bench: 70 million rows a year).
    """

    class Status(models.TextChoices):
        DELIVERED = "delivered", "Delivered"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    # Read by item and day through the unique index `delivery_one_a_day`, which leads with the item.
    item = models.ForeignKey(ProvisionItem, on_delete=models.PROTECT, related_name="deliveries", db_index=False)
    on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    # Sessions are never read by who recorded them, and users are never deleted: no index (this is the largest
    # table; every index on it is written 70 million times a year).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    disputed_at = models.DateTimeField(null=True, blank=True)
    # Named, not hidden ("+"): retention finds what depends on a case through its relations, and removes it first.
    dispute_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="disputed_sessions", db_index=False
    )

    class Meta:
        ordering = ["-on", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [
            # Only the few disputed sessions, for the case they opened.
            models.Index(
                fields=["dispute_case"], name="delivery_dispute_case", condition=models.Q(dispute_case__isnull=False)
            ),
        ]
        constraints = [
            # One record a day an item: the weekly register can be sent twice without doubling a session. Its
            # index, which leads with the item, also serves every read of an item's sessions.
            models.UniqueConstraint(fields=["item", "on"], name="delivery_one_a_day"),
        ]


class DeliveryCheck(models.Model):
    """When the gap sweep next looks at an item, and from which day it counts: one row an item that has an
    amount to count against. Bookkeeping, not history: the sweep moves `due_on` every week."""

    item = models.OneToOneField(ProvisionItem, on_delete=models.CASCADE, primary_key=True, related_name="+")
    due_on = models.DateField()
    # Evidence before this day has already raised a concern (or predates the plan's start): never counted twice.
    counts_from = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["due_on"], name="delivery_check_due")]


class ProvisionGap(models.Model):
    """A shortfall the sweep found, and the concern it raised. One shortfall, one concern."""

    class Rule(models.TextChoices):
        MISSED_IN_A_ROW = "missed_in_a_row", "Sessions missed in a row"
        NOTHING_RECORDED = "nothing_recorded", "Nothing recorded"
        BELOW_RATE = "below_rate", "Too few sessions delivered"

    item = models.ForeignKey(ProvisionItem, on_delete=models.PROTECT, related_name="gaps")
    rule = models.CharField(max_length=20, choices=Rule.choices)
    # The last day of the evidence: the unique constraint makes a second sweep's insert of the same gap a no-op.
    through = models.DateField()
    what_was_missed = models.TextField()
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="provision_gap")
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-found_at"]
        constraints = [models.UniqueConstraint(fields=["item", "through"], name="provision_gap_once")]


class SupportEnding(models.Model):
    """An item with an end date: the reminder before it, the decision about what happens next, and the
    concern raised when the end comes with no decision. One row an item that ends.

    `due_on` is the next day the sweep has something to do (remind, then check a decision was made);
    empty once nothing more is due. Read through its partial index.
    """

    class Decision(models.TextChoices):
        CONTINUE = "continue", "Continue it"
        REPLACE = "replace", "Replace it with other support"
        END = "end", "End it, as the plan intends"

    item = models.OneToOneField(ProvisionItem, on_delete=models.CASCADE, primary_key=True, related_name="ending")
    ends_on = models.DateField()
    remind_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=8, choices=Decision.choices, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    lapsed_case = models.OneToOneField(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="lapsed_support"
    )

    class Meta:
        indexes = [models.Index(fields=["due_on"], name="support_ending_due", condition=models.Q(due_on__isnull=False))]
