"""The staff view of one case: its facts, clocks and timeline, the actions that fit it now, and the handover
summary an incoming officer reads.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import SERVICE_REFUSALS, add_refusal_to_form
from core.time import describe_moment, short_moment
from escalations.models import ClockKind
from escalations.selectors import ClockState, case_sla, clock_readings

from ... import selectors, services
from ...actions import CASE_ACTIONS, STAFF_ACTIONS, STAFF_MOVES
from ...labels import STAFF_STATUS_LABELS, name_for_staff
from ...models import Case, CaseEvent
from ...permissions import (
    may_extend,
    may_move,
    moves_allowed,
)
from ..access import staff_only
from .forms import (
    AwaitParentForm,
    CloseForm,
    ExtendForm,
    MessageForm,
    NoteForm,
    ReassignForm,
    ResolveForm,
)

# The form each action on the case page takes; an action with none is a button press.
ACTION_FORMS = {
    "await_parent": AwaitParentForm,
    "resolve": ResolveForm,
    "close": CloseForm,
    "extend": ExtendForm,
    "reassign": ReassignForm,
    "message": MessageForm,
    "note": NoteForm,
}


def actions_for(user, case: Case) -> list[str]:
    """The actions that fit the case's state now and this person: the rest are not even shown."""
    allowed = []
    if may_move(user, case):
        allowed += [move for move in moves_allowed(user, case) if move in STAFF_MOVES]
        if may_extend(user, case):
            allowed.append("extend")
        if case.status != Case.Status.CLOSED:
            allowed.append("reassign")
    if case.status != Case.Status.CLOSED:
        allowed += ["message", "note"]
    return allowed


class _NoInput(forms.Form):
    """The form of an action that takes nothing but a button press."""


def _case_form(action: str, user, case: Case, data=None):
    form_class = ACTION_FORMS.get(action, _NoInput)
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
    action_forms = {action: _case_form(action, user, case) for action in allowed if action in ACTION_FORMS}
    failed = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in STAFF_ACTIONS:
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
    can_move = may_move(user, case)
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


# Each clock state in staff's words, with its GOV.UK tag colour.
CLOCK_STATES = {
    ClockState.MET: ("Met", "green"),
    ClockState.STOPPED_BY_CLOSING: ("Met", "green"),
    ClockState.RUNNING: ("On time", "blue"),
    ClockState.PAUSED: ("Paused: waiting for family", "yellow"),
    ClockState.BREACHED: ("Overdue", "red"),
    ClockState.MISSED: ("Missed", "red"),
}


def _sla_rows(case: Case) -> list[dict]:
    rows = []
    for reading in clock_readings(case):
        text, colour = CLOCK_STATES[reading.state]
        rows.append(
            {
                "kind": ClockKind(reading.kind).label,
                "due": describe_moment(reading.due),
                "state": text,
                "colour": colour,
                "extended": reading.extended,
                "met_at": short_moment(reading.met_at),
            }
        )
    return rows


def _timeline(events) -> list[dict]:
    return [
        {
            "at": short_moment(event.at),
            "kind": "Note" if event.kind == CaseEvent.Kind.NOTE else event.get_kind_display(),
            "who": name_for_staff(event.actor),
            "text": event.text,
            "internal": event.internal,
        }
        for event in events
    ]


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
                    "who": name_for_staff(message.author),
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
