"""The statutory EHC process of each child: its steps and legal dates, decisions and exceptions.

A process has one named EHC coordinator, an active officer, accountable exactly
as a case's named officer is (DESIGN.md invariant 1). Each step's legal date is
a column, and so is the next moment the sweep must look at it (`check_at`,
indexed), so the sweep reads what is due, not every child (invariant 3).
Decisions are never edited, only superseded by a later one, and are hash-chained
on their process (`ProcessChain`), so one changed, removed or slipped in outside
the services is found by `verify_case_files`. Writes go through
`statutory.services`.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from casework.models.chain import ChainEndManager, ChainLink

from .catalogue import DECISIONS, EXCEPTION_LIFTS, exception_ground
from .rules import TRANSFERS


class Process(models.Model):
    class Kind(models.TextChoices):
        NEEDS_ASSESSMENT = "needs_assessment", "EHC needs assessment"
        ANNUAL_REVIEW = "annual_review", "Annual review"
        PHASE_TRANSFER = "phase_transfer", "Phase transfer review"
        AMENDMENT = "amendment", "Amendment of the plan"
        REASSESSMENT = "reassessment", "Reassessment"

    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        FINISHED = "finished", "Finished"

    class RequestedBy(models.TextChoices):
        PARENT = "parent", "A parent or carer"
        YOUNG_PERSON = "young_person", "The young person"
        SCHOOL = "school", "A school or college"
        PROFESSIONAL = "professional", "Another professional"
        COUNCIL = "council", "The council"

    organisation = models.ForeignKey("casework.Organisation", on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey("casework.Child", on_delete=models.PROTECT, related_name="statutory_processes")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    received_on = models.DateField(help_text="The day the council received the request, or became responsible.")
    requested_by = models.CharField(max_length=20, choices=RequestedBy.choices, default=RequestedBy.COUNCIL)
    plan_dated_on = models.DateField(
        null=True, blank=True, help_text="Annual review: the day the plan was made or last reviewed."
    )
    meeting_on = models.DateField(null=True, blank=True, help_text="Annual review: the day the meeting is planned.")
    transfer = models.CharField(
        max_length=30, blank=True, choices=[(key, t.label) for key, t in TRANSFERS.items()],
        help_text="Phase transfer: which move.",
    )
    transfer_on = models.DateField(null=True, blank=True, help_text="Phase transfer: the day of the move.")
    coordinator = models.ForeignKey(
        "casework.Officer", on_delete=models.PROTECT, related_name="statutory_processes", db_index=False
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["coordinator", "status"], name="process_coordinator_status"),
            models.Index(fields=["organisation", "kind", "received_on"], name="process_council_kind_received"),
            models.Index(fields=["child", "kind"], name="process_child_kind"),
        ]
        verbose_name = "statutory process"
        verbose_name_plural = "statutory processes"

    def __str__(self):
        return f"{self.get_kind_display()} for {self.child} (received {self.received_on:%d %B %Y})"


class Step(models.Model):
    """One step of a process with its legal date, the day it was done, and what the sweep has still to do."""

    class State(models.TextChoices):
        DUE = "due", "Due"
        DONE_ON_TIME = "done_on_time", "Done on time"
        DONE_LATE = "done_late", "Done late"
        LATE = "late", "Late"
        EXCEPTED = "excepted", "Time limit lifted by an exception"
        NOT_NEEDED = "not_needed", "Not needed"

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="steps")
    key = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    regulation = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True, help_text="Empty for a milestone with no legal date of its own.")
    done_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    family_to_act = models.BooleanField(default=False, help_text="The family's own time, such as their 15 days.")
    lifted = models.BooleanField(default=False, help_text="An exception in force lifts this time limit.")
    not_needed = models.BooleanField(default=False, help_text="A decision made this step unnecessary.")
    # The next moment the sweep must act on this step (a reminder, or the date passing); empty when nothing is left.
    check_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["process", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["process", "key"], name="step_unique_key")]
        indexes = [
            models.Index(fields=["check_at"], name="step_sweep_due", condition=models.Q(check_at__isnull=False)),
            # The timeliness report counts one kind of step done, or due, in a period.
            models.Index(fields=["key", "done_on"], name="step_key_done"),
            models.Index(fields=["key", "due_on"], name="step_key_due"),
            models.Index(
                fields=["due_on"], name="step_open_due",
                condition=models.Q(done_on__isnull=True, not_needed=False, lifted=False, due_on__isnull=False),
            ),
        ]

    def __str__(self):
        return self.label

    def state_on(self, today: date) -> str:
        """Where the step stands on `today`, in the contract's words (API.md "Statutory process")."""
        if self.not_needed:
            return self.State.NOT_NEEDED
        if self.done_on is not None:
            on_time = self.due_on is None or self.done_on <= self.due_on or self.lifted
            return self.State.DONE_ON_TIME if on_time else self.State.DONE_LATE
        if self.lifted:
            return self.State.EXCEPTED
        if self.due_on is not None and today > self.due_on:
            return self.State.LATE
        return self.State.DUE


class Decision(ChainLink):
    """A decision with the named person who approved it. Never edited: a later decision supersedes it."""

    chain_label = "decision"
    chain_owner = "process"
    chain_prefetch = ("panel",)

    CHOICES = [(key, rule.label) for key, rule in DECISIONS.items()]

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="decisions")
    decision = models.CharField(max_length=20, choices=CHOICES)
    detail = models.CharField(
        max_length=300, blank=True, help_text="The school or setting named, or the funding band."
    )
    decided_on = models.DateField()
    reasons = models.TextField()
    approved_by = models.ForeignKey("casework.Officer", on_delete=models.PROTECT, related_name="+")
    panel = models.ManyToManyField("casework.Officer", blank=True, related_name="+")
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[panel])

    class Meta:
        ordering = ["decided_on", "id"]

    def __str__(self):
        return f"{self.get_decision_display()} ({self.decided_on:%d %B %Y})"

    @property
    def appealable(self) -> bool:
        return DECISIONS[self.decision].appealable

    def chain_content(self) -> dict:
        # The panel is linked before the decision is saved, so the service passes it in as `chain_panel`.
        panel = getattr(self, "chain_panel", None)
        if panel is None:
            panel = [member.pk for member in self.panel.all()]
        return {
            "decision": self.decision,
            "detail": self.detail,
            "decided_on": self.decided_on,
            "reasons": self.reasons,
            "approved_by": self.approved_by_id,
            "panel": sorted(panel),
            "supersedes": self.supersedes_id,
            "recorded_by": self.recorded_by_id,
            "recorded_at": self.recorded_at,
        }


class ProcessChain(models.Model):
    """The end of one statutory process's chain (its decisions and the files on it): how long, and the latest hash.

    Written only by `ProcessChain.objects`, inside the transaction that writes the record.
    """

    process = models.OneToOneField(Process, primary_key=True, on_delete=models.PROTECT, related_name="chain")
    length = models.PositiveIntegerField()
    previous = models.CharField(max_length=64, blank=True)
    head = models.CharField(max_length=64)

    objects = ChainEndManager()


class StepException(models.Model):
    """An exception the regulations allow (regs 5(4), 10(4), 13(3)): it lifts one time limit while it stands.

    Never deleted: withdrawing it restores the time limit, and both are in its history.
    """

    REGULATIONS = [(reg, f"Regulation {reg}: {exception_ground(reg)}") for reg in EXCEPTION_LIFTS]

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="exceptions")
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="exceptions")
    regulation = models.CharField(max_length=10, choices=REGULATIONS)
    reason = models.TextField()
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                name="step_exception_ends_after_start",
            )
        ]

    def __str__(self):
        return f"Regulation {self.regulation} from {self.starts_on:%d %B %Y}"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


class StepAlert(models.Model):
    """A reminder the sweep sent, or the concern it raised, for one step: each exactly once.

    A reminder is keyed by the date it was about, so a date that moves gets reminders of its own;
    a step raises at most one concern, however often its date moves or the sweep runs.
    """

    class Kind(models.TextChoices):
        REMINDER_BEFORE = "reminder_before", "Reminder 5 working days before"
        REMINDER_ON_DAY = "reminder_on_day", "Reminder on the day"
        MISSED = "missed", "Date missed: concern raised"

    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    recipient = models.ForeignKey("casework.Officer", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="statutory_alert"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["step", "kind", "due_on"], name="step_alert_once_a_date"),
            models.UniqueConstraint(fields=["step"], condition=models.Q(kind="missed"), name="step_missed_once"),
        ]
