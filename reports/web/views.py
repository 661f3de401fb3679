"""The managers' dashboard: SLA compliance by month and team, what is overdue now, recent escalations and
who is accountable, with every report to download.
"""

from datetime import date

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from casework.api.filters import ORDERINGS
from casework.labels import STAFF_STATUS_LABELS
from casework.permissions import (
    teams_reported_to,
)
from casework.web.access import managers_only
from core.database import report_reads
from core.time import UK_TIME, short_moment
from escalations.models import ClockKind
from escalations.selectors import escalations_recent

from ..accountability import accountability_report, cases_held
from ..delivery import delivery_report, items_reported_to
from ..selectors import cases_reported_to, sla_scope_of
from ..sla import sla_report
from ..sql import LEVELS
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
    scope = sla_scope_of(user, first_day, last_day)
    by_month = sla_report(scope=scope, group_by="month", clock=clock, now=now)
    by_team = sla_report(scope=scope, group_by="team", clock=clock, now=now)
    month_rows = compliance_rows(
        months_from_the_first_case(by_month["rows"], first_day, last_day), period=period, clock=clock, group="month"
    )
    team_rows = compliance_rows(by_team["rows"], period=period, clock=clock, group="team")
    [overall] = compliance_rows([by_month["overall"]], period=period, clock=clock, group=None)
    teams = teams_reported_to(user)
    breached = cases_held(cases_reported_to(user), officers=None, overdue=True, now=now)
    delivery_period = {"first_day": today.replace(day=1), "last_day": today}
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
            "breached_link": figure_link(held="overdue"),
            "breached": [
                {"case": case, "status": STAFF_STATUS_LABELS[case.status], "since": short_moment(case.first_breached_at)}
                for case in breached.select_related("child", "team", "accountable_officer__user").order_by(
                    "first_breached_at", *ORDERINGS["due"]
                )[:DASHBOARD_ROWS]
            ],
            "escalations": _recent_escalations(teams),
            "accountability": _with_accountability_links(accountability_report(user=user, now=now)),
            "delivery": _with_delivery_links(
                delivery_report(items=items_reported_to(user), **delivery_period, group_by="provider")["rows"],
                delivery_period,
            ),
            "downloads": _report_downloads(first_day, last_day),
        },
        status=400 if period_form.errors else 200,
    )


def _with_accountability_links(report: dict) -> dict:
    """Each officer's figures, and each team's totals, link to the cases, escalations or handovers behind them."""
    rows = [{**row, "links": _accountability_links(officer=row["officer"]["id"])} for row in report["rows"]]
    teams = [{**team, "links": _accountability_links(team=team["team"]["id"])} for team in report["teams"]]
    return {**report, "rows": rows, "teams": teams}


def _accountability_links(**whose) -> dict:
    return {
        "open": figure_link(**whose, held="open"),
        "overdue": figure_link(**whose, held="overdue"),
        "escalations": figure_link(listing="escalations", **whose),
        **{f"level_{level}": figure_link(listing="escalations", **whose, level=level) for level in LEVELS},
        "handovers_in": figure_link(listing="handovers", **whose, side="in"),
        "handovers_out": figure_link(listing="handovers", **whose, side="out"),
    }


def _with_delivery_links(rows: list[dict], period: dict) -> list[dict]:
    """Each provider's sessions link to those sessions, items with nothing recorded to those items, and
    concerns raised by gaps to those concerns. Hours owed are the missed sessions' hours: their link is missed."""
    linked = []
    for row in rows:
        common = {**{name: day.isoformat() for name, day in period.items()}, "provider": row["key"] or "none"}
        links = {
            status: figure_link(listing="sessions", **common, status=status)
            for status in ("delivered", "missed", "cancelled")
        }
        links["nothing_recorded"] = figure_link(listing="items", **common)
        links["gap_concerns"] = figure_link(listing="gaps", **common)
        linked.append({**row, "links": links})
    return linked


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
