"""The pieces every case service shares: locking, checking a move, saving with history, the timeline."""


from django.core.exceptions import ValidationError

from core.exceptions import Conflict, NotAllowed

from ..labels import status_in_words
from ..models import CASE_MOVES, Case, CaseAccess, CaseEvent
from ..permissions import officer_of, require_may_move
from ..selectors import cases_visible_to


def case_record_access(*, actor, case: Case, via: str) -> None:
    """Staff opened this record: log who and when. Families looking at their own case are not logged."""
    if officer_of(actor) is not None or actor.is_superuser:
        CaseAccess.objects.create(case=case, user=actor, via=via)


def lock_case(case: Case) -> Case:
    """Re-read the case under a row lock, so two moves on one case happen one after the other."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("child", "category", "team", "accountable_officer__user", "accountable_officer__team")
        .get(pk=case.pk)
    )


def move_case(case: Case, *, actor, action: str) -> Case:
    case = lock_case(case)
    require_may_move(actor, case)
    require_move_fits(case, action, actor=actor)
    case.status = CASE_MOVES[action][1]
    return case


def require_move_fits(case: Case, action: str, *, actor) -> None:
    sources, _target = CASE_MOVES[action]
    if case.status not in sources:
        raise Conflict(
            f"This case is {status_in_words(case, actor)}, so it cannot be {_PAST[action]} now.",
            data={"status": case.status},
        )


_PAST = {
    "acknowledge": "acknowledged",
    "start": "started",
    "await_parent": "put on hold for the family",
    "resume": "resumed",
    "resolve": "resolved",
    "close": "closed",
    "reopen": "reopened",
}


def require_may_see(actor, case: Case) -> None:
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotAllowed("You cannot act on this case.")


def require_text(value: str, field: str, message: str) -> None:
    if not value or not value.strip():
        raise ValidationError({field: [message]})


def save_case(case: Case, *, actor, reason: str) -> None:
    # django-simple-history reads these, so the history row names who did it even from Celery or the shell.
    case._history_user = actor
    case._change_reason = reason
    case.save()


def due_of(case: Case, kind: str):
    clock = case.clocks.filter(kind=kind).order_by("-started_at").first()
    return clock.due_at if clock else None


def record_event(case, kind, actor, text, *, internal=False, data=None, at=None) -> CaseEvent:
    return CaseEvent.objects.record(case=case, kind=kind, actor=actor, text=text, internal=internal, data=data, at=at)
