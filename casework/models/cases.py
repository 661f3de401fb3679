"""Cases, the moves each may make, their messages, and saving many at once with their history."""


from django.conf import settings
from django.db import models
from django.utils import timezone
from fast_update.fast import fast_update
from simple_history.models import HistoricalRecords

from .families import Category, Child, ProvisionItem
from .staff import Officer, Organisation, Team


class Case(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_PARENT = "awaiting_parent", "Waiting for you"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    class Priority(models.TextChoices):
        URGENT = "urgent", "Urgent"
        HIGH = "high", "High"
        NORMAL = "normal", "Normal"

    class ContactMethod(models.TextChoices):
        ONLINE = "online", "Online"
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        LETTER = "letter", "Letter"
        IN_PERSON = "in_person", "In person"

    # Every state but these is "open": the officer still owes the family something.
    CLOSED_STATES = (Status.RESOLVED, Status.CLOSED)
    OPEN_STATES = (Status.NEW, Status.ACKNOWLEDGED, Status.IN_PROGRESS, Status.AWAITING_PARENT)
    # Resolved cases still need an owner: the family may reopen them.
    OWNED_STATES = OPEN_STATES + (Status.RESOLVED,)

    reference = models.CharField(max_length=30, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    # The child, officer and team lookups use the composite indexes in Meta, which lead with them.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", db_index=False)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="cases")
    provision_item = models.ForeignKey(
        ProvisionItem, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    summary = models.CharField(max_length=200)
    description = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    safeguarding = models.BooleanField(default=False)
    accountable_officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="cases", db_index=False)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases", db_index=False)
    # Empty for a concern the service raised by itself (a gap in provision delivery).
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="cases_logged"
    )
    logged_on_behalf = models.BooleanField(
        default=False, help_text="An officer recorded this for the family, for example after a phone call."
    )
    contact_method = models.CharField(max_length=20, choices=ContactMethod.choices, default=ContactMethod.ONLINE)
    outcome = models.TextField(blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    owner_count = models.PositiveSmallIntegerField(
        default=1, help_text="How many named officers this case has had, counting the first."
    )
    # The ladder (DESIGN.md "SLA and escalation"): when a clock first ran out, and
    # when the next level is due. Kept by the escalations app; indexed for the sweep.
    first_breached_at = models.DateTimeField(null=True, blank=True)
    escalation_due_at = models.DateTimeField(null=True, blank=True)
    # The earliest moment a running clock falls due; kept by the escalations app
    # so the staff queue can be ordered by an index.
    next_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Four weeks after resolution the family is asked whether the problem is still fixed.
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    follow_up_sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # History is read a case at a time (by id); indexing its other columns only slows every save.
    history = HistoricalRecords(
        no_db_index=[
            "organisation", "child", "category", "provision_item", "accountable_officer", "team", "logged_by", "reference"
        ]
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["accountable_officer", "status"], name="case_officer_status"),
            # An officer's queue: their cases, next due first.
            models.Index(fields=["accountable_officer", "next_due_at", "id"], name="case_officer_queue"),
            models.Index(fields=["team", "status"], name="case_team_status"),
            models.Index(fields=["child", "status"], name="case_child_status"),
            models.Index(fields=["next_due_at", "id"], name="case_queue_order"),
            models.Index(fields=["created_at"], name="case_created"),
            models.Index(fields=["team", "created_at"], name="case_team_created"),
            models.Index(
                fields=["follow_up_due_at"],
                name="case_follow_up_due",
                condition=models.Q(follow_up_due_at__isnull=False, follow_up_sent_at__isnull=True),
            ),
            models.Index(
                fields=["escalation_due_at"],
                name="case_ladder_due",
                condition=models.Q(escalation_due_at__isnull=False),
            ),
            # The accountability report counts each officer's open cases from this index alone, not from a
            # scan of every case ever logged. The states are OPEN_STATES: Meta cannot see the class's names.
            models.Index(
                fields=["accountable_officer", "id"],
                name="case_open_by_officer",
                condition=models.Q(status__in=["new", "acknowledged", "in_progress", "awaiting_parent"]),
            ),
            # The cases that changed hands most, read from the top of the index.
            models.Index(
                fields=["-owner_count", "created_at", "id"],
                name="case_most_owners",
                condition=models.Q(owner_count__gt=1),
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self):
        return self.status not in self.CLOSED_STATES

    @property
    def awaits_was_it_fixed(self) -> bool:
        """Whether the family may still answer "is the problem still fixed?": only while it is resolved."""
        return self.status == self.Status.RESOLVED


# The lifecycle, declared once (DESIGN.md "The case lifecycle"): each action,
# the states it may start from, and the state it leaves the case in.
S = Case.Status
CASE_MOVES = {
    "acknowledge": (frozenset({S.NEW}), S.ACKNOWLEDGED),
    "start": (frozenset({S.ACKNOWLEDGED}), S.IN_PROGRESS),
    "await_parent": (frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS}), S.AWAITING_PARENT),
    "resume": (frozenset({S.AWAITING_PARENT}), S.IN_PROGRESS),
    "resolve": (frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS, S.AWAITING_PARENT}), S.RESOLVED),
    "close": (frozenset(Case.OWNED_STATES), S.CLOSED),
    "reopen": (frozenset({S.RESOLVED}), S.IN_PROGRESS),
}
del S


def case_moves_available(case) -> list[str]:
    """The actions that fit the case's state now; pages show only these."""
    return [action for action, (sources, _) in CASE_MOVES.items() if case.status in sources]


class CaseReferenceCounter(models.Model):
    """On SQLite, the last reference number given out in a year. PostgreSQL takes references from a
    sequence instead (`casework.services.intake`); the migration that made it started it past these."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)


class CaseMessage(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_messages")
    text = models.TextField()
    internal = models.BooleanField(default=False, help_text="A note between staff. Families never see it.")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]


def save_many_with_history(objs: list, fields: list[str], *, at, user=None, reason: str = "") -> None:
    """Save the same fields of many rows of one history-tracked model: one UPDATE, one insert of history rows.

    STYLE.md forbids `bulk_update()` on these models because it skips history.
    This is the one way to change many at once and keep the audit trail: each
    history row carries the acting user (None for the system) and the reason,
    or an object's own `_history_user` and `_change_reason` where it has them.
    An `auto_now` field is set to `at`, as a save would.
    """
    if not objs:
        return
    model = type(objs[0])
    stamped = [field.name for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
    for obj in objs:
        for name in stamped:
            setattr(obj, name, at)
    # UPDATE ... FROM (VALUES ...): Django's bulk_update builds a CASE WHEN per row and field, which costs more
    # than the update itself at a few hundred rows.
    fast_update(model._default_manager.all(), objs, [*fields, *stamped], batch_size=None)
    model.history.bulk_history_create(
        objs, update=True, default_user=user, default_change_reason=reason, default_date=at
    )
