"""Moving a case through its lifecycle (DESIGN.md "The case lifecycle"), and asking whether it stayed fixed."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict, NotAllowed
from core.time import describe_moment
from escalations import services as sla
from escalations.models import ClockKind
from escalations.timescales import PAUSE_LIMIT_WORKING_DAYS
from escalations.working_days import add_working_days

from .. import notices
from ..models import CASE_MOVES, Case, CaseEvent
from ..permissions import officer_of, require_may_close, require_may_withdraw
from .shared import (
    due_of,
    lock_case,
    move_case,
    record_event,
    require_may_see,
    require_move_fits,
    require_text,
    save_case,
)

Status = Case.Status
Kind = CaseEvent.Kind
# "Four weeks after a case is resolved, the family is asked whether the problem is still fixed."
FOLLOW_UP_AFTER = timedelta(weeks=4)


@transaction.atomic
def case_acknowledge(*, actor, case: Case, note: str = "") -> Case:
    """Tell the family a named person has their concern."""
    case = move_case(case, actor=actor, action="acknowledge")
    case.acknowledged_at = timezone.now()
    sla.clocks_stop(case=case, kinds=[ClockKind.ACKNOWLEDGE], at=case.acknowledged_at)
    save_case(case, actor=actor, reason="Acknowledged")
    event = record_event(case, Kind.ACKNOWLEDGED, actor, note or f"{case.accountable_officer.display_name} has your concern.")
    notices.tell_family(
        case=case,
        event=event,
        template="case_acknowledged",
        context={
            "child_name": case.child.display_name,
            "officer_name": case.accountable_officer.display_name,
            "respond_due": describe_moment(due_of(case, ClockKind.RESPOND)),
        },
    )
    return case


@transaction.atomic
def case_start(*, actor, case: Case, note: str = "") -> Case:
    """Work begins. This answers nothing the family asked, so the response clock runs on (a message to the
    family, or resolving, stops it); a case started before it was acknowledged is acknowledged by it."""
    case = move_case(case, actor=actor, action="start")
    sla.clocks_stop(case=case, kinds=[ClockKind.ACKNOWLEDGE], at=timezone.now())
    save_case(case, actor=actor, reason="Work started")
    record_event(case, Kind.STARTED, actor, note or "Work on this concern has started.")
    return case


@transaction.atomic
def case_await_parent(*, actor, case: Case, note: str = "") -> Case:
    """Wait for something from the family. The note says what, and the family is asked for it."""
    case = move_case(case, actor=actor, action="await_parent")
    sla.clocks_pause(case=case, actor=actor, reason=note, at=timezone.now())
    save_case(case, actor=actor, reason="Waiting for the family")
    event = record_event(case, Kind.AWAITING_PARENT, actor, note or "We need something from you before we can carry on.")
    notices.tell_family(
        case=case,
        event=event,
        template="case_awaiting_parent",
        context={"officer_name": case.accountable_officer.display_name, "note": note},
    )
    return case


@transaction.atomic
def case_resume(*, actor, case: Case, note: str = "") -> Case:
    """Work starts again; the paused clocks move later by the working time spent waiting."""
    case = move_case(case, actor=actor, action="resume")
    resume_work(case, actor=actor, text=note or "Work on this concern has started again.")
    return case


@transaction.atomic
def case_resume_after_pause_limit(*, case: Case) -> Case:
    """A case cannot wait on the family forever: after the limit it resumes by itself, with a note."""
    case = lock_case(case)
    if case.status != Status.AWAITING_PARENT:
        return case
    case.status = CASE_MOVES["resume"][1]
    pause = sla.clocks_resume(case=case, actor=None, at=timezone.now())
    save_case(case, actor=None, reason="Resumed")
    # On the timeline at the moment the wait ended, not when this ran, which may be later (beat down, a
    # busy worker): the family's page must not say the wait ended on another day.
    record_event(
        case,
        Kind.RESUMED,
        None,
        f"We have waited {PAUSE_LIMIT_WORKING_DAYS} working days for a reply, "
        "so the clock is running again. Your named officer will be in touch.",
        at=pause.ended_at if pause else None,
    )
    return case


def _end_wait_on_family(case: Case, *, actor, at) -> None:
    # A case that ends while it waits on the family ends the wait too, as a resume would: left open, the
    # pause would later "end by itself" on the case, even after a reopen and a new wait.
    sla.clocks_resume(case=case, actor=actor, at=at)


def resume_work(case: Case, *, actor, text: str) -> None:
    sla.clocks_resume(case=case, actor=actor, at=timezone.now())
    save_case(case, actor=actor, reason="Resumed")
    record_event(case, Kind.RESUMED, actor, text)


@transaction.atomic
def case_resolve(*, actor, case: Case, outcome: str) -> Case:
    """Record what was done. The family may reopen it for a set number of working days."""
    require_text(outcome, "outcome", "Say what was done to put things right.")
    case = move_case(case, actor=actor, action="resolve")
    case.outcome = outcome
    case.resolved_at = timezone.now()
    case.follow_up_due_at = case.resolved_at + FOLLOW_UP_AFTER
    case.follow_up_sent_at = None
    _end_wait_on_family(case, actor=actor, at=case.resolved_at)
    sla.clocks_stop(case=case, kinds=ClockKind.values, at=case.resolved_at)
    save_case(case, actor=actor, reason="Resolved")
    event = record_event(case, Kind.RESOLVED, actor, outcome)
    notices.tell_family(
        case=case,
        event=event,
        template="case_resolved",
        context={
            "officer_name": case.accountable_officer.display_name,
            "outcome": outcome,
            "reopen_until": describe_moment(reopen_deadline(case)),
        },
    )
    return case


@transaction.atomic
def case_close(*, actor, case: Case, outcome: str) -> Case:
    """Close for good, with the outcome on record. Closing is a state: nothing is deleted.

    A case still new or acknowledged (nobody has answered the family) is closed only by a manager.
    """
    require_text(outcome, "outcome", "Say why the case is being closed.")
    case = lock_case(case)
    require_may_close(actor, case)
    _close(case, actor=actor, outcome=outcome)
    return case


@transaction.atomic
def case_withdraw(*, actor, case: Case, reason: str) -> Case:
    """The family withdraw their own concern, saying why. It closes; the named officer is told."""
    require_text(reason, "reason", "Tell us why you are withdrawing this concern.")
    case = lock_case(case)
    require_may_withdraw(actor, case)
    event = _close(case, actor=actor, outcome=f"Withdrawn by the family: {reason}", withdrawn=True)
    notices.tell_named_officer(
        case=case, event=event, template="officer_family_replied", context={"text": f"Withdrawn: {reason}"}
    )
    return case


def _close(case: Case, *, actor, outcome: str, withdrawn: bool = False) -> CaseEvent:
    require_move_fits(case, "close", actor=actor)
    case.status = CASE_MOVES["close"][1]
    case.outcome = outcome
    case.closed_at = timezone.now()
    _end_wait_on_family(case, actor=actor, at=case.closed_at)
    sla.clocks_stop(case=case, kinds=ClockKind.values, at=case.closed_at)
    save_case(case, actor=actor, reason="Withdrawn by the family" if withdrawn else "Closed")
    return record_event(case, Kind.CLOSED, actor, outcome, data={"withdrawn": True} if withdrawn else None)


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """The family (or staff) say the problem is not fixed. Goes back to the named officer."""
    require_text(reason, "reason", "Say why the problem is not fixed.")
    case = lock_case(case)
    require_may_see(actor, case)
    require_move_fits(case, "reopen", actor=actor)
    deadline = reopen_deadline(case)
    if deadline is not None and timezone.now() > deadline:
        raise Conflict(
            "This concern was resolved too long ago to reopen. Please tell us about the problem as a new concern."
        )
    _reopen(case, actor=actor, reason=reason)
    return case


def _reopen(case: Case, *, actor, reason: str) -> CaseEvent:
    case.status = CASE_MOVES["reopen"][1]
    case.resolved_at = None
    case.follow_up_due_at = None
    sla.clocks_reopen(case=case, at=timezone.now())
    save_case(case, actor=actor, reason="Reopened")
    event = record_event(case, Kind.REOPENED, actor, reason)
    notices.tell_named_officer(
        case=case,
        event=event,
        template="officer_family_replied",
        context={"text": f"Reopened: {reason}"},
    )
    return event


@transaction.atomic
def case_follow_up_send(*, case: Case) -> Case:
    """Four weeks after resolution, ask the family whether the problem is still fixed. Sent once."""
    case = lock_case(case)
    if case.status != Status.RESOLVED or case.follow_up_sent_at is not None:
        return case
    case.follow_up_sent_at = timezone.now()
    save_case(case, actor=None, reason="Asked the family whether the problem is still fixed")
    event = record_event(case, Kind.FOLLOW_UP, None, "We asked whether the problem is still fixed.")
    notices.tell_family(
        case=case,
        event=event,
        template="case_was_it_fixed",
        context={"summary": case.summary},
        link=f"/cases/{case.pk}/was-it-fixed/",
    )
    return case


@transaction.atomic
def case_follow_up_answer(*, actor, case: Case, fixed: bool, text: str = "") -> Case:
    """The family answers "is it still fixed?". Yes closes the case; no reopens it with their words.

    Because we asked, "no" reopens the case even after the usual reopen window.
    """
    case = lock_case(case)
    require_may_see(actor, case)
    if officer_of(actor) is not None or actor.is_superuser:
        raise NotAllowed("Only the family can say whether the problem is still fixed.")
    if not case.awaits_was_it_fixed:
        raise Conflict("This case is not waiting for your answer.")
    if fixed:
        case.status = CASE_MOVES["close"][1]
        case.closed_at = timezone.now()
        case.follow_up_due_at = None
        save_case(case, actor=actor, reason="The family confirmed the problem is fixed")
        record_event(case, Kind.CONFIRMED, actor, text or "The family told us the problem is still fixed. Case closed.")
        return case
    require_text(text, "text", "Tell us what is wrong now.")
    _reopen(case, actor=actor, reason=f"The family told us the problem is not fixed: {text}")
    return case


def reopen_deadline(case: Case):
    """The last moment the family may reopen a resolved case."""
    if case.resolved_at is None:
        return None
    return add_working_days(case.resolved_at, settings.REOPEN_WINDOW_WORKING_DAYS)
