"""The staff's pages (queues, the case, its handover summary) and the managers' (dashboard, officers).

Thin, as the API is: each view finds what the signed-in person may see through
the same selectors, checks a form, calls one service, and turns a service's
refusal (ValidationError, Conflict, NotAllowed) into a form error, never a 500.
Staff pages answer 403 to families; manager pages answer 403 to officers; a
case or officer outside someone's teams answers 404, exactly as the API does.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import Conflict
from escalations import reports
from escalations.models import ClockKind
from escalations.selectors import case_sla, cases_breached, escalations_recent
from escalations.working_days import UK_TIME, describe_moment, end_of_working_day, start_of_working_day

from . import charts, selectors, services, staffing
from .filters import ORDERINGS, CaseFilter
from .forms import SERVICE_REFUSALS, add_refusal_to_form
from .forms_staff import (
    STAFF_STATUS_LABELS,
    AwaitParentForm,
    CloseForm,
    CoverForm,
    ExtendForm,
    MessageForm,
    OffboardForm,
    OffboardPreviewForm,
    QueueFilterForm,
    ReassignForm,
    ResolveForm,
)
from .models import Case, CaseEvent, Cover, Officer, case_moves_available
from .permissions import is_staff_member, officer_of, senior_managers_answering_to, teams_of
from .routing import routing_offboard_preview

QUEUE_PAGE_SIZE = 25
DASHBOARD_MONTHS = 12
DASHBOARD_ROWS = 50
ESCALATIONS_SHOWN = 20


# --- who may open these pages ------------------------------------------------------------


def staff_only(view):
    """Signed in and a member of staff; a family member gets 403."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied("These pages are for council staff.")
        return view(request, *args, **kwargs)

    return login_required(check)


def managers_only(view):
    """Signed in as an active manager (or an administrator); officers and families get 403."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not reports.may_read_reports(request.user):
            raise PermissionDenied("These pages are for managers.")
        return view(request, *args, **kwargs)

    return login_required(check)


# --- words and dates -------------------------------------------------------------------------


def short_moment(moment: datetime | None) -> str:
    """'25 Nov 2026, 5pm' in UK time: short enough for a table cell."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, UK_TIME)
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{local.day} {local:%b %Y}, {local.hour % 12 or 12}{minutes}{'am' if local.hour < 12 else 'pm'}"


def person_name(user) -> str:
    """An officer's display name; an administrator's name; a family member's name, marked as the family's."""
    if user is None:
        return "SEND Casework"
    officer = officer_of(user)
    if officer is not None:
        return officer.display_name
    name = user.get_full_name() or user.username
    return name if is_staff_member(user) else f"{name} (family)"


def percentage(share: float | None) -> str:
    return "No decided cases" if share is None else f"{round(share * 100)}%"


# --- queues ----------------------------------------------------------------------------------


@dataclass
class QueueRow:
    case: Case
    status: str
    due: str
    tags: list[tuple[str, str]] = field(default_factory=list)  # (text, GOV.UK tag colour)


def queue_rows(cases, *, viewer: Officer | None, now: datetime) -> list[QueueRow]:
    """Each case with its tags. Reads only what `cases_visible_to` prefetched: no query per case."""
    today = timezone.localdate(now, UK_TIME)
    rows = []
    for case in cases:
        clocks = list(case.clocks.all())
        breached = any(clock.is_breached(now) for clock in clocks)
        paused = any(clock.paused_at is not None and clock.stopped_at is None for clock in clocks)
        tags = []
        if case.safeguarding:
            tags.append(("Safeguarding", "red"))
        if breached:
            tags.append(("Overdue", "red"))
        elif case.next_due_at and timezone.localdate(case.next_due_at, UK_TIME) == today and case.is_open:
            tags.append(("Due today", "orange"))
        if paused:
            tags.append(("Waiting for family", "yellow"))
        cover = selectors.cover_in_force(case.accountable_officer)
        if cover:
            if viewer is not None and cover.cover_officer_id == viewer.pk:
                tags.append(("Covering", "purple"))
            else:
                tags.append((f"Covered by {cover.cover_officer.display_name}", "purple"))
        due = short_moment(case.next_due_at) if case.is_open and not paused else ""
        rows.append(QueueRow(case=case, status=STAFF_STATUS_LABELS[case.status], due=due, tags=tags))
    return rows


@staff_only
@require_GET
def queue(request):
    """Your queue: the cases you are the named officer for, and those you are covering (the API's `mine=true`)."""
    return _queue(request, mine=True)


@staff_only
@require_GET
def team_queue(request):
    """Every case of your team (of the teams you manage, for a manager)."""
    return _queue(request, mine=False)


def _queue(request, *, mine: bool):
    user = request.user
    officer = officer_of(user)
    form = QueueFilterForm(request.GET if _filters_sent(request) else None)
    cases = selectors.cases_visible_to(user)
    params = form.case_filter_data()
    if mine:
        params["mine"] = "true"
    elif officer is not None:
        cases = cases.filter(team__in=teams_of(officer))
    # The same filters as GET /api/cases/, in the API's `due` order: what falls due first comes first.
    filtered = CaseFilter(data=params, queryset=cases, request=request).qs.order_by(*ORDERINGS["due"])
    page = Paginator(filtered, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/staff/queue.html",
        {
            "mine": mine,
            "title": "Your queue" if mine else "Team queue",
            "form": form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": queue_rows(page.object_list, viewer=officer, now=timezone.now()),
            "filtered": bool(form.is_bound),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _filters_sent(request) -> bool:
    return any(name in request.GET for name in QueueFilterForm.base_fields)


# --- the case page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseAction:
    """Something staff can do from the case page: its form, the one service it calls, and what to say after."""

    name: str
    form_class: type | None
    perform: Callable[..., object]  # (actor, case, cleaned data)
    done: str


CASE_ACTIONS = {
    action.name: action
    for action in (
        CaseAction(
            "acknowledge", None,
            lambda actor, case, data: services.case_acknowledge(actor=actor, case=case),
            "Case acknowledged. The family has been told who their named officer is.",
        ),
        CaseAction(
            "start", None,
            lambda actor, case, data: services.case_start(actor=actor, case=case),
            "Work started.",
        ),
        CaseAction(
            "await_parent", AwaitParentForm,
            lambda actor, case, data: services.case_await_parent(actor=actor, case=case, note=data["note"]),
            "The family has been asked. The clock is paused until they reply.",
        ),
        CaseAction(
            "resume", None,
            lambda actor, case, data: services.case_resume(actor=actor, case=case),
            "Work resumed. The clock is running again.",
        ),
        CaseAction(
            "resolve", ResolveForm,
            lambda actor, case, data: services.case_resolve(actor=actor, case=case, outcome=data["outcome"]),
            "Case resolved. The family has been told what was done.",
        ),
        CaseAction(
            "close", CloseForm,
            lambda actor, case, data: services.case_close(actor=actor, case=case, outcome=data["outcome"]),
            "Case closed.",
        ),
        CaseAction(
            "extend", ExtendForm,
            lambda actor, case, data: services.case_extend(
                actor=actor, case=case, working_days=data["working_days"], reason=data["reason"]
            ),
            "Resolve date extended. The family has been told why.",
        ),
        CaseAction(
            "reassign", ReassignForm,
            lambda actor, case, data: services.case_reassign(
                actor=actor, case=case, officer=data["officer"], note=data["note"]
            ),
            "The case has a new named officer. They and the family have been told.",
        ),
        CaseAction(
            "message", MessageForm,
            lambda actor, case, data: services.case_message_add(
                actor=actor, case=case, text=data["text"], internal=data["internal"]
            ),
            "Message sent to the family.",
        ),
    )
}
# The lifecycle moves staff make from this page (reopening is the family's).
STAFF_MOVES = ("acknowledge", "start", "await_parent", "resume", "resolve", "close")


def actions_for(user, case: Case) -> list[str]:
    """The actions that fit the case's state now and this person: the rest are not even shown."""
    allowed = []
    if services.may_move(user, case):
        allowed += [move for move in case_moves_available(case) if move in STAFF_MOVES]
        if services.may_extend(user, case):
            allowed.append("extend")
        if case.status != Case.Status.CLOSED:
            allowed.append("reassign")
    if case.status != Case.Status.CLOSED:
        allowed.append("message")
    return allowed


class _NoInput(forms.Form):
    """The form of an action that takes nothing but a button press."""


def _case_form(action: str, user, case: Case, data=None):
    form_class = CASE_ACTIONS[action].form_class or _NoInput
    kwargs = {"prefix": action}
    if form_class is ReassignForm:
        kwargs["officers"] = (
            selectors.officers_visible_to(user).filter(active=True).exclude(pk=case.accountable_officer_id)
        )
    return form_class(data, **kwargs)


@staff_only
@require_http_methods(["GET", "POST"])
def case_detail(request, pk):
    user = request.user
    case = selectors.case_get_for_user(user, pk)
    allowed = actions_for(user, case)
    action_forms = {action: _case_form(action, user, case) for action in allowed if CASE_ACTIONS[action].form_class}
    failed = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in CASE_ACTIONS:
            failed = _NoInput({})
            failed.add_error(None, "Choose one of the actions on the page")
            status = 400
        else:
            failed = _case_form(action, user, case, request.POST)
            if failed.is_valid():
                try:
                    CASE_ACTIONS[action].perform(user, case, failed.cleaned_data)
                except SERVICE_REFUSALS as refused:
                    status = add_refusal_to_form(failed, refused)
                else:
                    return _after_action(request, case, action, failed.cleaned_data)
            else:
                status = 400
            if action in action_forms:
                action_forms[action] = failed
    services.case_record_access(actor=user, case=case, via="page:case")
    escalation = case_sla(case)["next_escalation"]
    can_move = services.may_move(user, case)
    return render(
        request,
        "casework/staff/case.html",
        {
            "case": case,
            "status_label": STAFF_STATUS_LABELS[case.status],
            "details": _case_facts(case),
            "sla": _sla_rows(case),
            "next_escalation": escalation,
            "next_escalation_at": describe_moment(escalation["at"]) if escalation else "",
            "can_move": can_move,
            # An officer who has used their one extension is told why the form has gone.
            "extension_needs_manager": can_move and case.is_open and "extend" not in allowed,
            "timeline": _timeline(selectors.case_timeline_for(user, case)),
            "allowed": allowed,
            "forms": action_forms,
            "form": failed,
            "failed_action": request.POST.get("action") if failed is not None else None,
        },
        status=status,
    )


def _after_action(request, case: Case, action: str, data: dict):
    done = CASE_ACTIONS[action].done
    if action == "message" and data.get("internal"):
        done = "Internal note added. The family will not see it."
    if action == "reassign":
        done = f"{data['officer'].display_name} is now the named officer. They and the family have been told."
    messages.success(request, done)
    # Handing a case to another team's officer can take it out of sight: then the queue is the place to go.
    if not selectors.cases_visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("staff-queue")
    return redirect("staff-case", pk=case.pk)


def _case_facts(case: Case) -> list[tuple[str, str]]:
    child = case.child
    cover = selectors.cover_in_force(case.accountable_officer)
    officer = case.accountable_officer.display_name
    if case.accountable_officer.team_id:
        officer += f", {case.accountable_officer.team.name}"
    facts = [
        ("Child", f"{child.display_name}, born {child.date_of_birth:%-d %B %Y} (aged {child.age_on(date.today())})"),
        ("What it is about", case.category.name),
        ("Status", STAFF_STATUS_LABELS[case.status]),
        ("Priority", case.get_priority_display()),
        ("Safeguarding", "Yes" if case.safeguarding else "No"),
        ("Named officer", officer),
        ("Team", case.team.name),
    ]
    if cover:
        facts.append(("Covered by", f"{cover.cover_officer.display_name} until {describe_moment(cover.ends_at)}"))
    if case.provision_item_id:
        item = case.provision_item
        facts.append(("EHCP provision", f"{item.get_section_display()}: {item.description}"))
    facts += [
        ("Logged", f"{short_moment(case.created_at)} ({case.get_contact_method_display().lower()}"
                   f"{', by an officer for the family' if case.logged_on_behalf else ''})"),
        ("Escalation level", str(case.escalation_level) if case.escalation_level else "Not escalated"),
        ("Named officers so far", str(case.owner_count)),
    ]
    if case.outcome:
        facts.append(("Outcome", case.outcome))
    return facts


CLOCK_STATES = {
    "met": ("Met", "green"),
    "running": ("On time", "blue"),
    "paused": ("Paused: waiting for family", "yellow"),
    "breached": ("Overdue", "red"),
}


def _sla_rows(case: Case) -> list[dict]:
    rows = []
    for clock in case_sla(case)["clocks"]:
        text, colour = CLOCK_STATES[clock["state"]]
        if clock["state"] == "breached" and clock["met_at"] is None and clock.get("due") and not case.is_open:
            text = "Missed"
        rows.append(
            {
                "kind": ClockKind(clock["kind"]).label,
                "due": describe_moment(clock["due"]),
                "state": text,
                "colour": colour,
                "extended": clock["extended"],
                "met_at": short_moment(clock["met_at"]),
            }
        )
    return rows


def _timeline(events) -> list[dict]:
    return [
        {
            "at": short_moment(event.at),
            "kind": "Note" if event.kind == CaseEvent.Kind.NOTE else event.get_kind_display(),
            "who": person_name(event.actor) if event.actor_id else "SEND Casework",
            "text": event.text,
            "internal": event.internal,
        }
        for event in events
    ]


# --- the handover summary -------------------------------------------------------------------------


@staff_only
@require_GET
def handover(request, pk):
    """Everything an incoming officer needs on one page, so the family never has to tell its story again."""
    user = request.user
    case = selectors.case_get_for_user(user, pk)
    services.case_record_access(actor=user, case=case, via="page:handover")
    summary = selectors.case_handover_summary(case, user)
    # Not `messages`: the base template shows Django's flash messages under that name.
    case_messages = summary.pop("messages")
    return render(
        request,
        "casework/staff/handover.html",
        {
            **summary,
            "status_label": STAFF_STATUS_LABELS[case.status],
            "age": summary["child"].age_on(date.today()),
            "sla": _sla_rows(case),
            "messages_shown": [
                {
                    "at": short_moment(message.created_at),
                    "who": person_name(message.author),
                    "text": message.text,
                    "internal": message.internal,
                }
                for message in case_messages
            ],
            "decisions": _timeline(event for event in summary["timeline"] if event.message_id is None),
            "owners": [
                {
                    "officer": owner["officer"].display_name if owner["officer"] else "Unknown officer",
                    "since": short_moment(owner["since"]),
                    "until": short_moment(owner["until"]) if owner["until"] else "Now",
                }
                for owner in summary["owners"]
            ],
            "other_cases": [
                {"case": other, "status": STAFF_STATUS_LABELS[other.status]}
                for other in summary["other_cases"]
            ],
        },
    )


# --- the manager's dashboard ---------------------------------------------------------------------------

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
    period = reports.logged_between(reports.cases_reported_to(user), first_day, today)
    by_month = reports.sla_report(cases=period, group_by="month", clock=clock, now=now)
    by_team = reports.sla_report(cases=period, group_by="team", clock=clock, now=now)
    month_rows = _every_month(by_month["rows"], first_day, today)
    teams = reports.teams_reported_to(user)
    breached = cases_breached(
        selectors.cases_visible_to(user).filter(team__in=teams, status__in=Case.OPEN_STATES), now
    )
    what = COMPLIANCE_CLOCKS[clock]
    period_words = f"cases logged from {first_day:%-d %B %Y} to {today:%-d %B %Y}"
    return render(
        request,
        "casework/staff/dashboard.html",
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
            "accountability": reports.accountability_report(user=user, now=now),
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
        ("Transition to adulthood", link("api-report-transition", **period, group_by="month")),
    ]


# --- officers: offboarding and cover ------------------------------------------------------------------


def officers_managed_by(user):
    """The officers of the teams a manager oversees, and the senior managers with no team who answer to
    them, with open case counts and any cover running now."""
    managed = Q(team__in=reports.teams_reported_to(user)) | Q(pk__in=senior_managers_answering_to(user).values("pk"))
    return (
        selectors.officers_visible_to(user)
        .filter(managed)
        .prefetch_related(
            Prefetch(
                "covers",
                queryset=Cover.objects.in_force().select_related("cover_officer__user"),
                to_attr="covers_in_force",
            )
        )
        .order_by("team__name", "-active", "user__last_name", "user__first_name", "pk")
    )


@dataclass
class PreviewRow:
    case: Case
    status: str
    officer: Officer | None
    why: str


def _managed_officer(user, pk) -> Officer:
    officer = officers_managed_by(user).filter(pk=pk).first()
    if officer is None:
        raise Http404("No officer found.")
    return officer


# Heads of service and directors belong to no team: the officers page lists them under this heading.
SENIOR_MANAGERS = "Senior managers"


@managers_only
@require_GET
def officers(request):
    rows = [_officer_row(officer, request.user) for officer in officers_managed_by(request.user)]
    return render(request, "casework/staff/officers.html", {"rows": rows})


def _officer_row(officer: Officer, user) -> dict:
    cover = selectors.cover_in_force(officer)
    return {
        "officer": officer,
        "cover": cover,
        "cover_until": describe_moment(cover.ends_at) if cover else "",
        "is_me": officer.user_id == user.pk,
        "group": officer.team.name if officer.team else SENIOR_MANAGERS,
    }


@managers_only
@require_http_methods(["GET", "POST"])
def offboard(request, pk):
    """Step one: choose who takes the cases and see where each would go. Step two: confirm with a note."""
    user = request.user
    leaver = _managed_officer(user, pk)
    successors = selectors.officers_visible_to(user).filter(active=True).exclude(pk=leaver.pk)
    status = 200
    failed = None
    successor = None
    if request.method == "POST":
        form = OffboardForm(request.POST, successors=successors)
        valid = form.is_valid()
        # A missing note must not lose the successor previewed: the page shows where the cases would go.
        successor = form.cleaned_data.get("successor")
        if valid:
            try:
                result = staffing.officer_offboard(
                    actor=user, officer=leaver, successor=successor, note=form.cleaned_data["note"]
                )
            except Conflict as refused:
                status = add_refusal_to_form(form, refused)
                for unplaced in refused.data.get("cases", []):
                    form.add_error(None, f"{unplaced['case']}: {unplaced['reason']}")
            except SERVICE_REFUSALS as refused:
                status = add_refusal_to_form(form, refused)
            else:
                messages.success(request, f"{leaver.display_name}: {result.detail}")
                return redirect("manager-officers")
        else:
            status = 400
        failed = form
        chooser = OffboardPreviewForm(initial={"successor": successor}, successors=successors)
    else:
        chooser = OffboardPreviewForm(request.GET if "successor" in request.GET else None, successors=successors)
        if chooser.is_bound and chooser.is_valid():
            successor = chooser.cleaned_data["successor"]
        elif chooser.is_bound:
            failed = chooser
            status = 400
        form = OffboardForm(initial={"successor": successor.pk if successor else ""}, successors=successors)
    preview = (
        [
            PreviewRow(p.case, STAFF_STATUS_LABELS[p.case.status], p.officer, p.why)
            for p in routing_offboard_preview(leaver=leaver, successor=successor)
        ]
        if leaver.active
        else []
    )
    unplaced = [row for row in preview if row.officer is None]
    return render(
        request,
        "casework/staff/offboard.html",
        {
            "leaver": leaver,
            "successor": successor,
            "chooser": chooser,
            "confirm": form,
            "form": failed,
            "preview": preview,
            "unplaced": unplaced,
        },
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def cover(request, pk):
    """A manager arranges cover, now or from a later day: someone else picks up an absent officer's cases until a date."""
    user = request.user
    officer = _managed_officer(user, pk)
    form = CoverForm(request.POST if request.method == "POST" else None, cover_officers=_cover_choices(user, officer))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            starts_at = _cover_starts(form.cleaned_data["from"])
            # "Until Friday" means to the end of Friday's working day, as a deadline would.
            ends_at = end_of_working_day(form.cleaned_data["until"])
            try:
                staffing.cover_set(
                    actor=user,
                    officer=officer,
                    cover_officer=form.cleaned_data["cover_officer"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            except SERVICE_REFUSALS as refused:
                status = add_refusal_to_form(form, refused, {"ends_at": "until_day", "starts_at": "from_day"})
            else:
                messages.success(request, _cover_arranged_message(form.cleaned_data["cover_officer"], officer,
                                                                  starts_at=starts_at, ends_at=ends_at))
                return redirect("manager-officers")
    return _cover_page(request, officer, form=form, shown=form if form.is_bound else None, status=status)


def _cover_starts(first_day: date | None) -> datetime:
    """Now, or the start of the first day's working day: cover never starts before it is arranged."""
    now = timezone.now()
    if first_day is None:
        return now
    return max(start_of_working_day(first_day), now)


def _cover_arranged_message(cover_officer: Officer, officer: Officer, *, starts_at: datetime, ends_at: datetime) -> str:
    cases = f"{officer.display_name}'s cases"
    if starts_at > timezone.now():
        return (f"{cover_officer.display_name} will cover {cases} from {describe_moment(starts_at)} "
                f"until {describe_moment(ends_at)}.")
    return f"{cover_officer.display_name} is covering {cases} until {describe_moment(ends_at)}."


@managers_only
@require_POST
def cover_end(request, pk, cover_id):
    """A manager ends cover early, or cancels cover still to come, from the cover page's list."""
    officer = _managed_officer(request.user, pk)
    cover = get_object_or_404(officer.covers.select_related("cover_officer__user"), pk=cover_id)
    try:
        ended = staffing.cover_end(actor=request.user, cover=cover)
    except SERVICE_REFUSALS as refused:
        # Someone else ended it, or it ran out, while the page was open: say so on the page as it now stands.
        refusal = forms.Form(data={})
        status = add_refusal_to_form(refusal, refused)
        return _cover_page(request, officer, form=CoverForm(cover_officers=_cover_choices(request.user, officer)),
                           shown=refusal, status=status)
    covering, cases = cover.cover_officer.display_name, f"{officer.display_name}'s cases"
    if ended.cancelled:
        messages.success(request, f"Cover cancelled: {covering} will not be covering {cases} after all.")
    else:
        messages.success(request, f"{covering} is no longer covering {cases}.")
    return redirect("manager-cover", pk=officer.pk)


def _cover_choices(user, officer: Officer):
    return selectors.officers_visible_to(user).filter(active=True).exclude(pk=officer.pk)


def _cover_page(request, officer: Officer, *, form, shown, status: int):
    """The cover page: the form to arrange cover, and the cover already arranged, each with a button to end it.

    `shown` is the form whose errors the summary at the top lists, if any.
    """
    now = timezone.now()
    covers = officer.covers.not_over(now).select_related("cover_officer__user")
    return render(
        request,
        "casework/staff/cover.html",
        {
            "officer": officer,
            "form": shown,
            "cover_form": form,
            "first_day": _date_input(form, "from"),
            "last_day": _date_input(form, "until"),
            "covers": [
                {"pk": cover.pk, "by": cover.cover_officer.display_name, "when": _cover_period(cover, now)}
                for cover in covers.order_by("starts_at")
            ],
        },
        status=status,
    )


def _date_input(form, prefix: str) -> dict:
    """One GOV.UK date input of the cover form: its day, month and year boxes and any error, for the template."""
    return {
        "id": prefix,
        "parts": [(form[f"{prefix}_day"], "Day", 2), (form[f"{prefix}_month"], "Month", 2), (form[f"{prefix}_year"], "Year", 4)],
        "error": (form.errors.get(f"{prefix}_day") or [None])[0] if form.is_bound else None,
    }


def _cover_period(cover: Cover, now: datetime) -> str:
    """When cover runs, in words: the start only if it is still to come."""
    if cover.starts_at > now:
        return f"From {describe_moment(cover.starts_at)} until {describe_moment(cover.ends_at)}"
    return f"Covering now, until {describe_moment(cover.ends_at)}"
