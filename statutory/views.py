"""The statutory process pages: a family's view of each process, and the staff's to start one and record it.

Thin: each page reads through the selectors (so another family's process is a 404) and changes
things only through the services; a refusal is shown on its form, with the API's status code.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casework.permissions import is_staff_member, officer_of
from casework.web.staff.queue import QueueDuty

from . import selectors, services
from .forms import (
    SERVICE_REFUSALS,
    AskForAssessmentForm,
    DecisionForm,
    ExceptionForm,
    StartForm,
    StepForm,
    add_refusal,
)
from .models import Process, Step
from .permissions import may_act_on
from .rules import appeal_due

# Each state in a family's words, with its GOV.UK tag colour.
STATE_TAGS = {
    Step.State.DUE: ("Not done yet", "govuk-tag--blue"),
    Step.State.DONE_ON_TIME: ("Done on time", "govuk-tag--green"),
    Step.State.DONE_LATE: ("Done late", "govuk-tag--orange"),
    Step.State.LATE: ("Late", "govuk-tag--red"),
    Step.State.EXCEPTED: ("Time limit set aside", "govuk-tag--yellow"),
    Step.State.NOT_NEEDED: ("Not needed", "govuk-tag--grey"),
}


def staff_only(view):
    @wraps(view)
    def page(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return login_required(page)


def family_only(view):
    @wraps(view)
    def page(request, *args, **kwargs):
        if is_staff_member(request.user):
            return redirect("statutory-list")
        return view(request, *args, **kwargs)

    return login_required(page)


def queue_duties_of(officer) -> list[QueueDuty]:
    """The coordinator's statutory dates for their queue (registered in apps.py): late, or due within a fortnight."""
    today = services.uk_today()
    return [
        QueueDuty(due_on=step.due_on, child_name=step.process.child.display_name, text=f"{step.label} ({step.regulation})",
                  link=services.process_link(step.process), late=step.due_on < today)
        for step in selectors.steps_for_queue(officer, today)
    ]


@login_required
def process_list(request):
    """A family: each child's processes. Staff: their own statutory dates, next due first."""
    if is_staff_member(request.user):
        officer = officer_of(request.user)
        steps = list(selectors.steps_due_for_coordinator(officer)) if officer else []
        today = services.uk_today()
        rows = [{"step": step, "tag": STATE_TAGS[step.state_on(today)]} for step in steps]
        return render(request, "statutory/staff_dates.html", {"rows": rows})
    processes = selectors.processes_visible_to(request.user).order_by("child__first_name", "-received_on")
    return render(request, "statutory/family_list.html", {"processes": processes})


@login_required
def process_page(request, pk, forms=None, status=200):
    process = selectors.process_get_for_user(request.user, pk)
    today = services.uk_today()
    context = {
        "process": process,
        "steps": [_step_row(step, today) for step in process.steps.all() if not step.family_to_act],
        "family_steps": [_step_row(step, today) for step in process.steps.all() if step.family_to_act and step.due_on],
        "decisions": [_decision_row(decision) for decision in process.decisions.all()],
        "exceptions": list(process.exceptions.all()),
        "is_staff": is_staff_member(request.user),
        "can_act": may_act_on(request.user, process),
    }
    if context["can_act"]:
        context.update(_staff_forms(process, forms or {}))
    return render(request, "statutory/process.html", context, status=status)


def _step_row(step: Step, today) -> dict:
    return {"step": step, "due": services.describe_day(step.due_on), "done": services.describe_day(step.done_on),
            "tag": STATE_TAGS[step.state_on(today)]}


def _decision_row(decision) -> dict:
    last_day = appeal_due(decision.decided_on) if decision.appealable else None
    return {
        "decision": decision,
        "decided": services.describe_day(decision.decided_on),
        "approved_by": decision.approved_by.display_name,
        "panel": [member.display_name for member in decision.panel.all()],
        "appeal_by": services.describe_day(last_day),
        "superseded": getattr(decision, "superseded_by", None) is not None,
    }


def _staff_forms(process: Process, bound: dict) -> dict:
    open_steps = [s for s in process.steps.all() if s.done_on is None and not s.not_needed and not s.family_to_act]
    officers = selectors.officers_of_council(process.organisation_id)
    current = [d for d in process.decisions.all() if getattr(d, "superseded_by", None) is None]
    return {
        "step_form": bound.get("step") or StepForm(steps=open_steps),
        "decision_form": bound.get("decision") or DecisionForm(officers=officers, decisions=current),
        "exception_form": bound.get("exception") or ExceptionForm(),
    }


@staff_only
@require_POST
def record_step(request, pk):
    process = selectors.process_get_for_user(request.user, pk)
    form = StepForm(request.POST, steps=list(process.steps.all()))
    return _act(request, process, "step", form, lambda data: services.step_record(
        actor=request.user, process=process, key=data["key"], done_on=data["done_on"], note=data["note"]),
        "Step recorded.")


@staff_only
@require_POST
def record_decision(request, pk):
    process = selectors.process_get_for_user(request.user, pk)
    form = DecisionForm(request.POST, officers=selectors.officers_of_council(process.organisation_id),
                        decisions=list(process.decisions.all()))
    return _act(request, process, "decision", form, lambda data: services.decision_record(
        actor=request.user, process=process, decision=data["decision"], decided_on=data["decided_on"],
        approved_by=data["approved_by"].pk, panel=[o.pk for o in data["panel"]], reasons=data["reasons"],
        detail=data["detail"], supersedes=data["supersedes"]), "Decision recorded.")


@staff_only
@require_POST
def record_exception(request, pk):
    process = selectors.process_get_for_user(request.user, pk)
    form = ExceptionForm(request.POST)
    return _act(request, process, "exception", form, lambda data: services.exception_record(
        actor=request.user, process=process, regulation=data["regulation"], reason=data["reason"],
        starts_on=data["starts_on"], ends_on=data["ends_on"]), "Exception recorded. The family has been told.")


def _act(request, process, name, form, call, done_message):
    status = 400
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except SERVICE_REFUSALS as refused:
            status = add_refusal(form, refused)
        else:
            messages.success(request, done_message)
            return redirect("statutory-process", pk=process.pk)
    return process_page(request, process.pk, forms={name: form}, status=status)


@family_only
@require_http_methods(["GET", "POST"])
def ask_for_assessment(request):
    """A family asks for an EHC needs assessment themselves (CFA 2014 s36(1)); received the day they send it."""
    children = list(selectors.children_of_family_member_by_name(request.user))
    form = AskForAssessmentForm(request.POST if request.method == "POST" else None, children=children)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                process = services.process_start(actor=request.user, child_id=form.cleaned_data["child"],
                                                 kind=Process.Kind.NEEDS_ASSESSMENT)
            except SERVICE_REFUSALS as refused:
                status = add_refusal(form, refused)
            else:
                messages.success(request, f"We received your request on {services.describe_day(process.received_on)}.")
                return redirect("statutory-process", pk=process.pk)
    return render(request, "statutory/ask.html", {"form": form, "children": children}, status=status)


@staff_only
@require_http_methods(["GET", "POST"])
def start_process(request):
    officer = officer_of(request.user)
    children = selectors.children_of_councils_of(officer) if officer else []
    form = StartForm(request.POST if request.method == "POST" else None, children=children)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                process = services.process_start(
                    actor=request.user, child_id=data["child"], kind=data["kind"], received_on=data["received_on"],
                    plan_dated_on=data["plan_dated_on"], transfer=data["transfer"], transfer_on=data["transfer_on"],
                )
            except SERVICE_REFUSALS as refused:
                status = add_refusal(form, refused)
            else:
                messages.success(request, f"Started. {process.coordinator.display_name} is the EHC coordinator.")
                return redirect("statutory-process", pk=process.pk)
    return render(request, "statutory/start.html", {"form": form}, status=status)

