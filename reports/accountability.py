"""Accountability: per officer, what they hold, what is overdue, what escalated, and what changed hands."""

from datetime import datetime

from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, OuterRef, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Concat

from casework.models import Case, CaseEvent, Officer
from casework.permissions import teams_reported_to
from escalations.models import Alert, Clock
from escalations.selectors import breached_clocks_q

from .selectors import cases_reported_to
from .sql import LEVELS, display_name

OWNER_CHANGE_KINDS = (CaseEvent.Kind.HANDOVER, CaseEvent.Kind.REASSIGNED)


def accountability_report(*, user, now: datetime) -> dict:
    """Per officer of the teams `user` oversees: open and breached cases, escalations, handovers. Three queries.

    Each figure is one GROUP BY over its own table (cases, alerts, timeline events),
    all sent together as one UNION ALL, and matched to the officers in Python: a
    correlated count per officer would look the officer up in every table again.
    """
    cases = cases_reported_to(user)
    officers = (
        officers_reported_to(user)
        .annotate(name=display_name("user"))
        .values("pk", "name", "active", "team_id", "team__name")
        .order_by("team__name", "team_id", "name", "pk")
    )
    figures = _figures_per_officer(cases, now)
    rows = [_accountability_row(officer, figures.get(officer["pk"], {})) for officer in officers]
    return {"rows": rows, "teams": _per_team(rows), "most_owners": _most_owners(cases)}


def officers_reported_to(user) -> QuerySet[Officer]:
    """The officers the report has a row for: those of the teams `user` oversees."""
    return Officer.objects.filter(team__in=teams_reported_to(user))


def cases_held(
    cases: QuerySet[Case], *, officers: QuerySet[Officer] | None, overdue: bool, now: datetime
) -> QuerySet[Case]:
    """The open cases behind an "open" figure, or an "overdue" one, of `officers` (None: of anyone):
    counted as the report counts, and listed the same way."""
    held = cases.filter(status__in=Case.OPEN_STATES)
    if officers is not None:
        held = held.filter(accountable_officer__in=officers)
    if overdue:
        held = held.filter(_breached_now(now))
    return held


def escalations_of(cases: QuerySet[Case]) -> QuerySet[Alert]:
    """Escalations of `cases`, each counted against the officer named on the case then (`owner`)."""
    return _of_cases(Alert.objects.filter(kind=Alert.Kind.ESCALATION), cases)


def escalations_behind(cases: QuerySet[Case], *, officers: QuerySet[Officer], level: int | None) -> QuerySet[Alert]:
    """The escalations behind an officer's or a team's escalation figure, of one `level` or of any."""
    escalations = escalations_of(cases).filter(owner__in=officers)
    return escalations if level is None else escalations.filter(level=level)


def owner_changes_of(cases: QuerySet[Case]) -> QuerySet[CaseEvent]:
    """Handovers and reassignments of `cases`: each names who the case went from and to."""
    return _of_cases(CaseEvent.objects.filter(kind__in=OWNER_CHANGE_KINDS), cases)


HANDOVER_SIDES = {"in": "to_officer_id", "out": "from_officer_id"}


def handovers_behind(cases: QuerySet[Case], *, officers: QuerySet[Officer], side: str) -> QuerySet[CaseEvent]:
    """The handovers behind a "handed to them" (`side` "in") or "handed on" ("out") figure of `officers`."""
    return (
        owner_changes_of(cases)
        .alias(officer_id=_officer_id_in_event(HANDOVER_SIDES[side]))
        .filter(officer_id__in=officers.values("pk"))
    )


def _breached_now(now: datetime) -> Exists:
    return Exists(Clock.objects.filter(breached_clocks_q(now), case=OuterRef("pk")))


def _figures_per_officer(cases: QuerySet[Case], now: datetime) -> dict[int, dict[str, int]]:
    """{officer id: {figure: count}} for every officer any figure counts; figures that are zero are left out."""
    open_cases = cases_held(cases, officers=None, overdue=False, now=now)
    escalations = escalations_of(cases)
    owner_changes = owner_changes_of(cases)
    escalation_level = Concat(Value("escalations_"), Cast("level", models.CharField()), output_field=models.CharField())
    counts = [
        _count_per_officer(open_cases, "accountable_officer_id", Value("open")),
        _count_per_officer(
            cases_held(cases, officers=None, overdue=True, now=now), "accountable_officer_id", Value("breached_open")
        ),
        _count_per_officer(escalations, "owner_id", escalation_level),
        _count_per_officer(owner_changes, _officer_id_in_event(HANDOVER_SIDES["in"]), Value("handovers_in")),
        _count_per_officer(owner_changes, _officer_id_in_event(HANDOVER_SIDES["out"]), Value("handovers_out")),
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
