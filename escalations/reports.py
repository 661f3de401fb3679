"""Reports for managers (DESIGN.md "Reports"), and the open-data table for the public.

Every figure is worked out by the database. Each report is a fixed number of
aggregate queries, however many cases there are, and only aggregated rows come
back to Python. A manager's reports cover the cases of the teams they oversee
(DESIGN.md invariant 6); a superuser's cover every case.

A clock counts as breached exactly as the rest of the service says
(`breached_clocks_q`): stopped after its due moment, running past it, or marked
by the sweep. So a clock that ran out and was then extended or paused stays
breached: the escalation it caused really happened.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from math import floor

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import (
    Cast,
    Coalesce,
    Concat,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    Lower,
    StrIndex,
    Substr,
    Trim,
    TruncMonth,
)
from django.utils import timezone

from casework.models import Case, CaseEvent, Officer, Organisation, ProvisionItem, Team
from casework.permissions import (
    Role,
    officer_of,
    role_of,
    teams_overseen_by,
)

from .models import Alert, Clock, ClockKind, OpenDataPublication
from .selectors import SHOWN_KINDS, breached_clocks_q
from .working_days import UK_TIME, WORKING_DAY_LENGTH, WorkingCalendar

STATES = ("met", "breached", "open_within", "open_breached")
OWNER_CHANGE_KINDS = (CaseEvent.Kind.HANDOVER, CaseEvent.Kind.REASSIGNED)
LEVELS = (1, 2, 3)
TRANSITION_CATEGORY = "transition"
PROVISION_CATEGORY = "provision_not_delivered"
# Young people stay in the SEND system to 25; from 16 they are preparing for adulthood.
TRANSITION_AGES = (16, 25)
# (label, fewest working days, most working days); the last band has no upper limit.
AGE_BANDS = (("0-5", 0, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21-40", 21, 40), ("over 40", 41, None))
# Open data: a count this small could point to a family, so it is published only as a phrase.
SMALL_COUNT_LIMIT = 4
SMALL_COUNT = "fewer than 5"
SECONDS_PER_HOUR = 3600
WORKING_DAY_SECONDS = int(WORKING_DAY_LENGTH.total_seconds())


# --- who sees what -----------------------------------------------------------------------


def may_read_reports(user) -> bool:
    """Managers and superusers. An officer who has left reads nothing, whatever their role was."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    officer = officer_of(user)
    return officer is not None and officer.active and role_of(user) == Role.MANAGER


def teams_reported_to(user) -> QuerySet[Team]:
    if user.is_superuser:
        return Team.objects.all()
    return teams_overseen_by(officer_of(user))


def cases_reported_to(user) -> QuerySet[Case]:
    """The cases a manager's reports count: those of the teams they oversee. Check `may_read_reports` first."""
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(team__in=teams_reported_to(user))


def logged_between(cases: QuerySet[Case], first_day: date, last_day: date) -> QuerySet[Case]:
    """Cases logged on any UK date from `first_day` to `last_day`, both included."""
    return cases.filter(on_uk_dates("created_at", first_day, last_day))


def on_uk_dates(field: str, first_day: date, last_day: date) -> Q:
    """`field` falls on any UK date from `first_day` to `last_day`, both included.

    The last date there is (31 December 9999) has no day after it, so nothing bounds it from above.
    """
    condition = Q(**{f"{field}__gte": uk_midnight(first_day)})
    if last_day < date.max:
        condition &= Q(**{f"{field}__lt": uk_midnight(last_day + timedelta(days=1))})
    return condition


def uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK_TIME)


# --- SQL building blocks -------------------------------------------------------------------


class Percentile(models.Aggregate):
    """The continuous percentile of a column (linear interpolation between the two nearest values).

    PostgreSQL has it built in as `percentile_cont`. SQLite has no such function,
    so the same calculation is registered on the connection as an aggregate, the
    way Django itself adds STDDEV_POP to SQLite: either way the query answers one
    number per group, never the values behind it.
    """

    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = models.FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError(f"A percentile is a fraction from 0 to 1, not {fraction!r}.")
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_aggregate("PERCENTILE_CONT", 2, _SqlitePercentile)
        # A copy with SQLite's calling form, so a `filter` still wraps it in FILTER (WHERE ...).
        sqlite_form = self.copy()
        sqlite_form.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return sqlite_form.as_sql(compiler, connection, **extra_context)


class _SqlitePercentile:
    """PostgreSQL's `percentile_cont` for SQLite. Nulls are skipped, as every SQL aggregate skips them."""

    def __init__(self):
        self.values = []
        self.fraction = 0.5

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return percentile_cont(sorted(self.values), self.fraction)


def percentile_cont(ordered: list[float], fraction: float) -> float | None:
    """The value at `fraction` of the way along `ordered`, interpolating between neighbours."""
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    below = floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (rank - below) * (ordered[above] - ordered[below])


def display_name(user_path: str):
    """An officer's display name in SQL, as `Officer.display_name` gives it: full name, else username."""
    full_name = Trim(Concat(f"{user_path}__first_name", Value(" "), f"{user_path}__last_name"))
    return models.Case(
        models.When(
            Q(**{f"{user_path}__first_name": "", f"{user_path}__last_name": ""}), then=F(f"{user_path}__username")
        ),
        default=full_name,
        output_field=models.CharField(),
    )


def uk_month(path: str):
    return TruncMonth(path, tzinfo=UK_TIME)


def month_key(month: datetime) -> str:
    return f"{month:%Y-%m}"


def month_label(month: datetime) -> str:
    return f"{month:%B %Y}"


def round_or_none(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def seconds_in(seconds: float | None, unit_seconds: int) -> float | None:
    """`seconds` in hours or working days, rounded to one place; None stays None.

    A percentile is a linear interpolation, so the percentile of a column in
    seconds, divided, is the percentile of the column in the larger unit.
    """
    return round_or_none(None if seconds is None else seconds / unit_seconds)


# --- SLA compliance --------------------------------------------------------------------------


def clock_state_counts(now: datetime) -> dict:
    """A Count for each state of a clock at `now`: met, breached, open within time, open breached.

    Counted from the cases' side (`with_latest_clocks`), each clock's fields under CLOCK.
    """
    breached = breached_clocks_q(now, CLOCK)
    stopped = Q(**{f"{CLOCK}stopped_at__isnull": False})
    running = Q(**{f"{CLOCK}stopped_at__isnull": True})
    never_breached = Q(**{f"{CLOCK}breached_at__isnull": True})
    states = {
        "met": stopped & never_breached & Q(**{f"{CLOCK}stopped_at__lte": F(f"{CLOCK}due_at")}),
        "breached": stopped & breached,
        "open_within": running
        & never_breached
        & (Q(**{f"{CLOCK}paused_at__isnull": False}) | Q(**{f"{CLOCK}due_at__gte": now})),
        "open_breached": running & breached,
    }
    return {state: Count(f"{CLOCK}pk", filter=condition) for state, condition in states.items()}


def compliance(met: int, breached: int, open_breached: int) -> float | None:
    """Met as a share of every clock whose outcome is known or already lost; None if there are none."""
    decided = met + breached + open_breached
    return round(met / decided, 4) if decided else None


def with_totals(counts: dict) -> dict:
    """The four state counts with their total and compliance, in the order API.md lists them."""
    return {
        "total": sum(counts[state] for state in STATES),
        **{state: counts[state] for state in STATES},
        "compliance": compliance(counts["met"], counts["breached"], counts["open_breached"]),
    }


# The SLA reports count clocks from their cases' side, through this path: PostgreSQL reads the cases once, in
# the join that groups their clocks. From the clocks' side it read them twice, once to choose the clocks and once
# to group them (bench/README.md).
CLOCK = "clocks__"


def with_latest_clocks(cases: QuerySet[Case], kinds=SHOWN_KINDS) -> QuerySet[Case]:
    """`cases` joined to each one's latest clock of each kind, a row per clock with its fields under CLOCK.

    Only the latest: a reopened case is judged on its newest resolve date.
    """
    return cases.filter(**{f"{CLOCK}kind__in": kinds, f"{CLOCK}superseded_at__isnull": True})


@dataclass(frozen=True)
class Grouping:
    """How the SLA report groups clocks: by a key of their case, shown with a label, in an order.

    The label and order follow from the key, so the database groups by the key
    alone and takes them as aggregates: sorting millions of clocks by a name
    costs far more than by an id.
    """

    key: object
    label: object
    order: object


SLA_GROUPINGS = {
    "category": Grouping(F("category_id"), F("category__name"), F("category__position")),
    "team": Grouping(F("team_id"), F("team__name"), F("team__name")),
    "officer": Grouping(
        F("accountable_officer_id"),
        display_name("accountable_officer__user"),
        display_name("accountable_officer__user"),
    ),
    "month": Grouping(uk_month("created_at"), uk_month("created_at"), uk_month("created_at")),
}


def sla_report(*, cases: QuerySet[Case], group_by: str, clock: str, now: datetime) -> dict:
    """SLA compliance of `cases`, grouped, by each case's latest `clock` (resolve unless asked otherwise).

    Two queries: one row per group and clock kind, and one per clock kind for
    every case together. Hours to acknowledge and to resolve are working hours
    (09:00-17:00 UK time on working days): the median and 90th percentile of the
    latest acknowledge and resolve clocks' `working_seconds_taken`, stored when
    each stopped, so time the case waited on the family does not count. Clocks
    still running count towards neither.
    """
    clocks = with_latest_clocks(cases)
    grouping = SLA_GROUPINGS[group_by]
    per_group = (
        clocks.values(group_key=grouping.key, kind=F(f"{CLOCK}kind"))
        .annotate(group_label=Min(grouping.label), group_order=Min(grouping.order), **_clock_figures(now))
        .order_by("group_order", "group_key", "kind")
    )
    overall = clocks.values(kind=F(f"{CLOCK}kind")).annotate(**_clock_figures(now)).order_by("kind")
    rows: dict = {}
    for figures in per_group:
        key, label = _group_key_and_label(group_by, figures["group_key"], figures["group_label"])
        rows.setdefault(key, {"key": key, "label": label, "by_kind": {}})["by_kind"][figures["kind"]] = figures
    return {
        "group_by": group_by,
        "clock": clock,
        "rows": [_sla_row(row["key"], row["label"], row["by_kind"], clock) for row in rows.values()],
        "overall": _sla_row("all", "All cases", {figures["kind"]: figures for figures in overall}, clock),
    }


def _clock_figures(now: datetime) -> dict:
    # Only these times are reported, and each percentile sorts its values: none are sorted for nothing.
    stopped = Q(**{f"{CLOCK}stopped_at__isnull": False, f"{CLOCK}kind__in": [ClockKind.ACKNOWLEDGE, ClockKind.RESOLVE]})
    return {
        **clock_state_counts(now),
        "median_working_seconds": Percentile(f"{CLOCK}working_seconds_taken", 0.5, filter=stopped),
        "p90_working_seconds": Percentile(f"{CLOCK}working_seconds_taken", 0.9, filter=stopped),
    }


def _group_key_and_label(group_by: str, key, label) -> tuple[str, str]:
    if group_by == "month":
        return month_key(key), month_label(key)
    return str(key), label


def _sla_row(key: str, label: str, by_kind: dict, clock: str) -> dict:
    none = dict.fromkeys(STATES, 0)
    clocks = {kind: with_totals(by_kind.get(kind, none)) for kind in SHOWN_KINDS}
    acknowledge, resolve = by_kind.get(ClockKind.ACKNOWLEDGE, {}), by_kind.get(ClockKind.RESOLVE, {})
    return {
        "key": key,
        "label": label,
        **clocks[clock],
        "clocks": clocks,
        "median_working_hours_to_acknowledge": _working_hours(acknowledge, "median"),
        "p90_working_hours_to_acknowledge": _working_hours(acknowledge, "p90"),
        "median_working_hours_to_resolve": _working_hours(resolve, "median"),
        "p90_working_hours_to_resolve": _working_hours(resolve, "p90"),
    }


def _working_hours(figures: dict, percentile: str) -> float | None:
    return seconds_in(figures.get(f"{percentile}_working_seconds"), SECONDS_PER_HOUR)


def transition_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Transition concerns, and every concern about a young person aged 16 to 25 on the day it was logged."""
    youngest, oldest = TRANSITION_AGES
    # A birthday comparison in whole numbers: YYYYMMDD of the day logged minus YYYYMMDD of
    # the birth date is at least N0000 exactly when the child had turned N (leap days included).
    age_code = _yyyymmdd("created_at", tzinfo=UK_TIME) - _yyyymmdd("child__date_of_birth")
    return cases.alias(age_code=age_code).filter(
        Q(category_id=TRANSITION_CATEGORY) | Q(age_code__gte=youngest * 10000, age_code__lt=(oldest + 1) * 10000)
    )


def _yyyymmdd(path: str, **extract):
    return ExtractYear(path, **extract) * 10000 + ExtractMonth(path, **extract) * 100 + ExtractDay(path, **extract)


# --- accountability ---------------------------------------------------------------------------


def accountability_report(*, user, now: datetime) -> dict:
    """Per officer of the teams `user` oversees: open and breached cases, escalations, handovers. Three queries.

    Each figure is one GROUP BY over its own table (cases, alerts, timeline events),
    all sent together as one UNION ALL, and matched to the officers in Python: a
    correlated count per officer would look the officer up in every table again.
    """
    cases = cases_reported_to(user)
    officers = (
        Officer.objects.filter(team__in=teams_reported_to(user))
        .annotate(name=display_name("user"))
        .values("pk", "name", "active", "team_id", "team__name")
        .order_by("team__name", "team_id", "name", "pk")
    )
    figures = _figures_per_officer(cases, now)
    rows = [_accountability_row(officer, figures.get(officer["pk"], {})) for officer in officers]
    return {"rows": rows, "teams": _per_team(rows), "most_owners": _most_owners(cases)}


def _figures_per_officer(cases: QuerySet[Case], now: datetime) -> dict[int, dict[str, int]]:
    """{officer id: {figure: count}} for every officer any figure counts; figures that are zero are left out."""
    open_cases = cases.filter(status__in=Case.OPEN_STATES)
    breached = Exists(Clock.objects.filter(breached_clocks_q(now), case=OuterRef("pk")))
    escalations = _of_cases(Alert.objects.filter(kind=Alert.Kind.ESCALATION), cases)
    owner_changes = _of_cases(CaseEvent.objects.filter(kind__in=OWNER_CHANGE_KINDS), cases)
    escalation_level = Concat(Value("escalations_"), Cast("level", models.CharField()), output_field=models.CharField())
    counts = [
        _count_per_officer(open_cases, "accountable_officer_id", Value("open")),
        _count_per_officer(open_cases.filter(breached), "accountable_officer_id", Value("breached_open")),
        _count_per_officer(escalations, "owner_id", escalation_level),
        _count_per_officer(owner_changes, _officer_id_in_event("to_officer_id"), Value("handovers_in")),
        _count_per_officer(owner_changes, _officer_id_in_event("from_officer_id"), Value("handovers_out")),
    ]
    figures: dict = {}
    for row in counts[0].union(*counts[1:], all=True):
        figures.setdefault(row["officer_id"], {})[row["figure"]] = row["n"]
    return figures


def _of_cases(queryset: QuerySet, cases: QuerySet[Case]) -> QuerySet:
    """Rows of `queryset` that belong to `cases`. Every row belongs to some case, so all cases need no filter."""
    if not cases.query.has_filters():
        return queryset
    return queryset.filter(case__in=cases.values("pk"))


def _count_per_officer(queryset: QuerySet, officer, figure) -> QuerySet:
    """(officer id, the figure's name, count) rows: one GROUP BY, to be sent in a UNION ALL with the others."""
    officer_id = F(officer) if isinstance(officer, str) else officer
    return (
        queryset.annotate(officer_id=officer_id, figure=ExpressionWrapper(figure, output_field=models.CharField()))
        .values("officer_id", "figure")
        .annotate(n=Count("pk"))
        .order_by()
    )


def _officer_id_in_event(key: str):
    return Cast(KeyTextTransform(key, "data"), models.BigIntegerField())


def _accountability_row(officer: dict, figures: dict[str, int]) -> dict:
    by_level = {str(level): figures.get(f"escalations_{level}", 0) for level in LEVELS}
    return {
        "officer": {
            "id": officer["pk"],
            "display_name": officer["name"],
            "team": officer["team__name"],
            "active": officer["active"],
        },
        "team_id": officer["team_id"],
        "open": figures.get("open", 0),
        "breached_open": figures.get("breached_open", 0),
        "escalations": sum(by_level.values()),
        "escalations_by_level": by_level,
        "handovers_in": figures.get("handovers_in", 0),
        "handovers_out": figures.get("handovers_out", 0),
    }


def _per_team(rows: list[dict]) -> list[dict]:
    """The officers' figures added up for each team (officer rows, not cases, so no query)."""
    teams: dict = {}
    for row in rows:
        team = teams.setdefault(
            row["team_id"],
            {
                "team": {"id": row["team_id"], "name": row["officer"]["team"]},
                "officers": 0,
                "open": 0,
                "breached_open": 0,
                "escalations": 0,
                "escalations_by_level": {str(level): 0 for level in LEVELS},
                "handovers_in": 0,
                "handovers_out": 0,
            },
        )
        team["officers"] += 1
        for figure in ("open", "breached_open", "escalations", "handovers_in", "handovers_out"):
            team[figure] += row[figure]
        for level, count in row["escalations_by_level"].items():
            team["escalations_by_level"][level] += count
    return list(teams.values())


def _most_owners(cases: QuerySet[Case], limit: int = 10) -> list[dict]:
    """The cases that have changed hands most: each change is a family telling its story again."""
    return list(
        cases.filter(owner_count__gt=1)
        .order_by("-owner_count", "created_at", "pk")
        .values("pk", "reference", "owner_count", team_name=F("team__name"))[:limit]
    )


# --- open cases by age ------------------------------------------------------------------------


def age_report(*, cases: QuerySet[Case], now: datetime) -> dict:
    """Open cases by category and by how many working days they have been open. One query.

    A case's age is the number of working days after the day it was logged, up to and
    including today (the day of logging never counts, as for deadlines). Because `now`
    is fixed, each band is a range of logging dates worked out once with the real
    calendar (bank holidays and closure days included), so the database only compares dates.
    """
    bands = age_band_conditions(timezone.localtime(now, UK_TIME).date(), WorkingCalendar())
    per_category = (
        cases.filter(status__in=Case.OPEN_STATES)
        .values("category_id", "category__name", "category__position")
        .annotate(**{f"band_{index}": Count("pk", filter=condition) for index, condition in enumerate(bands)})
        .order_by("category__position", "category_id")
    )
    rows = [
        _age_row(row["category_id"], row["category__name"], [row[f"band_{index}"] for index in range(len(bands))])
        for row in per_category
    ]
    overall = [sum(row["bands"][label] for row in rows) for label, _fewest, _most in AGE_BANDS]
    return {
        "bands": [label for label, _fewest, _most in AGE_BANDS],
        "rows": rows,
        "overall": _age_row("all", "All cases", overall),
    }


def age_band_conditions(today: date, calendar: WorkingCalendar) -> list[Q]:
    """For each age band, the condition on `created_at` that puts a case in it."""
    recent = _recent_working_days(today, calendar, count=max(most for _l, _f, most in AGE_BANDS if most) + 1)
    conditions = []
    for _label, fewest, most in AGE_BANDS:
        # Age is at least N exactly when the case was logged before the Nth most recent working day.
        condition = Q()
        if fewest > 0:
            condition &= Q(created_at__lt=uk_midnight(recent[fewest - 1]))
        if most is not None:
            condition &= Q(created_at__gte=uk_midnight(recent[most]))
        conditions.append(condition)
    return conditions


def _recent_working_days(today: date, calendar: WorkingCalendar, *, count: int) -> list[date]:
    """The `count` most recent working days, today first if today is one."""
    day = today if calendar.is_working_day(today) else calendar.previous_working_day(today)
    days = [day]
    while len(days) < count:
        days.append(calendar.previous_working_day(days[-1]))
    return days


def _age_row(key: str, label: str, counts: list[int]) -> dict:
    bands = {band[0]: count for band, count in zip(AGE_BANDS, counts, strict=True)}
    return {"key": key, "label": label, "bands": bands, "total": sum(counts)}


# --- escalations --------------------------------------------------------------------------------


def escalations_report(*, cases: QuerySet[Case], first_day: date, last_day: date) -> dict:
    """Escalations raised on UK dates from `first_day` to `last_day`, by month and ladder level. One query."""
    per_month = (
        Alert.objects.filter(
            on_uk_dates("created_at", first_day, last_day),
            case__in=cases.values("pk"),
            kind=Alert.Kind.ESCALATION,
        )
        .annotate(month=uk_month("created_at"))
        .values("month")
        .annotate(**{f"level_{level}": Count("pk", filter=Q(level=level)) for level in LEVELS})
        .order_by("month")
    )
    rows = [
        _escalation_row(month_key(row["month"]), month_label(row["month"]), [row[f"level_{level}"] for level in LEVELS])
        for row in per_month
    ]
    overall = [sum(row["by_level"][str(level)] for row in rows) for level in LEVELS]
    return {"rows": rows, "overall": _escalation_row("all", "All months", overall)}


def _escalation_row(key: str, label: str, counts: list[int]) -> dict:
    return {
        "key": key,
        "label": label,
        "total": sum(counts),
        "by_level": {str(level): count for level, count in zip(LEVELS, counts, strict=True)},
    }


# --- undelivered provision ------------------------------------------------------------------------


def provision_report(*, cases: QuerySet[Case], keyword: str = "") -> dict:
    """Undelivered EHCP provision by plan section, provider and a keyword of what was not delivered. One query.

    The keyword is the first word of the provision item's description, lower-cased,
    unless one is asked for: then only items whose description contains it count.
    Days to restore are working days of eight working hours: the `working_seconds_taken`
    of each resolved case's latest resolve clock (from logging, or from reopening, to
    resolution, less time waiting on the family), its median taken by the database.
    """
    undelivered = cases.filter(category_id=PROVISION_CATEGORY)
    keyword = keyword.strip().lower()
    if keyword:
        undelivered = undelivered.filter(provision_item__description__icontains=keyword)
        keyword_expression = Value(keyword)
    else:
        keyword_expression = _first_word("provision_item__description")
    resolved = Q(resolved_at__isnull=False)
    per_item = (
        undelivered.annotate(
            # At most one current clock of each kind per case (a constraint), so the join adds no rows.
            latest_resolve=FilteredRelation(
                "clocks", condition=Q(clocks__kind=ClockKind.RESOLVE, clocks__superseded_at__isnull=True)
            ),
            section=F("provision_item__section"),
            provider=Coalesce("provision_item__provider", Value("")),
            keyword=Coalesce(keyword_expression, Value("")),
        )
        .values("section", "provider", "keyword")
        .annotate(
            cases=Count("pk"),
            resolved=Count("pk", filter=resolved),
            median_working_seconds=Percentile("latest_resolve__working_seconds_taken", 0.5, filter=resolved),
        )
        .order_by("section", "provider", "keyword")
    )
    return {"keyword": keyword or None, "rows": [_provision_row(row) for row in per_item]}


def _first_word(path: str):
    text = Trim(path)
    return Lower(Substr(text, 1, StrIndex(Concat(text, Value(" ")), Value(" ")) - 1))


def _provision_row(row: dict) -> dict:
    sections = dict(ProvisionItem.Section.choices)
    return {
        "section": row["section"] or "",
        "section_label": sections.get(row["section"], "No provision item recorded"),
        "provider": row["provider"],
        "keyword": row["keyword"],
        "cases": row["cases"],
        "resolved": row["resolved"],
        "median_working_days_to_restore": seconds_in(row["median_working_seconds"], WORKING_DAY_SECONDS),
    }


# --- open data ----------------------------------------------------------------------------------


def open_data_publication_for(organisation_id: int) -> OpenDataPublication | None:
    """The council's publication, if it is published now."""
    return (
        OpenDataPublication.objects.filter(organisation_id=organisation_id, published=True)
        .select_related("organisation")
        .first()
    )


def open_data_sla(*, publication: OpenDataPublication, now: datetime) -> dict:
    """Every case of the council by month logged and category, counted by resolve clock. One query.

    Only category slugs and names, months and counts: nothing about a person, and no
    text anyone typed. Counts of 1 to 4 are published as "fewer than 5".
    """
    clocks = with_latest_clocks(Case.objects.filter(organisation=publication.organisation), kinds=[ClockKind.RESOLVE])
    per_month = (
        clocks.values("category_id", "category__name", "category__position", month=uk_month("created_at"))
        .annotate(**clock_state_counts(now))
        .order_by("month", "category__position", "category_id")
    )
    return {
        "organisation": {"id": publication.organisation_id, "name": publication.organisation.name},
        "published_at": publication.published_at,
        "rows": [
            {
                "month": month_key(row["month"]),
                "category": row["category_id"],
                "category_name": row["category__name"],
                **suppress_small_counts(with_totals(row)),
            }
            for row in per_month
        ],
    }


def suppress_small_counts(figures: dict) -> dict:
    """Counts of 1 to 4 become "fewer than 5"; compliance is withheld if any count it uses was."""
    counts = ("total", *STATES)
    suppressed = {name: SMALL_COUNT if 1 <= figures[name] <= SMALL_COUNT_LIMIT else figures[name] for name in counts}
    inputs_hidden = any(suppressed[name] == SMALL_COUNT for name in ("met", "breached", "open_breached"))
    return {**suppressed, "compliance": None if inputs_hidden else figures["compliance"]}


def organisations_publishable_by(user) -> QuerySet[Organisation]:
    """The councils whose teams `user` oversees: the same reach as their reports."""
    return Organisation.objects.filter(pk__in=teams_reported_to(user).values("organisation_id"))


@transaction.atomic
def open_data_publish(*, actor, published: bool, organisation_id: int | None = None) -> OpenDataPublication:
    """Publish a council's SLA figures as open data, or withdraw them. Atomic; history records who did it.

    A manager publishes for the council whose teams they oversee; one who oversees
    teams of more than one council (or a superuser) names the council.
    """
    chosen = _organisation_to_publish(actor, organisation_id)
    # The council's row is locked so that two managers publishing at once take turns.
    organisation = Organisation.objects.select_for_update().get(pk=chosen.pk)
    publication = OpenDataPublication.objects.filter(organisation=organisation).first() or OpenDataPublication(
        organisation=organisation
    )
    publication.published = published
    publication.published_by = actor if published else None
    publication.published_at = timezone.now() if published else None
    publication._history_user = actor
    publication._change_reason = "Open data published" if published else "Open data withdrawn"
    publication.save()
    return publication


def _organisation_to_publish(actor, organisation_id: int | None) -> Organisation:
    allowed = organisations_publishable_by(actor)
    if organisation_id is not None:
        organisation = allowed.filter(pk=organisation_id).first()
        if organisation is None:
            raise ValidationError({"organisation": ["Choose a council whose teams you manage."]})
        return organisation
    choices = list(allowed[:2])
    if len(choices) != 1:
        raise ValidationError({"organisation": ["Say which council's figures to publish."]})
    return choices[0]
