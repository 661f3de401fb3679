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
from datetime import datetime

from django.db.models import Count, F, Min, Q, QuerySet
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from casework.models import Case
from core.time import UK_TIME
from escalations.models import ClockKind
from escalations.selectors import SHOWN_KINDS, breached_clocks_q

from .sql import Percentile, display_name, month_key, month_label, seconds_in, uk_month

STATES = ("met", "breached", "open_within", "open_breached")
TRANSITION_CATEGORY = "transition"
# Young people stay in the SEND system to 25; from 16 they are preparing for adulthood.
TRANSITION_AGES = (16, 25)
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
