"""Timeliness of the statutory process, counted as the DfE's SEN2 return counts it.

- New plans: needs assessments whose final plan was issued in the period; how many within
  20 weeks (reg 13(2)) counting every plan ("including exceptions"), and counting only plans
  no exception applied to ("excluding exceptions"), the percentages, and the average weeks
  from request to plan.
- Decisions whether to assess made in the period, and how many within 6 weeks (reg 5(1)).
- Annual reviews due in the period: done on time, and overdue (not done, date passed).
- Phase transfers due in the period: plan amended by the deadline (15 February, 31 March).

Every figure is counted by the database (one GROUP BY a figure), grouped by council, team,
coordinator or month. The open data version hides counts from 1 to 4 (and percentages built
on them) so no child can be recognised, as DfE statistics do.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth

from casework.models import Officer, Organisation, Team
from casework.permissions import officer_of, organisations_of

from .models import Process, Step

# What each report row is a group of: a column of the step's process (or its month, below).
GROUPS = {
    "council": "process__organisation_id",
    "team": "process__coordinator__team_id",
    "coordinator": "process__coordinator_id",
    "month": None,
}
FIGURES = (
    "plans_issued", "plans_within_20_weeks", "plans_with_exceptions", "plans_within_20_weeks_excluding_exceptions",
    "percent_within_20_weeks", "percent_within_20_weeks_excluding_exceptions", "average_weeks_to_issue",
    "decisions_to_assess", "decisions_within_6_weeks", "reviews_due", "reviews_on_time", "reviews_overdue",
    "phase_transfers_due", "phase_transfers_on_time",
)
SMALL_NUMBER = 5


@dataclass(frozen=True)
class Period:
    start: date
    end: date


def timeliness_report(*, actor, period: Period, group_by: str, today: date, open_data: bool = False) -> list[dict]:
    """One row a group, figures as in the module's docstring; only the councils `actor` may report on."""
    steps = _steps_reported_to(actor)
    done_in_period = Q(done_on__gte=period.start, done_on__lte=period.end)
    due_in_period = Q(due_on__gte=period.start, due_on__lte=period.end)
    on_time = Q(done_on__lte=F("due_on"))
    figures = [
        _count(steps.filter(done_in_period, key="final_plan", process__kind=Process.Kind.NEEDS_ASSESSMENT),
               group_by, "done_on",
               plans_issued=Count("pk"),
               plans_within_20_weeks=Count("pk", filter=on_time),
               plans_with_exceptions=Count("pk", filter=Q(lifted=True)),
               plans_within_20_weeks_excluding_exceptions=Count("pk", filter=on_time & Q(lifted=False)),
               time_to_issue=Avg(F("done_on") - F("process__received_on"))),
        _count(steps.filter(done_in_period, key="decision_to_assess"), group_by, "done_on",
               decisions_to_assess=Count("pk"), decisions_within_6_weeks=Count("pk", filter=on_time)),
        _count(steps.filter(due_in_period, key="review_meeting", not_needed=False), group_by, "due_on",
               reviews_due=Count("pk"), reviews_on_time=Count("pk", filter=on_time),
               reviews_overdue=Count("pk", filter=Q(done_on__isnull=True, due_on__lt=today, lifted=False))),
        _count(steps.filter(due_in_period, key="phase_transfer_plan", not_needed=False), group_by, "due_on",
               phase_transfers_due=Count("pk"), phase_transfers_on_time=Count("pk", filter=on_time)),
    ]
    rows = _merge(figures)
    labels = _labels(group_by, rows.keys())
    return [_finish(key, labels.get(key, str(key)), values, open_data) for key, values in sorted(
        rows.items(), key=lambda item: (labels.get(item[0], ""), str(item[0])))]


def _steps_reported_to(actor) -> QuerySet[Step]:
    if actor.is_superuser:
        return Step.objects.all()
    officer = officer_of(actor)
    councils = organisations_of(officer) if officer is not None and officer.is_manager else set()
    return Step.objects.filter(process__organisation_id__in=councils)


def _count(steps: QuerySet[Step], group_by: str, day_field: str, **aggregates) -> list[dict]:
    key_field = GROUPS[group_by]
    if key_field is None:
        steps = steps.annotate(group=TruncMonth(day_field))
    else:
        steps = steps.annotate(group=F(key_field))
    return list(steps.values("group").annotate(**aggregates).order_by())


def _merge(figures: list[list[dict]]) -> dict:
    rows: dict = {}
    for rows_of_figure in figures:
        for row in rows_of_figure:
            group = row.pop("group")
            rows.setdefault(group, {}).update(row)
    return rows


def _labels(group_by: str, keys) -> dict:
    """Each group's name, read from its own table: a few hundred rows at most."""
    ids = [key for key in keys if key is not None]
    if group_by == "month":
        return {key: f"{key:%B %Y}" for key in ids}
    if group_by == "coordinator":
        return {o.pk: o.display_name for o in Officer.objects.filter(pk__in=ids).select_related("user")}
    model = Organisation if group_by == "council" else Team
    return dict(model.objects.filter(pk__in=ids).values_list("pk", "name"))


def _finish(key, label: str, values: dict, open_data: bool) -> dict:
    row = {figure: values.get(figure, 0) for figure in FIGURES}
    row["percent_within_20_weeks"] = _ratio(row["plans_within_20_weeks"], row["plans_issued"])
    excluding = row["plans_issued"] - row["plans_with_exceptions"]
    row["percent_within_20_weeks_excluding_exceptions"] = _ratio(
        row["plans_within_20_weeks_excluding_exceptions"], excluding
    )
    time_to_issue = values.get("time_to_issue")
    row["average_weeks_to_issue"] = round(time_to_issue.total_seconds() / 86400 / 7, 1) if time_to_issue else None
    if open_data:
        row = _suppress(row)
    return {"key": key.isoformat() if isinstance(key, date) else key, "label": label, **row}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _suppress(row: dict) -> dict:
    """Hide every count from 1 to 4, and the percentages and averages of plans counted from one."""
    shown = {name: ("c" if isinstance(value, int) and 0 < value < SMALL_NUMBER else value) for name, value in row.items()}
    if shown["plans_issued"] == "c" or "c" in (shown["plans_within_20_weeks"], shown["plans_with_exceptions"]):
        for name in ("percent_within_20_weeks", "percent_within_20_weeks_excluding_exceptions", "average_weeks_to_issue"):
            shown[name] = "c"
    return shown
