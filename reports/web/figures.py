"""Every figure on the report pages links to the cases behind it: this builds those links and lists the cases.

A list is read with the same conditions the figure was counted with, so it holds as many cases as the figure says.
"""

from calendar import monthrange
from datetime import date

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from casework.labels import STAFF_STATUS_LABELS
from casework.web.access import managers_only

from ..accountability import cases_held, officers_reported_to
from ..caseload import cases_of_age, undelivered_provision_behind
from ..selectors import cases_reported_to, logged_between, transition_cases
from ..sla import cases_in_clock_state, decided, share_shown
from .forms import FigureForm, months_of

CASES_A_PAGE = 50
FIGURE_WORDS = {
    "total": "every case",
    "met": "on time",
    "breached": "late",
    "open_breached": "still open and overdue",
    "open_within": "still open, within time",
    "decided": "on time, late, or still open and overdue: what the percentage rests on",
}


def figure_link(*, listing: str = "cases", **params) -> str:
    """The link from a figure to its list: of cases, or of the `listing` it counts (`records`)."""
    return f"{reverse(f'manager-figure-{listing}')}?{urlencode(params)}"


def compliance_rows(
    rows: list[dict], *, period: tuple[date, date], clock: str, group: str | None, transition: bool = False
) -> list[dict]:
    """Rows of an SLA report as the pages show them: the base each share rests on, the share only when that
    is big enough, and a link from each figure to its cases. `group`: what the rows' keys are ("month",
    "team"), None for the row of every case."""
    common = {"logged_from": period[0], "logged_to": period[1], "clock": clock, **({"transition": "on"} if transition else {})}
    shown = []
    for row in rows:
        chosen = {group: row["key"]} if group and row["key"] != "all" else {}
        links = {figure: figure_link(**common, **chosen, figure=figure) for figure in FIGURE_WORDS}
        shown.append({**row, "decided": decided(row), "share": share_shown(row), "links": links})
    return shown


def months_from_the_first_case(rows: list[dict], first_day: date, last_day: date) -> list[dict]:
    """One row a month from the first month with a case to the end of the period, months with none included
    (so the chart's gaps are real gaps), none before it: a period before the service began says nothing."""
    by_key = {row["key"]: row for row in rows}
    months = [month for month in months_of(first_day, last_day) if f"{month:%Y-%m}" >= min(by_key, default="9999")]
    return [by_key.get(f"{month:%Y-%m}", _empty_month(month)) for month in months]


def _empty_month(month: date) -> dict:
    return {"key": f"{month:%Y-%m}", "label": f"{month:%B %Y}", "total": 0, "met": 0, "breached": 0,
            "open_within": 0, "open_breached": 0, "compliance": None}


@managers_only
@require_GET
def figure_cases(request):
    """The cases behind one figure, for a manager over them; a figure of someone else's teams lists nothing."""
    form = FigureForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/figure_cases.html", {"form": form}, status=400)
    cases = _cases_behind(request.user, form.cleaned_data)
    page = Paginator(
        cases.select_related("child", "team", "accountable_officer__user").order_by("-created_at", "-pk"),
        CASES_A_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/figure_cases.html",
        {
            "form": form,
            "what": _described(form.cleaned_data),
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": [{"case": case, "status": STAFF_STATUS_LABELS[case.status]} for case in page],
        },
    )


def _cases_behind(user, asked: dict):
    now = timezone.now()
    reported = cases_reported_to(user)
    if asked["kind"] == "held":
        officers = officers_chosen(user, asked) if asked["officer"] or asked["team"] else None
        return cases_held(reported, officers=officers, overdue=asked["held"] == "overdue", now=now)
    if asked["kind"] == "age":
        return cases_of_age(reported, category=asked["category"], band=asked["age"], now=now)
    cases = logged_between(reported, asked["logged_from"], asked["logged_to"])
    if asked["kind"] == "provision":
        return undelivered_provision_behind(
            cases, keyword=asked["keyword"], section=asked["section"], provider=asked["provider"],
            word=asked["word"], resolved=asked["concerns"] == "resolved",
        )
    if asked["transition"]:
        cases = transition_cases(cases)
    if asked["month"]:
        first = date.fromisoformat(f"{asked['month']}-01")
        cases = logged_between(cases, first, first.replace(day=monthrange(first.year, first.month)[1]))
    if asked["team"]:
        cases = cases.filter(team_id=asked["team"])
    return cases_in_clock_state(cases, clock=asked["clock"], figure=asked["figure"], now=now)


def officers_chosen(user, asked: dict):
    """The officers of an accountability figure: one officer's row, or a team's total; only those the report has."""
    officers = officers_reported_to(user)
    return officers.filter(pk=asked["officer"]) if asked["officer"] else officers.filter(team_id=asked["team"])


def _described(asked: dict) -> str:
    if asked["kind"] == "held":
        whose = "of this officer" if asked["officer"] else "of this team" if asked["team"] else "of your teams"
        return f"Open cases {whose} now" + (", with a promised date passed" if asked["held"] == "overdue" else "")
    if asked["kind"] == "provision":
        which = "resolved concerns" if asked["concerns"] == "resolved" else "Concerns"
        return (
            f"{which.capitalize()} that provision was not delivered, logged from {asked['logged_from']:%-d %B %Y} "
            f"to {asked['logged_to']:%-d %B %Y}, in one row of the provision report"
        )
    if asked["kind"] == "age":
        band = "any age" if asked["age"] == "total" else f"open {asked['age']} working days"
        return f"Open cases now, {band}"
    period = f"logged from {asked['logged_from']:%-d %B %Y} to {asked['logged_to']:%-d %B %Y}"
    return f"Cases {period}: {FIGURE_WORDS[asked['figure']]}"
