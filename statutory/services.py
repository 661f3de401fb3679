"""Every change to a statutory process, one function a use case (STYLE.md 2).

Each is atomic, takes keyword-only arguments with an explicit `actor`, locks the
process it changes, writes history with the acting user, and keeps each step's
legal date and the sweep's `check_at` column true in the same transaction. The
family is told through the outbox. The sweep is in `statutory.sweep`.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework.models import Category, Officer
from casework.notices import family_of
from casework.permissions import officer_of
from casework.routing import officer_choose_in_team, routing_owner_for
from casework.selectors import child_loggable_by
from core.exceptions import Conflict
from core.time import UK_TIME
from escalations.working_days import WorkingCalendar, start_of_working_day
from notifications.services import Telling, notification_enqueue_many

from .catalogue import DECISIONS, EXCEPTION_LIFTS, STEP_ENDS, STEPS_OF_KIND, Anchors, exception_ground
from .models import Decision, Process, ProcessChain, Step, StepAlert, StepException
from .permissions import require_may_act_on, works_for_council
from .rules import TRANSFERS

# DESIGN.md: the coordinator is reminded 5 working days before a statutory date, and on the day.
REMIND_WORKING_DAYS_BEFORE = 5
TEXT_LIMIT = 5000


def uk_today() -> date:
    return timezone.now().astimezone(UK_TIME).date()


def describe_day(day: date | None) -> str:
    """'Friday 29 January 2027', as GOV.UK style writes a date."""
    return f"{day:%A} {day.day} {day:%B %Y}" if day else ""


def process_link(process: Process) -> str:
    return f"/statutory/{process.pk}/"


# --- starting a process -------------------------------------------------------------------------


@transaction.atomic
def process_start(
    *,
    actor,
    child_id: int,
    kind: str,
    received_on: date | None = None,
    requested_by: str = "",
    coordinator_id: int | None = None,
    plan_dated_on: date | None = None,
    meeting_on: date | None = None,
    transfer: str = "",
    transfer_on: date | None = None,
) -> Process:
    """Start a statutory process for a child, with its steps dated from the law and a named EHC coordinator.

    Staff start any kind for a child of their council; a parent asks for an assessment of their own
    child themselves (CFA 2014 s36(1) lets them), recorded as received today. The coordinator is the
    officer chosen, or else the officer routing gives a process delay for this child (so the officer
    who already knows the family). Refused whole (400) for bad input.
    """
    child = child_loggable_by(actor, child_id)
    if child is None:
        raise ValidationError({"child": ["Choose one of your children."] if officer_of(actor) is None
                               else ["Choose a child of your council."]})
    is_family = officer_of(actor) is None and not actor.is_superuser
    if kind not in Process.Kind.values:
        raise ValidationError({"kind": ["Choose which statutory process to start."]})
    if is_family and kind != Process.Kind.NEEDS_ASSESSMENT:
        raise ValidationError({"kind": ["You can ask for an EHC needs assessment. The council starts the other processes."]})
    received_on = _received_on(received_on)
    if is_family:
        requested_by = Process.RequestedBy.PARENT
    _check_kind_dates(kind, received_on, plan_dated_on, meeting_on, transfer, transfer_on)
    organisation_id = child.family.organisation_id
    coordinator = _coordinator(child, organisation_id, coordinator_id)
    process = Process(
        organisation_id=organisation_id,
        child=child,
        kind=kind,
        received_on=received_on,
        requested_by=requested_by or Process.RequestedBy.COUNCIL,
        plan_dated_on=plan_dated_on,
        meeting_on=meeting_on,
        transfer=transfer,
        transfer_on=transfer_on,
        coordinator=coordinator,
        created_by=actor,
    )
    _save(process, actor=actor, reason="Started")
    steps_sync(process=process, actor=actor)
    return process


def _received_on(received_on: date | None) -> date:
    today = uk_today()
    if received_on is None:
        return today
    if received_on > today:
        raise ValidationError({"received_on": ["The day the request was received cannot be in the future."]})
    return received_on


def _check_kind_dates(kind, received_on, plan_dated_on, meeting_on, transfer, transfer_on) -> None:
    errors = {}
    if plan_dated_on and plan_dated_on > received_on:
        errors["plan_dated_on"] = ["The day the plan was made or last reviewed cannot be after the process started."]
    if meeting_on and meeting_on < received_on:
        errors["meeting_on"] = ["The review meeting cannot be before the process started."]
    if kind == Process.Kind.PHASE_TRANSFER:
        if transfer not in TRANSFERS:
            errors["transfer"] = ["Choose which move between schools or colleges this is."]
        if transfer_on is None:
            errors["transfer_on"] = ["Enter the day of the move."]
    elif transfer or transfer_on:
        errors["transfer"] = ["Only a phase transfer has a move between schools or colleges."]
    if errors:
        raise ValidationError(errors)


def _coordinator(child, organisation_id: int, coordinator_id: int | None) -> Officer:
    if coordinator_id is not None:
        chosen = Officer.objects.select_related("user", "team").filter(pk=coordinator_id).first()
        if chosen is None or not works_for_council(chosen, organisation_id):
            raise ValidationError({"coordinator": ["Choose an active officer of this child's council."]})
        return chosen
    category = Category.objects.get(pk="process_delay")
    return routing_owner_for(child=child, category=category, safeguarding=False).officer


# --- the steps and their dates ---------------------------------------------------------------------


def steps_sync(*, process: Process, actor) -> list[Step]:
    """Make each step the catalogue gives this kind of process, with its legal date as things stand now.

    A step whose date depends on another (the family's 15 days on the draft) gets it when that one is
    done. A date already set moves only while its step is not done. Keeps `check_at` true for the sweep.
    Called inside the caller's transaction, holding the process.
    """
    steps = {step.key: step for step in process.steps.all()}
    anchors = Anchors(
        received_on=process.received_on,
        plan_dated_on=process.plan_dated_on,
        meeting_on=process.meeting_on,
        transfer=process.transfer,
        transfer_on=process.transfer_on,
        done={key: step.done_on for key, step in steps.items() if step.done_on},
    )
    calendar = WorkingCalendar()
    for position, rule in enumerate(STEPS_OF_KIND[process.kind]):
        step = steps.get(rule.key) or Step(
            process=process, key=rule.key, label=rule.label, regulation=rule.regulation, position=position,
            family_to_act=rule.family_to_act,
        )
        due_on = rule.due_on(anchors) if step.done_on is None else step.due_on
        check_at = step_next_check(step, due_on=due_on, calendar=calendar)
        if step.pk is None or (due_on, check_at) != (step.due_on, step.check_at):
            step.due_on, step.check_at = due_on, check_at
            _save(step, actor=actor, reason="Legal date worked out")
        steps[rule.key] = step
    return list(steps.values())


def step_moments(due_on: date, calendar: WorkingCalendar) -> dict[str, datetime]:
    """When the sweep acts on a date: 09:00 five working days before, 09:00 on the day, and as the day ends."""
    before = due_on
    for _ in range(REMIND_WORKING_DAYS_BEFORE):
        before = calendar.previous_working_day(before)
    return {
        StepAlert.Kind.REMINDER_BEFORE: start_of_working_day(before),
        StepAlert.Kind.REMINDER_ON_DAY: start_of_working_day(due_on),
        # A date is met by doing the step on that day, so it is missed only once the day is over (UK time).
        StepAlert.Kind.MISSED: datetime.combine(due_on + timedelta(days=1), datetime.min.time(), tzinfo=UK_TIME),
    }


def step_next_check(
    step: Step, *, due_on: date | None, calendar: WorkingCalendar, after: datetime | None = None, sent=None
):
    """The next moment the sweep must look at this step, or None when there is nothing left to do.

    Nothing for a step done, not needed, lifted by an exception, the family's own, or without a date.
    A step already missed once never raises a second concern; reminders already sent for this date are past.
    Reminders whose moment is before `after` are skipped, but never the date passing: a date lifted by an
    exception withdrawn after it passed still raises its concern, on the next sweep.
    `sent`: the step's alerts as (kind, due_on) pairs, where the caller read them already.
    """
    if step.done_on or step.not_needed or step.lifted or step.family_to_act or due_on is None:
        return None
    if sent is None:
        sent = set(step.alerts.values_list("kind", "due_on")) if step.pk else set()
    missed_already = any(kind == StepAlert.Kind.MISSED for kind, _ in sent)
    moments = [
        moment
        for kind, moment in step_moments(due_on, calendar).items()
        if (kind, due_on) not in sent and not (kind == StepAlert.Kind.MISSED and missed_already)
        and (after is None or moment > after or kind == StepAlert.Kind.MISSED)
    ]
    return min(moments, default=None)


@transaction.atomic
def step_record(*, actor, process: Process, key: str, done_on: date, note: str = "") -> Process:
    """Record a step done on a day. Later steps counted from it get their legal dates; refused if already done."""
    process = _lock(process)
    require_may_act_on(actor, process)
    step = process.steps.filter(key=key).first()
    if step is None:
        raise ValidationError({"key": ["This process has no such step."]})
    _check_day(done_on, process, "done_on", "the step was done")
    _check_text(note, "note", required=False)
    if step.not_needed:
        raise Conflict("A decision made this step unnecessary, so it cannot be recorded.")
    if step.done_on is not None:
        raise Conflict(f"This step was already recorded as done on {describe_day(step.done_on)}.")
    step.done_on, step.note = done_on, note
    _save(step, actor=actor, reason="Step done")
    _end_steps(process, STEP_ENDS.get(key, ()), actor=actor)
    steps_sync(process=process, actor=actor)
    _finish_if_complete(process, actor=actor)
    return process


# --- decisions ---------------------------------------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor,
    process: Process,
    decision: str,
    decided_on: date,
    approved_by: int | None,
    reasons: str,
    panel: list[int] | tuple = (),
    detail: str = "",
    supersedes: int | None = None,
) -> Decision:
    """Record a decision with the named person who approved it and, for a panel, who sat on it.

    Refused (400) without an approver, or with an approver or panel member who is not an active
    officer of the child's council. Never edited: a later decision names the one it supersedes,
    and both stay on record; each is hash-chained on the process in the same transaction. The step it answers is done on its date; steps it makes unnecessary
    are marked so (a refusal to assess ends the assessment).
    """
    process = _lock(process)
    require_may_act_on(actor, process)
    rule = DECISIONS.get(decision)
    errors = {}
    if rule is None:
        errors["decision"] = ["Choose what was decided."]
    approver = _officer_of_council(approved_by, process)
    if approver is None:
        errors["approved_by"] = ["Name the person who approved this decision: an active officer of this council."]
    panel_members = [_officer_of_council(pk, process) for pk in dict.fromkeys(panel)]
    if any(member is None for member in panel_members):
        errors["panel"] = ["Each panel member must be an active officer of this council."]
    if not reasons or not reasons.strip():
        errors["reasons"] = ["Give the reasons in plain words. The family will see them."]
    if errors:
        raise ValidationError(errors)
    _check_text(reasons, "reasons")
    _check_day(decided_on, process, "decided_on", "the decision was made")
    earlier = _superseded(process, supersedes)
    record = Decision(
        process=process, decision=decision, detail=detail, decided_on=decided_on, reasons=reasons,
        approved_by=approver, supersedes=earlier, recorded_by=actor,
    )
    record.chain_panel = [member.pk for member in panel_members]
    ProcessChain.objects.extend(record)
    _save(record, actor=actor, reason="Decision recorded")
    record.panel.set(panel_members)
    _apply_decision(process, rule, decided_on, actor=actor)
    return record


def _end_steps(process: Process, keys, *, actor) -> None:
    """Steps that what was just recorded makes unnecessary: a plan issued needs no notice that none will be."""
    for step in process.steps.filter(key__in=keys, done_on__isnull=True, not_needed=False):
        step.not_needed, step.check_at = True, None
        _save(step, actor=actor, reason="Made unnecessary")


def _officer_of_council(pk, process: Process) -> Officer | None:
    if pk is None:
        return None
    officer = Officer.objects.select_related("user", "team").filter(pk=pk).first()
    return officer if officer is not None and works_for_council(officer, process.organisation_id) else None


def _superseded(process: Process, supersedes: int | None) -> Decision | None:
    if supersedes is None:
        return None
    earlier = process.decisions.select_for_update().filter(pk=supersedes).first()
    if earlier is None:
        raise ValidationError({"supersedes": ["Choose a decision of this process."]})
    if Decision.objects.filter(supersedes=earlier).exists():
        raise Conflict("That decision has already been superseded. Supersede the latest one instead.")
    return earlier


def _apply_decision(process: Process, rule, decided_on: date, *, actor) -> None:
    steps = {step.key: step for step in process.steps.all()}
    answered = steps.get(rule.completes)
    if answered is not None and answered.done_on is None and not answered.not_needed:
        answered.done_on = decided_on
        _save(answered, actor=actor, reason="Decision made")
    _end_steps(process, rule.ends, actor=actor)
    steps_sync(process=process, actor=actor)
    _finish_if_complete(process, actor=actor)


# --- exceptions -------------------------------------------------------------------------------------


@transaction.atomic
def exception_record(
    *, actor, process: Process, regulation: str, reason: str, starts_on: date, ends_on: date | None = None
) -> StepException:
    """Record an exception the regulations allow: it lifts the time limit it names while it stands.

    The family is told which date no longer applies, why, and under which regulation. The report
    counts that date "with exceptions", as the DfE's SEN2 return does.
    """
    process = _lock(process)
    require_may_act_on(actor, process)
    if regulation not in EXCEPTION_LIFTS:
        raise ValidationError({"regulation": ["Choose the regulation that allows this exception."]})
    _check_text(reason, "reason")
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the time limit cannot be met. The family will see this."]})
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": ["The exception cannot end before it starts."]})
    step = process.steps.filter(key=EXCEPTION_LIFTS[regulation]).first()
    if step is None:
        raise ValidationError({"regulation": ["This process has no time limit that this regulation lifts."]})
    if step.done_on is not None or step.not_needed:
        raise Conflict("That step is already done or no longer needed, so its time limit needs no exception.")
    exception = StepException(
        process=process, step=step, regulation=regulation, reason=reason, starts_on=starts_on, ends_on=ends_on,
        recorded_by=actor,
    )
    _save(exception, actor=actor, reason="Exception recorded")
    _lift(step, lifted=True, actor=actor)
    _tell_family(
        process,
        template="statutory_exception",
        context={
            "child_name": process.child.display_name,
            "step": step.label,
            "due": describe_day(step.due_on),
            "regulation": f"SEND Regulations 2014, regulation {regulation}",
            "ground": exception_ground(regulation),
            "reason": reason,
        },
        key=f"statutory-exception:{exception.pk}",
    )
    return exception


@transaction.atomic
def exception_withdraw(*, actor, exception: StepException) -> StepException:
    """Withdraw an exception recorded in error: the time limit it lifted applies again. Kept on record."""
    process = _lock(exception.process)
    require_may_act_on(actor, process)
    exception = StepException.objects.select_for_update().select_related("step").get(pk=exception.pk)
    if not exception.in_force:
        raise Conflict("This exception has already been withdrawn.")
    exception.withdrawn_at, exception.withdrawn_by = timezone.now(), actor
    _save(exception, actor=actor, reason="Exception withdrawn")
    still_lifted = exception.step.exceptions.filter(withdrawn_at__isnull=True).exists()
    _lift(exception.step, lifted=still_lifted, actor=actor)
    return exception


def _lift(step: Step, *, lifted: bool, actor) -> None:
    step.lifted = lifted
    step.check_at = step_next_check(step, due_on=step.due_on, calendar=WorkingCalendar(), after=timezone.now())
    _save(step, actor=actor, reason="Time limit lifted by an exception" if lifted else "Time limit applies again")


# --- staff change: the coordinator is never someone who has left -------------------------------------


def processes_hand_over(*, actor, leaver: Officer, successor: Officer | None, note: str) -> int:
    """Offboarding: every open process of a leaver goes to the successor, or to whoever routing gives the child.

    Called by `casework.staffing.officer_offboard` in its transaction (registered in `apps.py`), after
    the cases moved, so routing's "the officer who already has this child" sees where they went.
    A process nobody can take refuses the whole offboarding (Conflict), as a case would.
    """
    processes = list(
        Process.objects.select_for_update(of=("self",))
        .filter(coordinator=leaver, status=Process.Status.OPEN)
        .select_related("child__family", "coordinator__team")
        .order_by("pk")
    )
    for process in processes:
        new = successor or _routed_coordinator(process, leaver)
        if new is None:
            raise Conflict(
                f"Nobody can take over as EHC coordinator for {process.child.display_name}, so nothing was changed."
            )
        _change_coordinator(process, new, actor=actor, reason=f"Coordinator handed over: {note}"[:100])
    return len(processes)


@transaction.atomic
def processes_reroute_orphans(*, actor=None, limit: int = 500) -> int:
    """The safety net: any open process whose coordinator is no longer active gets one who is."""
    orphaned = list(
        Process.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=Process.Status.OPEN, coordinator__active=False)
        .select_related("child__family", "coordinator__team")
        .order_by("pk")[:limit]
    )
    moved = 0
    for process in orphaned:
        new = _routed_coordinator(process, process.coordinator)
        if new is not None:
            _change_coordinator(process, new, actor=actor, reason="Coordinator no longer active: re-routed")
            moved += 1
    return moved


def _routed_coordinator(process: Process, leaver: Officer) -> Officer | None:
    team = leaver.team
    if team is None:
        return None
    route = officer_choose_in_team(team=team, child=process.child, exclude=(leaver.pk,))
    return route.officer if route is not None else None


def _change_coordinator(process: Process, officer: Officer, *, actor, reason: str) -> None:
    process.coordinator = officer
    _save(process, actor=actor, reason=reason)


# --- the pieces every service shares -----------------------------------------------------------------


def _finish_if_complete(process: Process, *, actor) -> None:
    """A process is finished once every step the council owes is done or no longer needed."""
    waiting = process.steps.filter(done_on__isnull=True, not_needed=False, family_to_act=False)
    if not waiting.exists():
        process.status, process.finished_at = Process.Status.FINISHED, timezone.now()
        _save(process, actor=actor, reason="Every step done")


def _lock(process: Process) -> Process:
    return (
        Process.objects.select_for_update(of=("self",))
        .select_related("child__family", "coordinator__user", "coordinator__team")
        .get(pk=process.pk)
    )


def _check_day(day: date, process: Process, field: str, what: str) -> None:
    if day > uk_today():
        raise ValidationError({field: [f"The day {what} cannot be in the future."]})
    if day < process.received_on:
        raise ValidationError({field: [f"The day {what} cannot be before the process started."]})


def _check_text(text: str, field: str, *, required: bool = True) -> None:
    if required and (not text or not text.strip()):
        raise ValidationError({field: ["This cannot be blank."]})
    if text and len(text) > TEXT_LIMIT:
        raise ValidationError({field: [f"Use {TEXT_LIMIT:,} characters or fewer."]})


def _tell_family(process: Process, *, template: str, context: dict, key: str) -> None:
    notification_enqueue_many(
        tellings=[
            Telling(recipient=member.user, template=template, context=context, link=process_link(process),
                    dedupe_key=key)
            for member in family_of(process.child)
        ]
    )


def _save(obj, *, actor, reason: str) -> None:
    # django-simple-history reads these, so each history row names who did it, even from Celery.
    obj._history_user = actor
    obj._change_reason = reason
    obj.save()
