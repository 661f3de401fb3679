"""The family's concerns: the list, their children, one concern with its promises and timeline, and what the
family can do on it (reply, reopen, chase).

Thin, as every page is: each finds what the signed-in parent may see through the selectors and changes
things only through the services the API uses. A service's refusal becomes a form error or a message, never
an error page. A member of staff who opens a family page is sent to where staff work.
"""


from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from core.forms import SERVICE_REFUSALS, add_refusal_to_form, refusal_messages
from core.time import describe_moment
from escalations.models import ClockKind
from escalations.selectors import ClockReading, ClockState, case_sla, chase_again_from, clock_readings, running_clocks

from ... import selectors, services
from ...labels import event_title_for_family, name_shown_to_family
from ...models import Case
from ...permissions import may_withdraw
from ..access import family_only
from .forms import (
    ReopenForm,
    ReplyForm,
    WithdrawForm,
)
from .wording import chase_goes_to, message_sent, reopened, risk_told_to

Status = Case.Status

# GOV.UK tag colours for each state of a concern.
STATUS_TAGS = {
    Status.NEW: "govuk-tag--blue",
    Status.ACKNOWLEDGED: "govuk-tag--blue",
    Status.IN_PROGRESS: "govuk-tag--light-blue",
    Status.AWAITING_PARENT: "govuk-tag--yellow",
    Status.RESOLVED: "govuk-tag--green",
    Status.CLOSED: "govuk-tag--grey",
}
# What each promise means to a family, in their words.
CLOCK_LABELS = {
    # The named officer is known from the start, so this promise is that they read the concern, not who they are.
    ClockKind.ACKNOWLEDGE: "Confirm your named officer has read it",
    ClockKind.RESPOND: "Give you a full reply",
    ClockKind.RESOLVE: "Put things right",
    ClockKind.CHASE: "Answer your chase",
}
# Each clock state in the family's words, with its GOV.UK tag colour.
CLOCK_STATES = {
    ClockState.RUNNING: ("Not due yet", "govuk-tag--blue"),
    ClockState.MET: ("Done on time", "govuk-tag--green"),
    ClockState.BREACHED: ("Late", "govuk-tag--red"),
    ClockState.MISSED: ("Late", "govuk-tag--red"),
    ClockState.PAUSED: ("On hold", "govuk-tag--yellow"),
    ClockState.STOPPED_BY_CLOSING: ("Closed", "govuk-tag--grey"),
}


def status_tag(case: Case) -> dict:
    return {"text": case.get_status_display(), "colour": STATUS_TAGS.get(case.status, "govuk-tag--grey")}


@family_only
@require_GET
def concerns(request):
    now = timezone.now()
    cases = (
        selectors.cases_visible_to(request.user)
        .select_related("child", "accountable_officer__user")
        .prefetch_related(Prefetch("clocks", queryset=running_clocks(), to_attr="running_clocks"))
        .order_by("-created_at", "-id")
    )
    rows = [{"case": case, "tag": status_tag(case), "next": _next_date(case, now)} for case in cases]
    return render(request, "casework/family/concerns.html", {"rows": rows})


def _next_date(case: Case, now) -> dict | None:
    """The promise of an open concern that falls due first, in the family's words, and whether it is late."""
    if not case.is_open or not case.running_clocks:
        return None
    first = min(case.running_clocks, key=lambda clock: clock.due_at)
    return {
        "what": CLOCK_LABELS.get(first.kind, "Next step"),
        "due": describe_moment(first.due_at),
        "late": first.due_at < now,
    }


@family_only
@require_GET
def children(request):
    rows = []
    for child in selectors.children_visible_to(request.user):
        ehcp = getattr(child, "ehcp", None)
        rows.append({"child": child, "ehcp": ehcp, "items": list(ehcp.provision_items.all()) if ehcp else []})
    return render(request, "casework/family/children.html", {"rows": rows})


def _clock_rows(case: Case) -> list[dict]:
    now = timezone.now()
    latest = {reading.kind: reading for reading in clock_readings(case, now)}
    rows = []
    for kind, label in CLOCK_LABELS.items():
        reading = latest.get(kind)
        if reading is None:
            continue
        state_text, colour = CLOCK_STATES[reading.state]
        rows.append({"label": label, "state": state_text, "colour": colour, "detail": _clock_detail(case, reading, now)})
    return rows


def _clock_detail(case: Case, reading: ClockReading, now) -> str:
    due = describe_moment(reading.due)
    # A date still ahead is never "was due": a late date we extended, or one on hold, is due later.
    ahead = reading.due > now
    late = f"We missed the first date we gave you. We now aim to do this by {due}." if ahead else f"This was due by {due}."
    detail = {
        ClockState.RUNNING: f"By {due}.",
        ClockState.MET: f"Done by {describe_moment(reading.met_at)}. It was due by {due}." if reading.met_at else "",
        ClockState.BREACHED: late,
        ClockState.MISSED: late,
        ClockState.PAUSED: f"This {'is' if ahead else 'was'} due by {due}. The date moves later by the time we wait for you.",
        ClockState.STOPPED_BY_CLOSING: f"This stopped when we closed your concern at {describe_moment(case.closed_at)}.",
    }[reading.state]
    if reading.extended:
        detail += " We gave ourselves more time for this."
    return detail


def _timeline(request, case: Case) -> list[dict]:
    rows = []
    for event in selectors.case_timeline_for(request.user, case):
        if event.actor_id is None:
            who = "SEND Casework"
        elif event.actor_id == request.user.pk:
            who = "You"
        else:
            who = name_shown_to_family(event.actor)
        rows.append({"event": event, "title": event_title_for_family(event), "who": who, "when": describe_moment(event.at)})
    return rows


def _render_concern(request, case: Case, *, reply_form=None, reopen_form=None, withdraw_form=None, status=200):
    sla = case_sla(case)
    cover = selectors.cover_in_force(case.accountable_officer)
    escalation = sla["next_escalation"]
    reopen_until = services.reopen_deadline(case) if case.status == Status.RESOLVED else None
    late = case.is_open and bool(sla["breached"])
    chase_again_at = chase_again_from(case, timezone.now()) if late else None
    failing = next((f for f in (reply_form, reopen_form, withdraw_form) if f is not None and f.errors), None)
    context = {
        "case": case,
        "tag": status_tag(case),
        "cover": cover,
        "cover_until": describe_moment(cover.ends_at) if cover else "",
        "clock_rows": _clock_rows(case),
        "paused": sla["paused"],
        "escalation": escalation,
        "escalation_at": describe_moment(escalation["at"]) if escalation else "",
        "late": late,
        # A chase too soon after the last is refused, so the button waits until it would be taken.
        "may_chase": late and chase_again_at is None,
        "chase_again_at": describe_moment(chase_again_at),
        "chase_goes_to": chase_goes_to(case) if late else "",
        "risk_told_to": risk_told_to(case),
        "timeline": _timeline(request, case),
        "may_reply": case.status != Status.CLOSED,
        "reply_form": reply_form or ReplyForm(),
        "may_reopen": reopen_until is not None and timezone.now() <= reopen_until,
        "reopen_until": describe_moment(reopen_until),
        "reopen_form": reopen_form or ReopenForm(),
        "may_withdraw": may_withdraw(request.user, case),
        "withdraw_form": withdraw_form or WithdrawForm(),
        "asked_if_fixed": case.status == Status.RESOLVED and case.follow_up_sent_at is not None,
        # The base template puts "Error:" in the title when `form` has errors.
        "form": failing,
    }
    return render(request, "casework/family/concern.html", context, status=status)


@family_only
@require_GET
def concern(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    return _render_concern(request, case)


@family_only
@require_POST
def concern_reply(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    form = ReplyForm(request.POST)
    status = 400
    if form.is_valid():
        was_waiting = case.status == Status.AWAITING_PARENT
        try:
            services.case_message_add(actor=request.user, case=case, text=form.cleaned_data["text"])
        except SERVICE_REFUSALS as refused:
            status = add_refusal_to_form(form, refused)
        else:
            messages.success(request, message_sent(case, restarted=was_waiting))
            return redirect("family-concern", pk=case.pk)
    return _render_concern(request, case, reply_form=form, status=status)


@family_only
@require_POST
def concern_reopen(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    form = ReopenForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except SERVICE_REFUSALS as refused:
            status = add_refusal_to_form(form, refused)
        else:
            messages.success(request, reopened(case))
            return redirect("family-concern", pk=case.pk)
    return _render_concern(request, case, reopen_form=form, status=status)


@family_only
@require_POST
def concern_withdraw(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    form = WithdrawForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.case_withdraw(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except SERVICE_REFUSALS as refused:
            status = add_refusal_to_form(form, refused)
        else:
            messages.success(request, f"You have withdrawn this concern. We have told {case.accountable_officer.display_name}.")
            return redirect("family-concern", pk=case.pk)
    return _render_concern(request, case, withdraw_form=form, status=status)


@family_only
@require_POST
def concern_chase(request, pk):
    case = selectors.case_get_for_user(request.user, pk)
    try:
        services.case_chase(actor=request.user, case=case)
    except SERVICE_REFUSALS as refused:
        for texts in refusal_messages(refused).values():
            for text in texts:
                messages.warning(request, text)
    else:
        messages.success(
            request,
            f"You have chased this concern. We have told {chase_goes_to(case)}. "
            "They have 2 working days to reply.",
        )
    return redirect("family-concern", pk=case.pk)
