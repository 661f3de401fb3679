"""The reports that were CSV only, as pages: open cases by age, undelivered provision, and transition."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from casework.web.access import managers_only
from core.time import UK_TIME

from ..caseload import age_report, provision_report
from ..selectors import cases_reported_to, logged_between, sla_scope_of
from ..sla import sla_report
from .figures import compliance_rows, figure_link, months_from_the_first_case
from .forms import COMPLIANCE_CLOCKS, ClockForm, PeriodForm
from .views import compliance_chart, period_words


@managers_only
@require_GET
def age(request):
    """Open cases by kind of concern and working days open; each count links to its cases."""
    report = age_report(cases=cases_reported_to(request.user), now=timezone.now())

    def linked(row):
        counts = [(band, count, figure_link(category=row["key"], age=band)) for band, count in row["bands"].items()]
        return {**row, "counts": counts, "total_link": figure_link(category=row["key"], age="total")}

    return render(
        request,
        "reports/age.html",
        {"bands": report["bands"], "rows": [linked(row) for row in report["rows"]], "overall": linked(report["overall"])},
    )


@managers_only
@require_GET
def provision(request):
    """Concerns that EHCP provision was not delivered, by plan section, provider and a word of what."""
    period_form = PeriodForm(request.GET, today=timezone.localdate(timezone.now(), UK_TIME))
    first_day, last_day = period_form.period()
    keyword = request.GET.get("keyword", "")[:100]
    report = provision_report(cases=logged_between(cases_reported_to(request.user), first_day, last_day), keyword=keyword)
    asked = {"logged_from": first_day, "logged_to": last_day, "keyword": keyword}

    def linked(row):
        chosen = {**asked, "section": row["section"], "provider": row["provider"], "word": row["keyword"]}
        return {**row, "links": {concerns: figure_link(**chosen, concerns=concerns) for concerns in ("all", "resolved")}}

    return render(
        request,
        "reports/provision.html",
        {"period_form": period_form, "first_day": first_day, "last_day": last_day, "keyword": keyword,
         "rows": [linked(row) for row in report["rows"]]},
        status=400 if period_form.errors else 200,
    )


@managers_only
@require_GET
def transition(request):
    """SLA compliance of concerns about moving on: the category, and any concern about a young person aged 16 to 25."""
    now = timezone.now()
    clock = ClockForm(request.GET).chosen()
    period_form = PeriodForm(request.GET, today=timezone.localdate(now, UK_TIME))
    first_day, last_day = period = period_form.period()
    scope = sla_scope_of(request.user, first_day, last_day, transition=True)
    report = sla_report(scope=scope, group_by="month", clock=clock, now=now)
    rows = compliance_rows(
        months_from_the_first_case(report["rows"], first_day, last_day),
        period=period, clock=clock, group="month", transition=True,
    )
    [overall] = compliance_rows([report["overall"]], period=period, clock=clock, group=None, transition=True)
    what = COMPLIANCE_CLOCKS[clock]
    return render(
        request,
        "reports/transition.html",
        {
            "period_form": period_form,
            "first_day": first_day,
            "last_day": last_day,
            "clock": clock,
            "clock_choices": ClockForm.base_fields["clock"].choices,
            "what": what,
            "rows": rows,
            "overall": overall,
            "chart": compliance_chart(
                chart_id="chart-transition", title=f"Share of transition cases {what}, by month logged",
                period_words=period_words(first_day, last_day), rows=rows,
            ),
        },
        status=400 if period_form.errors else 200,
    )
