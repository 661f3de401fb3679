"""Changing who owns a case: a reassignment, a handover, and the one lock order every change of owner keeps."""


from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict

from .. import notices
from ..labels import display_name
from ..models import Case, CaseEvent, Officer, save_many_with_history
from ..permissions import organisations_of, require_may_move
from .shared import lock_case

Status = Case.Status
Kind = CaseEvent.Kind


@transaction.atomic
def case_reassign(*, actor, case: Case, officer: Officer | int, note: str) -> Case:
    """Give the case a new named officer. The family is told the new name; the note goes with the case.

    Allowed to a manager over the case's team, or to the named officer handing it on.
    """
    new_owner = lock_active_officer(officer)
    case = lock_case(case)
    require_may_move(actor, case)
    if case.status == Status.CLOSED:
        raise Conflict("This case is closed, so it does not need a named officer.")
    if new_owner is None or case.organisation_id not in organisations_of(new_owner):
        raise ValidationError({"officer": ["Choose an active officer who works for this council."]})
    if new_owner.pk == case.accountable_officer_id:
        raise ValidationError({"officer": [f"{new_owner.display_name} is already the named officer."]})
    case_transfer(case=case, to=new_owner, actor=actor, note=note, kind=Kind.REASSIGNED)
    return case


def lock_active_officer(officer: Officer | int) -> Officer | None:
    """The officer, row-locked until commit, if they are still active; else None.

    Whoever gives an officer cases takes this lock first, before any case's,
    as offboarding does: so an officer cannot leave while cases are on their
    way to them (offboarding waits, or they are found to have left), and the
    two never deadlock.
    """
    return (
        Officer.objects.select_for_update(of=("self",))
        .filter(pk=getattr(officer, "pk", officer), active=True)
        .select_related("user", "team")
        .first()
    )


def case_transfer(*, case: Case, to: Officer, actor, note: str, kind: str, keep_team: bool = False) -> CaseEvent:
    """Move one locked case to a new owner: `cases_transfer` for one case, the new owner told about it."""
    return cases_transfer(moves=[(case, to)], actor=actor, note=note, kind=kind, keep_teams=keep_team)[0]


def cases_transfer(
    *,
    moves: list[tuple[Case, Officer]],
    actor,
    note: str,
    kind: str,
    tell_each_new_owner: bool = True,
    keep_teams: bool = False,
    tell_families: bool = True,
) -> list[CaseEvent]:
    """Move locked cases to new owners: history, timeline, a staff note, and the family of each told.

    The building block of reassignment, handover and offboarding, in a fixed
    number of queries however many cases move (if their children and owners
    were read with them: each one missing is a query).
    Callers hold the transaction and the locks. Each new owner hears of each
    case unless `tell_each_new_owner` is off: offboarding tells them once.
    Each parent and carer hears once, of all their cases that moved, unless
    `tell_families` is off: offboarding moves cases in rounds and tells them after the last.
    A case moves into its new owner's team, unless `keep_teams` is on: when
    routing climbed the ladder, the owner holds it for the team it belongs to.
    Returns each case's handover event, in the order of `moves`.
    """
    if not moves:
        return []
    now = timezone.now()
    author = display_name(actor)
    handovers, lines, news = [], [], []
    for case, to in moves:
        previous = case.accountable_officer
        case.accountable_officer = to
        case.owner_count += 1
        if to.team_id and not keep_teams:
            case.team_id = to.team_id
        case._history_user = actor
        case._change_reason = f"Named officer changed from {previous.display_name} to {to.display_name}"
        event = CaseEvent.objects.line(
            case=case,
            kind=kind,
            actor=actor,
            text=f"{to.display_name} is now the named officer, taking over from {previous.display_name}.",
            data={"from_officer_id": previous.pk, "to_officer_id": to.pk},
        )
        handovers.append(event)
        lines.append(event)
        if note:
            lines.append(
                CaseEvent.objects.line(
                    case=case, kind=Kind.NOTE, actor=actor, text=f"Handover note from {author}: {note}", internal=True
                )
            )
        news.append(new_officer_news(case, event, previous=previous))
    # One history row a case, with the user and reason set above.
    save_many_with_history([case for case, _to in moves], ["accountable_officer", "owner_count", "team"], at=now)
    CaseEvent.objects.record_many(lines)
    tellings = notices.family_new_officer_tellings(news) if tell_families else []
    if tell_each_new_owner:
        tellings += [
            notices.officer_telling(
                item.case.accountable_officer,
                notices.CaseNews(
                    case=item.case,
                    event=item.event,
                    template="officer_case_handed_over",
                    context={"previous_officer_name": item.context["previous_officer_name"], "note": note},
                ),
            )
            for item in news
        ]
    notices.tell(tellings)
    return handovers


def new_officer_news(case: Case, event: CaseEvent, *, previous: Officer) -> notices.CaseNews:
    """What the family hears of a case's handover `event`: who their named officer is now, and who was."""
    return notices.CaseNews(
        case=case,
        event=event,
        template="case_new_officer",
        context={
            "officer_name": case.accountable_officer.display_name,
            "previous_officer_name": previous.display_name,
            "note": "",
        },
    )
