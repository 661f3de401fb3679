"""The managers' dashboard: SLA compliance by month and team, what is overdue now, recent escalations and
who is accountable, with every report to download.
"""

from datetime import date

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
from core.database import report_reads
from core.time import UK_TIME, short_moment
from escalations.models import ClockKind
from escalations.selectors import cases_breached, escalations_recent

from ..accountability import accountability_report
from ..delivery import delivery_report, items_reported_to
from ..selectors import cases_reported_to, logged_between
from ..sla import sla_report
from . import charts
from .figures import compliance_rows, figure_link, months_from_the_first_case
from .forms import COMPLIANCE_CLOCKS, ClockForm, PeriodForm

DASHBOARD_ROWS = 50
ESCALATIONS_SHOWN = 20


def share_text(row: dict) -> str:
    """A row's share as the pages say it: none on too few decided cases, and never a bare percentage."""
    if row["share"] is None:
        return f"Too few to say ({row['decided']} decided)"
    return f"{round(row['share'] * 100)}% of {row['decided']}"


def compliance_chart(*, chart_id: str, title: str, period_words: str, rows: list[dict]):
    return charts.percentage_bar_chart(
        chart_id=chart_id,
        title=title,
        description=f"{period_words}. The table below gives the same figures.",
        bars=[charts.Bar(row["label"], row["share"], share_text(row)) for row in rows],
    )


def period_words(first_day: date, last_day: date) -> str:
    return f"cases logged from {first_day:%-d %B %Y} to {last_day:%-d %B %Y}"


@managers_only
@require_GET
# Who is asking is read on the primary (above); the figures may come from a replica.
@report_reads()
def dashboard(request):
    user = request.user
    now = timezone.now()
    today = timezone.localdate(now, UK_TIME)
    clock = ClockForm(request.GET).chosen()
    period_form = PeriodForm(request.GET, today=today)
    first_day, last_day = period = period_form.period()
    cases = logged_between(cases_reported_to(user), first_day, last_day)
    by_month = sla_report(cases=cases, group_by="month", clock=clock, now=now)
    by_team = sla_report(cases=cases, group_by="team", clock=clock, now=now)
    month_rows = compliance_rows(
        months_from_the_first_case(by_month["rows"], first_day, last_day), period=period, clock=clock, group="month"
    )
    team_rows = compliance_rows(by_team["rows"], period=period, clock=clock, group="team")
    [overall] = compliance_rows([by_month["overall"]], period=period, clock=clock, group=None)
    teams = teams_reported_to(user)
    breached = cases_breached(
        selectors.cases_visible_to(user).filter(team__in=teams, status__in=Case.OPEN_STATES), now
    )
    what = COMPLIANCE_CLOCKS[clock]
    words = period_words(first_day, last_day)
    return render(
        request,
        "reports/dashboard.html",
        {
            "clock": clock,
            "clock_choices": [(kind, ClockKind(kind).label) for kind in COMPLIANCE_CLOCKS],
            "period_form": period_form,
            "what": what,
            "first_day": first_day,
            "last_day": last_day,
            "today": today,
            "month_rows": month_rows,
            "team_rows": team_rows,
            "overall": overall,
            "month_chart": compliance_chart(
                chart_id="chart-months", title=f"Share of cases {what}, by month logged", period_words=words,
                rows=month_rows,
            ),
            "team_chart": compliance_chart(
                chart_id="chart-teams", title=f"Share of cases {what}, by team", period_words=words, rows=team_rows
            ),
            "breached_count": breached.count(),
            "breached": [
                {"case": case, "status": STAFF_STATUS_LABELS[case.status], "since": short_moment(case.first_breached_at)}
                for case in breached.order_by("first_breached_at", *ORDERINGS["due"])[:DASHBOARD_ROWS]
            ],
            "escalations": _recent_escalations(teams),
            "accountability": _with_held_links(accountability_report(user=user, now=now)),
            "delivery": delivery_report(
                items=items_reported_to(user), first_day=today.replace(day=1), last_day=today, group_by="provider"
            )["rows"],
            "downloads": _report_downloads(first_day, last_day),
        },
        status=400 if period_form.errors else 200,
    )


def _with_held_links(report: dict) -> dict:
    """Each officer's open and overdue figures link to those cases."""
    rows = [
        {
            **row,
            "links": {
                held: figure_link(officer=row["officer"]["id"], held=held) for held in ("open", "overdue")
            },
        }
        for row in report["rows"]
    ]
    return {**report, "rows": rows}


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
