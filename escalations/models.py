"""SLA data owned by the escalations app.

Due dates are columns computed when a clock starts or moves (DESIGN.md,
invariant 3), so a closure day added later changes the dates computed from
then on, not the ones already stored.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ClosureDay(models.Model):
    """A day the council is closed that is not already a weekend or bank holiday.

    The working-day calendar treats it like a bank holiday: it never counts
    towards a deadline.
    """

    date = models.DateField(unique=True, help_text="The whole of this day is not a working day.")
    reason = models.CharField(max_length=200, help_text="For example 'Christmas closure'.")

    class Meta:
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%A} {self.date.day} {self.date:%B %Y}: {self.reason}"


class Unit(models.TextChoices):
    WORKING_HOURS = "hours", "working hours"
    WORKING_DAYS = "days", "working days"


class ClockKind(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge"
    RESPOND = "respond", "First response"
    RESOLVE = "resolve", "Resolve"
    CHASE = "chase", "Reply to a chase"


class SlaPolicy(models.Model):
    """How fast a kind of concern must be acknowledged, answered and resolved.

    The policy with `safeguarding` ticked applies to every concern marked as
    safeguarding, whatever its category. Otherwise the category's own policy
    applies, or the default (no category) for every other category.
    """

    category = models.OneToOneField(
        "casework.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="sla_policy"
    )
    safeguarding = models.BooleanField(default=False)
    priority = models.CharField(max_length=10, choices=[("urgent", "Urgent"), ("high", "High"), ("normal", "Normal")])
    # At least one: a date due the moment a concern is logged would be missed at once and escalate every concern.
    acknowledge_within = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    acknowledge_unit = models.CharField(max_length=5, choices=Unit.choices, default=Unit.WORKING_DAYS)
    respond_within = models.PositiveSmallIntegerField(help_text="Working days.", validators=[MinValueValidator(1)])
    resolve_within = models.PositiveSmallIntegerField(help_text="Working days.", validators=[MinValueValidator(1)])
    basis = models.TextField(help_text="Why these timescales: the law or guidance they come from.")

    class Meta:
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["safeguarding"], condition=models.Q(safeguarding=True), name="sla_one_safeguarding_policy"
            ),
            models.UniqueConstraint(
                fields=["safeguarding"],
                condition=models.Q(safeguarding=False, category__isnull=True),
                name="sla_one_default_policy",
            ),
        ]

    def __str__(self):
        if self.safeguarding:
            return "Safeguarding concerns"
        return str(self.category) if self.category_id else "Every other concern"


class Clock(models.Model):
    """One promise with a deadline on a case. The sweep reads `next_check_at` and nothing else.

    `next_check_at` is the next moment the sweep must look at this clock (its
    reminder, then its breach); it is empty once the clock stopped, is paused
    or has already breached, so the sweep never scans what is not due.

    `working_seconds_taken` is stored when the clock stops, so that the reports
    take medians of working time in the database rather than walking a calendar
    for every case (DESIGN.md "Counting time").

    `superseded_at` is set when a clock of the same kind starts again on the case
    (a reopened case's new resolve date, a second chase). The reports judge each
    case by its current clocks, and reading a column is far cheaper than looking
    for a later clock of every clock.
    """

    # Read through the (case, kind) index.
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="clocks", db_index=False)
    kind = models.CharField(max_length=12, choices=ClockKind.choices)
    unit = models.CharField(max_length=5, choices=Unit.choices)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    remind_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    working_seconds_taken = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=(
            "Set when the clock stops: the working time it ran, less the working time it stood "
            "paused while the case waited on the family. The reports' times to acknowledge and resolve."
        ),
    )
    superseded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When a clock of the same kind started again on the case. Empty for the case's current clock.",
    )

    class Meta:
        ordering = ["case", "started_at", "id"]
        indexes = [
            models.Index(
                fields=["next_check_at"], name="clock_due_for_sweep", condition=models.Q(next_check_at__isnull=False)
            ),
            models.Index(fields=["case", "kind"], name="clock_case_kind"),
            # The SLA reports count the running clocks live, beside the tally of the stopped ones.
            models.Index(
                fields=["case"],
                name="clock_running_current",
                condition=models.Q(stopped_at__isnull=True, superseded_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(superseded_at__isnull=True), name="clock_one_current_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} by {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def running(self):
        return self.stopped_at is None and self.paused_at is None

    def is_breached(self, now) -> bool:
        if self.breached_at is not None:
            return True
        if self.stopped_at is not None:
            return self.stopped_at > self.due_at
        return self.paused_at is None and now > self.due_at


def _report_indexes() -> list[models.Index]:
    """What the reports read of the tally, without visiting the table.

    A council's rows, with every column a report reads: they lie scattered on a page each. The acknowledge
    and resolve rows in order of their minutes, all of them and within each report grouping, with what a
    national report counts and filters on: the SLA report (`reports.sla`) numbers them in this order straight
    from the index, with no sort of a million rows. And the respond rows, which it counts on their own.
    """
    timed = models.Q(kind__in=[ClockKind.ACKNOWLEDGE, ClockKind.RESOLVE])
    read = ["day", "clocks", "met", "team", "category", "young_person"]
    return [
        models.Index(
            fields=["team", "day"],
            include=["month", "officer", "category", "kind", "young_person", "met", "minutes", "clocks"],
            name="clock_tally_team_day",
        ),
        models.Index(fields=["kind", "minutes"], include=read, condition=timed, name="clock_tally_timed"),
        *(
            models.Index(
                fields=[key, "kind", "minutes"],
                include=[column for column in read if column != key],
                condition=timed,
                name=f"clock_tally_timed_{key}",
            )
            for key in ("category", "team", "officer", "month")
        ),
        models.Index(
            fields=["day"],
            include=["kind", "month", "team", "officer", "category", "young_person", "met", "clocks"],
            condition=models.Q(kind=ClockKind.RESPOND),
            name="clock_tally_respond",
        ),
    ]


class ClockTally(models.Model):
    """How many stopped clocks share one set of report keys: the roll-up the national SLA reports read.

    A stopped clock's outcome never changes, so the reports need not read every
    clock of every case ever closed: they add these counts, and count only the
    clocks still running live. A row holds the current (not superseded) stopped
    acknowledge, respond and resolve clocks of cases logged on `day`, in `team`,
    owned by `officer`, of `category`, with one outcome and one working time in
    whole minutes (floored). `minutes` is 0 for respond clocks, whose time no
    report shows. `young_person` says the child was aged 16 to 25 on the day the
    case was logged (the transition report's rule).

    Written in the transaction that stops, supersedes or hands over a clock
    (`escalations.services.tally`); `manage.py clock_tally_rebuild` writes it
    again from the clocks, and a test holds the two equal.
    """

    day = models.DateField(help_text="The UK date the case was logged.")
    month = models.DateField(help_text="The first day of `day`'s month.")
    team = models.ForeignKey("casework.Team", on_delete=models.PROTECT, related_name="+", db_index=False)
    officer = models.ForeignKey("casework.Officer", on_delete=models.PROTECT, related_name="+", db_index=False)
    category = models.ForeignKey("casework.Category", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=12, choices=ClockKind.choices)
    young_person = models.BooleanField()
    met = models.BooleanField()
    minutes = models.PositiveIntegerField()
    clocks = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "officer", "category", "kind", "young_person", "met", "minutes"],
                name="clock_tally_one_row_per_key",
            ),
        ]
        indexes = [
            *_report_indexes(),
            # Rows brought to zero are deleted in the same transaction: this finds them at once.
            models.Index(fields=["clocks"], name="clock_tally_emptied", condition=models.Q(clocks=0)),
        ]


class Pause(models.Model):
    """A stretch of time the case waited on the family. The clocks stand still while it lasts."""

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="pauses")
    started_at = models.DateTimeField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    ends_by_itself_at = models.DateTimeField(help_text="A case cannot be parked forever: it resumes at this moment.")
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    working_seconds = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["started_at"]
        indexes = [
            models.Index(
                fields=["ends_by_itself_at"], name="pause_open_expiry", condition=models.Q(ended_at__isnull=True)
            )
        ]


class Alert(models.Model):
    """A reminder or an escalation that was sent: who was told, when, at what level, and who owned the case.

    The unique constraint is what makes the sweep idempotent: a second sweep
    that reaches the same point finds the row and does nothing.
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        ESCALATION = "escalation", "Escalation"
        SAFEGUARDING = "safeguarding", "Safeguarding alert"

    class Role(models.TextChoices):
        OFFICER = "officer", "named officer"
        COVER = "cover", "covering officer"
        TEAM_MANAGER = "team_manager", "team manager"
        HEAD_OF_SERVICE = "head_of_service", "head of service"
        DIRECTOR = "director", "director"

    # Read through the unique constraint's index, which leads with the case.
    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="alerts", db_index=False)
    clock = models.ForeignKey(Clock, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(
        default=0,
        help_text=(
            "1-3 up the ladder. For a reminder, 0 for the first on its clock, then one more for each "
            "new date the clock was given after a reminder (an extension, or a wait on the family), "
            "so each date gets its own reminder."
        ),
    )
    recipient = models.ForeignKey("casework.Officer", on_delete=models.PROTECT, related_name="alerts_received")
    recipient_role = models.CharField(max_length=20, choices=Role.choices)
    owner = models.ForeignKey(
        "casework.Officer",
        on_delete=models.PROTECT,
        related_name="alerts_as_owner",
        help_text="Who was accountable for the case at that moment.",
        db_index=False,  # the (owner, kind, level) index leads with it
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "clock", "kind", "level"], name="alert_once_per_point")
        ]
        indexes = [
            models.Index(fields=["owner", "kind", "level"], name="alert_owner_level"),
            # The escalations report counts alerts of one kind by month.
            models.Index(fields=["kind", "created_at"], name="alert_kind_created"),
        ]


class OpenDataPublication(models.Model):
    """Whether a council publishes its SLA figures as open data.

    Nothing is public until a manager chooses to publish; withdrawing makes the
    public addresses answer 404 again. History records who changed it, and when.
    """

    organisation = models.OneToOneField(
        "casework.Organisation", on_delete=models.PROTECT, related_name="open_data_publication"
    )
    published = models.BooleanField(default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self):
        state = "published" if self.published else "not published"
        return f"Open data for {self.organisation}: {state}"
