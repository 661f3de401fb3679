"""SLA compliance (DESIGN.md "Reports"): met, breached and still open, by category, team, officer and month.

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
from datetime import date, datetime
from math import floor

from django.db.models import Case as Choose
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from casework.models import Case, Category, Officer, Team
from core.database import report_memory
from escalations.models import ClockKind
from escalations.selectors import SHOWN_KINDS, breached_clocks_q

from .selectors import SlaScope
from .sql import display_name, month_label, seconds_in, uk_month

STATES = ("met", "breached", "open_within", "open_breached")
SECONDS_PER_HOUR = 3600


def clock_state_counts(now: datetime) -> dict:
    """A Count for each state of a clock at `now`: met, breached, open within time, open breached.

    Counted from the cases' side (`with_latest_clocks`), each clock's fields under CLOCK.
    """
    return {state: Count(f"{CLOCK}pk", filter=condition) for state, condition in clock_state_conditions(now).items()}


def clock_state_conditions(now: datetime) -> dict[str, Q]:
    """The condition on a case's clock (fields under CLOCK) for each state it can be in at `now`."""
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
    return states


# A share of fewer decided cases than this says more about chance than about the service, so pages show none.
FEWEST_DECIDED_FOR_A_SHARE = 5
# What each figure of a compliance row counts: a state of the clock, every clock, or those a share rests on.
FIGURES = (*STATES, "total", "decided")


def decided(row: dict) -> int:
    """How many cases a compliance share rests on: those whose clock met its date or lost it."""
    return row["met"] + row["breached"] + row["open_breached"]


def share_shown(row: dict) -> float | None:
    """The compliance share, when enough cases were decided for it to mean something; else None."""
    return row["compliance"] if decided(row) >= FEWEST_DECIDED_FOR_A_SHARE else None


def cases_in_clock_state(cases: QuerySet[Case], *, clock: str, figure: str, now: datetime) -> QuerySet[Case]:
    """The cases behind one figure of a compliance row: those whose latest `clock` is counted in `figure`.

    The same conditions `sla_report` counts with, so the list holds exactly as many cases as the figure says.
    """
    conditions = clock_state_conditions(now)
    if figure == "total":
        state = Q()
    elif figure == "decided":
        state = conditions["met"] | conditions["breached"] | conditions["open_breached"]
    else:
        state = conditions[figure]
    # One filter() call, so the clock chosen and its state are conditions on the same joined row.
    latest = Q(**{f"{CLOCK}kind": clock, f"{CLOCK}superseded_at__isnull": True})
    return cases.filter(latest & state)


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


def with_running_clocks(cases: QuerySet[Case]) -> QuerySet[Case]:
    """`cases` joined to each one's running latest clock of each shown kind: the clocks the tally does not hold."""
    return cases.filter(
        **{f"{CLOCK}kind__in": SHOWN_KINDS, f"{CLOCK}superseded_at__isnull": True, f"{CLOCK}stopped_at__isnull": True}
    )


@dataclass(frozen=True)
class Grouping:
    """How the SLA report groups clocks: by a key of their case (`case_key`) or of the tally (`tally_key`).

    Only keys are grouped by; the rows' labels and order are read once afterwards
    (`_labelled_in_order`), so the big aggregates join nothing. `sparse`: a group
    holds a few hundred clocks spread over thousands of minutes (a team's, an
    officer's), so its percentiles are read from the tally's rows as they are:
    adding them up into a histogram by the minute first would hardly shorten them.
    """

    case_key: object
    tally_key: object
    sparse: bool = False


SLA_GROUPINGS = {
    "category": Grouping(F("category_id"), F("category_id")),
    "team": Grouping(F("team_id"), F("team_id"), sparse=True),
    "officer": Grouping(F("accountable_officer_id"), F("officer_id"), sparse=True),
    "month": Grouping(uk_month("created_at"), F("month")),
}
TIMED_KINDS = (ClockKind.ACKNOWLEDGE, ClockKind.RESOLVE)
UNTIMED_KINDS = tuple(kind for kind in SHOWN_KINDS if kind not in TIMED_KINDS)
PERCENTILES = {"median": 0.5, "p90": 0.9}


def sla_report(*, scope: SlaScope, group_by: str, clock: str, now: datetime) -> dict:
    """SLA compliance of the scope's cases, grouped, by each case's latest `clock` (resolve unless asked otherwise).

    Stopped clocks are read from the clock tally (`ClockTally`), running ones
    counted live: a fixed number of queries, and none of them reads the clocks of
    cases long closed. Hours to acknowledge and to resolve are working hours
    (09:00-17:00 UK time on working days): the median and 90th percentile of the
    latest acknowledge and resolve clocks' working time, whole minutes from the
    tally, so time the case waited on the family does not count. Clocks still
    running count towards neither.
    """
    grouping = SLA_GROUPINGS[group_by]
    figures: dict = {}
    counted = _running_counts(scope, grouping.case_key, now) + _stopped_untimed_counts(scope, grouping.tally_key)
    per_group, overall_times = _stopped_timed(scope.tallies(), grouping)
    for group, kind, counts in counted + per_group:
        _add(figures.setdefault(_key(group_by, group), {}).setdefault(kind, {}), counts)
    overall: dict = {}
    for by_kind in figures.values():
        for kind, counts in by_kind.items():
            _add(overall.setdefault(kind, {}), {state: counts.get(state, 0) for state in STATES})
    for kind, times in overall_times.items():
        overall.setdefault(kind, {}).update(times)
    return {
        "group_by": group_by,
        "clock": clock,
        "rows": [_sla_row(key, label, figures[key], clock) for key, label in _labelled_in_order(group_by, figures)],
        "overall": _sla_row("all", "All cases", overall, clock),
    }


def _running_counts(scope: SlaScope, key, now: datetime) -> list[tuple]:
    states = {state: count for state, count in clock_state_counts(now).items() if state.startswith("open_")}
    # Only an open case has a clock running (resolving and closing stop them all): saying so lets PostgreSQL
    # read the open cases from their partial index, a fifth of all cases, rather than every case logged.
    cases = scope.cases().filter(status__in=Case.OPEN_STATES)
    rows = with_running_clocks(cases).values(group=key, kind=F(f"{CLOCK}kind")).annotate(**states).order_by()
    return [(row["group"], row["kind"], {state: row[state] for state in states}) for row in rows]


def _stopped_untimed_counts(scope: SlaScope, key) -> list[tuple]:
    """Met and breached of the stopped clocks whose time no report shows (`_stopped_timed` counts the rest)."""
    rows = (
        scope.tallies()
        .filter(kind__in=UNTIMED_KINDS)
        .values("kind", group=key)
        .annotate(
            kept=Coalesce(Sum("clocks", filter=Q(met=True)), 0), missed=Coalesce(Sum("clocks", filter=Q(met=False)), 0)
        )
        .order_by()
    )
    return [(row["group"], row["kind"], {"met": row["kept"], "breached": row["missed"]}) for row in rows]


def _add(counts: dict, more: dict) -> None:
    for state, count in more.items():
        counts[state] = counts.get(state, 0) + count


def _stopped_timed(tallies, grouping: Grouping) -> tuple[list[tuple], dict]:
    """Met, breached, and the median and 90th percentile working seconds of the stopped acknowledge and resolve
    clocks: of each group, as (group, kind, figures), and the percentiles of every group together, by kind.

    The same figures as PostgreSQL's `percentile_cont` over the clocks' whole minutes, worked out in one query:
    the clocks of each group, and of all of them together, are numbered in order of their minutes by a
    running sum, and only the rows around each percentile's place come back, a few a group however many
    clocks there are, each with its group's counts. An index of each grouping holds the tally's rows in that
    order (`ClockTally` Meta), so nothing is sorted. Rows of the same minutes are numbered one after another in
    any order, which cannot change the minutes at any place.
    """
    near = " OR ".join(["(upto > %s * (total - 1) - 1 AND upto - n <= %s * (total - 1) + 1)"] * len(PERCENTILES))
    fractions = [value for fraction in PERCENTILES.values() for value in (fraction, fraction)]
    timed = tallies.filter(kind__in=TIMED_KINDS)
    grouped = _by_minutes(timed.annotate(group=grouping.tally_key), "group", histogram=not grouping.sparse)
    grouped, grouped_params = grouped.query.sql_with_params()
    every, every_params = _by_minutes(timed, histogram=True).query.sql_with_params()
    numbered = (
        "SELECT {group}, clock_kind, whole_minutes, upto - n, upto, total, kept FROM ("
        " SELECT {group}, clock_kind, whole_minutes, n,"
        " SUM(n) OVER (PARTITION BY {partition} ORDER BY whole_minutes ROWS UNBOUNDED PRECEDING) AS upto,"
        " SUM(n) OVER (PARTITION BY {partition}) AS total,"
        " SUM(kept) OVER (PARTITION BY {partition}) AS kept"
        " FROM ({counted}) AS counted"
        f") AS placed WHERE {near}"
    )
    sql = (
        numbered.format(group='"group"', partition='"group", clock_kind', counted=grouped)
        + " UNION ALL "
        + numbered.format(group="NULL", partition="clock_kind", counted=every)
    )
    # Raw SQL passes no router: ask the tally's own database, which is the replica while a report reads.
    with report_memory(tallies.db) as cursor:
        cursor.execute(sql, [*grouped_params, *fractions, *every_params, *fractions])
        rows = cursor.fetchall()
    near_each: dict = {}
    outcomes: dict = {}
    for group, kind, minutes, below, upto, total, kept in rows:
        near_each.setdefault((group, kind), []).append((int(below), int(upto), int(total), minutes * 60))
        outcomes[group, kind] = {"met": int(kept), "breached": int(total) - int(kept)}
    figures = {where: _figures(buckets) for where, buckets in near_each.items()}
    per_group = [
        (group, kind, {**outcomes[group, kind], **times}) for (group, kind), times in figures.items() if group is not None
    ]
    return per_group, {kind: times for (group, kind), times in figures.items() if group is None}


def _by_minutes(tallies, *group: str, histogram: bool) -> QuerySet:
    """The clocks by group (if any), kind and whole minutes, `n` to a row and `kept` of them met: added up into
    a histogram by the minute, or as the tally's rows are. Keyed in index order."""
    # As annotations, so a GROUP BY keeps this order: PostgreSQL then adds up the rows as the index holds them.
    rows = tallies.annotate(clock_kind=F("kind"), whole_minutes=F("minutes"))
    if histogram:
        return (
            rows.values(*group, "clock_kind", "whole_minutes")
            .annotate(
                n=Cast(Sum("clocks"), IntegerField()),
                kept=Cast(Coalesce(Sum("clocks", filter=Q(met=True)), 0), IntegerField()),
            )
            .order_by()
        )
    kept = Choose(When(met=True, then=F("clocks")), default=Value(0))
    return rows.annotate(n=F("clocks"), kept=kept).values(*group, "clock_kind", "whole_minutes", "n", "kept").order_by()


def _figures(buckets: list[tuple]) -> dict:
    return {f"{name}_working_seconds": _percentile(buckets, fraction) for name, fraction in PERCENTILES.items()}


def _percentile(buckets: list[tuple], fraction: float) -> float:
    """`percentile_cont` from the buckets around its place: each bucket (below, up to, total, seconds) holds the
    clocks numbered `below` to `up to` - 1 in order, all of one time."""
    total = buckets[0][2]
    rank = fraction * (total - 1)
    below = floor(rank)
    above = min(below + 1, total - 1)

    def at(place: int) -> float:
        return next(seconds for first, upto, _total, seconds in buckets if first <= place < upto)

    return at(below) + (rank - below) * (at(above) - at(below))


def _key(group_by: str, group) -> str:
    # A month comes as a date, a datetime, or (from SQLite through a raw query) the text of a date.
    return str(group)[:7] if group_by == "month" else str(group)


def _labelled_in_order(group_by: str, figures: dict) -> list[tuple[str, str]]:
    """Each group's key and label, in the report's order: a category's place, a team's or officer's name, a month."""
    if group_by == "month":
        return [(key, month_label(date.fromisoformat(f"{key}-01"))) for key in sorted(figures)]
    model, label, order = {
        "category": (Category, F("name"), F("position")),
        "team": (Team, F("name"), F("name")),
        "officer": (Officer, display_name("user"), display_name("user")),
    }[group_by]
    rows = model.objects.filter(pk__in=list(figures)).values_list("pk", label).order_by(order, "pk")
    return [(str(pk), text) for pk, text in rows]


def _sla_row(key: str, label: str, by_kind: dict, clock: str) -> dict:
    clocks = {
        kind: with_totals({state: by_kind.get(kind, {}).get(state, 0) for state in STATES}) for kind in SHOWN_KINDS
    }
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
