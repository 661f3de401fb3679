"""Who is who, what each child is owed, and the cases families raise.

Every case has exactly one accountable officer from the moment it exists
(DESIGN.md, invariant 1). Writes go through `casework.services`; nothing here
changes state by itself.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from fast_update.fast import fast_update
from simple_history.models import HistoricalRecords


class Organisation(models.Model):
    """A council, or another body that holds SEND duties (for example an ICB) or delivers provision."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Council"
        ICB = "icb", "Integrated Care Board"
        NHS_TRUST = "nhs_trust", "NHS trust"
        OUTREACH = "outreach", "Outreach service"
        SCHOOL = "school", "School or college"
        CONTRACTOR = "contractor", "Contractor or other provider"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COUNCIL)
    director = models.ForeignKey(
        "Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organisations_directed",
        help_text="The director at the top of the escalation ladder (level 3).",
    )
    out_of_hours_phone = models.CharField(
        max_length=40, blank=True, help_text="Shown to families who say a child is in danger now."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Area(models.Model):
    """A locality used by routing rules (for example 'North' or 'South')."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="area_unique_name")]

    def __str__(self):
        return self.name


class Team(models.Model):
    class Kind(models.TextChoices):
        SEND = "send", "SEND casework"
        TRANSPORT = "transport", "Home to school transport"
        HEALTH = "health", "Health (designated clinical officer)"
        SOCIAL_CARE = "social_care", "Social care"
        ADULTHOOD = "adulthood", "Preparing for adulthood"
        OTHER = "other", "Other"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SEND)
    manager = models.ForeignKey(
        "Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams_managed",
        help_text="Takes cases when nobody else in the team can, and is escalation level 1.",
    )
    head_of_service = models.ForeignKey(
        "Officer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams_headed",
        help_text="Escalation level 2; sees every case of this team.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name


class Officer(models.Model):
    """A member of staff. Managers are officers too, so they can hold cases."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT, related_name="officers")
    job_title = models.CharField(max_length=200, blank=True)
    is_manager = models.BooleanField(default=False)
    active = models.BooleanField(
        default=True,
        help_text="To take someone off, use 'Offboard': their cases are handed over first.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__first_name", "user__last_name", "user__username"]
        indexes = [models.Index(fields=["team", "active"], name="officer_team_active")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return self.user.get_full_name() or self.user.username


class CoverQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Cover running now, by someone still here: a cover officer who left covers nothing."""
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, ends_at__gt=at, cover_officer__active=True)

    def not_over(self, at=None):
        """Cover running now or still to come, by someone still here: what new cover must not overlap.

        Cover cancelled before it started ends where it starts, so it is never to come.
        """
        at = at or timezone.now()
        return self.filter(ends_at__gt=at, cover_officer__active=True).filter(ends_at__gt=models.F("starts_at"))


class Cover(models.Model):
    """While an officer is away, another officer covers their cases. The named officer stays accountable.

    Cover ends by itself at `ends_at`: nothing has to remember to switch it off. It also ends
    if the covering officer leaves, or when a manager ends it early (`cover_end`); cover ended
    before it started ends where it starts. An officer has one cover at a time (`cover_set`
    refuses overlaps).
    """

    officer = models.ForeignKey("Officer", on_delete=models.PROTECT, related_name="covers")
    cover_officer = models.ForeignKey("Officer", on_delete=models.PROTECT, related_name="covering")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = CoverQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["officer", "ends_at"], name="cover_officer_until")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")), name="cover_ends_at_or_after_start"
            ),
            models.CheckConstraint(condition=~models.Q(officer=models.F("cover_officer")), name="cover_not_by_self"),
        ]

    @property
    def cancelled(self) -> bool:
        """Ended before it started, so it never ran."""
        return self.ends_at == self.starts_at


class Category(models.Model):
    """A kind of concern. The eleven defaults ship in a migration; admins may edit the wording."""

    slug = models.SlugField(max_length=50, primary_key=True)
    name = models.CharField(max_length=200)
    description = models.TextField(help_text="Plain English, for families choosing what their problem is about.")
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Family(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="families")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="families")
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="FamilyMember", related_name="families")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "families"

    def __str__(self):
        return self.name


class FamilyMember(models.Model):
    """A parent or carer who may see and raise concerns for the family's children."""

    class Relationship(models.TextChoices):
        PARENT = "parent", "Parent"
        CARER = "carer", "Carer"
        GUARDIAN = "guardian", "Guardian"

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="family_memberships")
    relationship = models.CharField(max_length=20, choices=Relationship.choices, default=Relationship.PARENT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["family", "user"], name="family_member_unique")]


class Child(models.Model):
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="children")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EHCP(models.Model):
    """An Education, Health and Care Plan. One per child."""

    child = models.OneToOneField(Child, on_delete=models.PROTECT, related_name="ehcp")
    reference = models.CharField(max_length=50, unique=True)
    issued_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "EHCP"
        verbose_name_plural = "EHCPs"

    def __str__(self):
        return self.reference


class ProvisionItem(models.Model):
    """One line of section F, G or H of a plan: what, how much, how often, by whom, and who answers for it.

    The text fields are the plan's words, kept for the family. The structured amount
    (`sessions` of `minutes` `per` week, term or year) and the dates make the item an
    obligation whose delivery can be counted (the `provision` app). Items from before
    the structure existed keep their text and have it left empty until staff fill it in.
    """

    class Section(models.TextChoices):
        F = "F", "F: special educational provision"
        G = "G", "G: health provision"
        H1 = "H1", "H1: social care provision (Chronically Sick and Disabled Persons Act)"
        H2 = "H2", "H2: other social care provision"

    ehcp = models.ForeignKey(EHCP, on_delete=models.PROTECT, related_name="provision_items")
    section = models.CharField(max_length=2, choices=Section.choices)
    description = models.CharField(max_length=500)
    amount = models.CharField(max_length=100, blank=True, help_text="For example '1 hour'.")
    frequency = models.CharField(max_length=100, blank=True, help_text="For example 'weekly'.")
    provider = models.CharField(max_length=200, blank=True)

    class Per(models.TextChoices):
        WEEK = "week", "a week"
        TERM = "term", "a term"
        YEAR = "year", "a year"

    # The body the law makes answerable (CFA 2014 s42(2) and (3); `provision.duties` says which kind each
    # section needs) and the organisation that delivers it. Empty on items from before they were recorded.
    responsible_body = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="provision_owed"
    )
    provider_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="provision_delivered"
    )
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Minutes each session.")
    per = models.CharField(max_length=4, choices=Per.choices, blank=True)
    term_time_only = models.BooleanField(default=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="provision_item_ends_after_start",
            ),
            models.CheckConstraint(condition=~models.Q(sessions=0), name="provision_item_sessions_not_zero"),
        ]

    @property
    def is_structured(self) -> bool:
        """Whether the plan's amount is recorded in a form delivery can be counted against."""
        return bool(self.sessions and self.per and self.starts_on and self.responsible_body_id)

    def __str__(self):
        return f"{self.section}: {self.description}"


class RoutingRule(models.Model):
    """Sends a kind of concern to a team. Rules are tried in order; the first that matches wins.

    An empty condition matches anything, so a last rule with every condition
    empty catches whatever the rules above it do not.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="routing_rules")
    position = models.PositiveIntegerField(default=100, help_text="Lower numbers are tried first.")
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.PROTECT)
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT)
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    safeguarding = models.BooleanField(
        null=True, blank=True, help_text="Yes: only safeguarding concerns. No: only others. Empty: either."
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="routing_rules")
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation", "position", "id"]

    def __str__(self):
        return f"#{self.position} → {self.team}"

    def clean(self):
        # A rule sends the organisation's own work to one of its own teams. A case sent to another body's team
        # would belong to a body that cannot reassign it, and that body's staff could not see the whole of it.
        if self.team_id and self.organisation_id and self.team.organisation_id != self.organisation_id:
            raise ValidationError(
                {
                    "team": [
                        f"{self.team.name} belongs to {self.team.organisation.name}. Choose a team of "
                        f"{self.organisation.name}: each body's rules send its work to its own teams."
                    ]
                }
            )


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
    """The last reference number given out in a year, so references run SEND-2026-000001, 000002..."""

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


class CaseEventManager(models.Manager):
    """Every app writes timeline events through here and nowhere else."""

    def record(self, *, case, kind, actor=None, text="", internal=False, message=None, data=None, at=None):
        """Add a line to the timeline."""
        event = self.line(
            case=case, kind=kind, actor=actor, text=text, internal=internal, message=message, data=data, at=at
        )
        event.save()
        return event

    def record_many(self, events: list["CaseEvent"]) -> list["CaseEvent"]:
        """Add many lines, made with `line`, in one insert: for the sweep and offboarding, which write hundreds."""
        return self.bulk_create(events)

    def line(self, *, case, kind, actor=None, text="", internal=False, message=None, data=None, at=None):
        """A timeline line not yet saved, for `record_many`."""
        return self.model(
            case=case,
            kind=kind,
            actor=actor,
            text=text,
            internal=internal,
            message=message,
            data=data or {},
            at=at or timezone.now(),
        )


class CaseEvent(models.Model):
    """One line of a case's timeline, in words a family understands. Written with the change it describes."""

    class Kind(models.TextChoices):
        LOGGED = "logged", "Concern logged"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        STARTED = "started", "Work started"
        AWAITING_PARENT = "awaiting_parent", "Waiting for the family"
        RESUMED = "resumed", "Work resumed"
        MESSAGE = "message", "Message"
        NOTE = "note", "Internal note"
        REASSIGNED = "reassigned", "New named officer"
        HANDOVER = "handover", "Handed over"
        COVERED = "covered", "Cover arranged"
        COVER_ENDED = "cover_ended", "Cover ended"
        REMINDER = "reminder", "Reminder sent"
        ESCALATED = "escalated", "Escalated"
        EXTENDED = "extended", "Timescale extended"
        CHASED = "chased", "Chased by the family"
        RESOLVED = "resolved", "Resolved"
        REOPENED = "reopened", "Reopened"
        CLOSED = "closed", "Closed"
        FOLLOW_UP = "follow_up", "Asked if still fixed"
        CONFIRMED = "confirmed", "Family confirmed it is fixed"

    # Read through the timeline index, which leads with the case.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    message = models.ForeignKey(CaseMessage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    objects = CaseEventManager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at", "id"], name="case_event_timeline"),
            # The accountability report counts handovers in and out of every officer from this index
            # alone on PostgreSQL (the officers' ids are in `data`): owner changes are spread thinly over
            # the biggest table, and a count took 1.8 s without it.
            models.Index(
                fields=["case"],
                include=["id", "data"],
                name="case_event_owner_change_data",
                condition=models.Q(kind__in=["handover", "reassigned"]),
            ),
        ]


class CaseAccess(models.Model):
    """Staff opened this case record. Special category data under UK GDPR: every look is logged."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    via = models.CharField(max_length=30, help_text="Which screen or API call opened it.")

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["case", "-at"], name="case_access_recent")]
        verbose_name_plural = "case accesses"
