"""The managers' dashboard: SLA compliance by month and team, what is overdue now, recent escalations and
who is accountable, with every report to download.
"""

from datetime import date, timedelta

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from casework import selectors
from casework.api.filters import ORDERINGS
from casework.labels import STAFF_STATUS_LABELS
from casework.models import Case
from casework.permissions import (
    teams_reported_to,
)
from casework.web.access import managers_only
from core.time import UK_TIME, short_moment
from escalations.models import ClockKind
from escalations.selectors import cases_breached, escalations_recent

from ..accountability import accountability_report
from ..delivery import delivery_report, items_reported_to
from ..selectors import sla_scope_of
from ..sla import sla_report
from . import charts

DASHBOARD_MONTHS = 12
DASHBOARD_ROWS = 50
ESCALATIONS_SHOWN = 20


def percentage(share: float | None) -> str:
    return "No decided cases" if share is None else f"{round(share * 100)}%"


COMPLIANCE_CLOCKS = {
    ClockKind.ACKNOWLEDGE: "acknowledged on time",
    ClockKind.RESPOND: "given a first response on time",
    ClockKind.RESOLVE: "resolved on time",
}


@managers_only
@require_GET
def dashboard(request):
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now, UK_TIME)
    clock = request.GET.get("clock")
    if clock not in COMPLIANCE_CLOCKS:
        clock = ClockKind.RESOLVE
    first_day = _months_back(today.replace(day=1), DASHBOARD_MONTHS - 1)
    period = sla_scope_of(user, first_day, today)
    by_month = sla_report(scope=period, group_by="month", clock=clock, now=now)
    by_team = sla_report(scope=period, group_by="team", clock=clock, now=now)
    month_rows = _every_month(by_month["rows"], first_day, today)
    teams = teams_reported_to(user)
    breached = cases_breached(
        selectors.cases_visible_to(user).filter(team__in=teams, status__in=Case.OPEN_STATES), now
    )
    what = COMPLIANCE_CLOCKS[clock]
    period_words = f"cases logged from {first_day:%-d %B %Y} to {today:%-d %B %Y}"
    return render(
        request,
        "reports/dashboard.html",
        {
            "clock": clock,
            "clock_choices": [(kind, ClockKind(kind).label) for kind in COMPLIANCE_CLOCKS],
            "what": what,
            "first_day": first_day,
            "today": today,
            "month_rows": month_rows,
            "team_rows": by_team["rows"],
            "overall": by_month["overall"],
            "month_chart": charts.percentage_bar_chart(
                chart_id="chart-months",
                title=f"Share of cases {what}, by month logged",
                description=f"{period_words}. The table below gives the same figures.",
                bars=[charts.Bar(row["label"], row["compliance"], percentage(row["compliance"])) for row in month_rows],
            ),
            "team_chart": charts.percentage_bar_chart(
                chart_id="chart-teams",
                title=f"Share of cases {what}, by team",
                description=f"{period_words}. The table below gives the same figures.",
                bars=[
                    charts.Bar(row["label"], row["compliance"], percentage(row["compliance"]))
                    for row in by_team["rows"]
                ],
            ),
            "breached_count": breached.count(),
            "breached": [
                {"case": case, "status": STAFF_STATUS_LABELS[case.status], "since": short_moment(case.first_breached_at)}
                for case in breached.order_by("first_breached_at", *ORDERINGS["due"])[:DASHBOARD_ROWS]
            ],
            "escalations": _recent_escalations(teams),
            "accountability": accountability_report(user=user, now=now),
            "delivery": delivery_report(
                items=items_reported_to(user), first_day=today.replace(day=1), last_day=today, group_by="provider"
            )["rows"],
            "downloads": _report_downloads(first_day, today),
        },
    )


def _months_back(first_of_month: date, months: int) -> date:
    year, month = divmod(first_of_month.year * 12 + first_of_month.month - 1 - months, 12)
    return date(year, month + 1, 1)


def _every_month(rows: list[dict], first_day: date, last_day: date) -> list[dict]:
    """One row a month, months with no cases included, so the chart's gaps are real gaps."""
    by_key = {row["key"]: row for row in rows}
    months = []
    month = first_day
    while month <= last_day:
        key = f"{month:%Y-%m}"
        empty = {"key": key, "label": f"{month:%B %Y}", "total": 0, "met": 0, "breached": 0, "open_within": 0,
                 "open_breached": 0, "compliance": None}
        months.append(by_key.get(key, empty))
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


def _recent_escalations(teams) -> list[dict]:
    alerts = escalations_recent(teams=teams, limit=ESCALATIONS_SHOWN)
    return [
        {
            "at": short_moment(alert.created_at),
            "case": alert.case,
            "level": alert.level,
            "told": f"{alert.recipient.display_name} ({alert.get_recipient_role_display()})",
            "owner": alert.owner.display_name,
            "clock": ClockKind(alert.clock.kind).label,
        }
        for alert in alerts
    ]


def _report_downloads(first_day: date, last_day: date) -> list[tuple[str, str]]:
    period = {"from": first_day.isoformat(), "to": last_day.isoformat()}

    def link(name, **params):
        return f"{reverse(name)}?{urlencode({**params, 'format': 'csv'})}"

    return [
        ("SLA compliance by month", link("api-report-sla", **period, group_by="month")),
        ("SLA compliance by team", link("api-report-sla", **period, group_by="team")),
        ("SLA compliance by officer", link("api-report-sla", **period, group_by="officer")),
        ("SLA compliance by category", link("api-report-sla", **period, group_by="category")),
        ("Accountability: each officer's open, overdue and escalated cases", link("api-report-accountability")),
        ("Open cases by age", link("api-report-age")),
        ("Escalations by month and level", link("api-report-escalations", **period)),
        ("EHCP provision not delivered", link("api-report-provision", **period)),
        ("Provision delivered and missed, by provider", link("api-report-delivery", **period, group_by="provider")),
        ("Provision delivered and missed, by month", link("api-report-delivery", **period, group_by="month")),
        ("Transition to adulthood", link("api-report-transition", **period, group_by="month")),
    ]
