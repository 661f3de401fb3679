"""Messages on a case, and the family's chase and the officer's extension of its timescales."""


from django.db import transaction
from django.utils import timezone

from core.exceptions import Conflict, NotAllowed
from core.time import describe_moment
from escalations import services as sla
from escalations.models import Alert, ClockKind
from escalations.selectors import chase_recipient

from .. import notices
from ..labels import name_shown_to_family
from ..models import CASE_MOVES, Case, CaseEvent, CaseMessage
from ..permissions import is_manager_over, officer_of, require_may_move
from .lifecycle import resume_work
from .shared import lock_case, record_event, require_may_see, require_text, save_case

Status = Case.Status
Kind = CaseEvent.Kind


@transaction.atomic
def case_message_add(*, actor, case: Case, text: str, internal: bool = False) -> CaseMessage:
    """A message on the case. Internal notes are for staff only and never reach the family.

    A family's reply to a case waiting on them starts the work again.
    """
    require_text(text, "text", "Enter a message.")
    case = lock_case(case)
    require_may_see(actor, case)
    is_staff = officer_of(actor) is not None or actor.is_superuser
    if internal and not is_staff:
        raise NotAllowed("Only staff can add internal notes.")
    if case.status == Status.CLOSED:
        raise Conflict("This case is closed. Please tell us about the problem as a new concern.")
    message = CaseMessage(case=case, author=actor, text=text, internal=internal)
    message._history_user = actor
    message.save()
    kind = Kind.NOTE if internal else Kind.MESSAGE
    event = CaseEvent.objects.record(
        case=case, kind=kind, actor=actor, text=text, internal=internal, message=message, at=message.created_at
    )
    if internal:
        return message
    if is_staff:
        # A reply to the family is the first substantive response, and answers any chase.
        sla.clocks_stop(
            case=case, kinds=[ClockKind.ACKNOWLEDGE, ClockKind.RESPOND, ClockKind.CHASE], at=message.created_at
        )
        save_case(case, actor=actor, reason="Replied to the family")
        notices.tell_family(
            case=case,
            event=event,
            template="case_message",
            context={"officer_name": name_shown_to_family(actor), "text": text},
        )
    else:
        notices.tell_named_officer(
            case=case,
            event=event,
            template="officer_family_replied",
            context={"text": text},
        )
        if case.status == Status.AWAITING_PARENT:
            case.status = CASE_MOVES["resume"][1]
            resume_work(case, actor=actor, text="The family replied, so work has started again.")
    return message


@transaction.atomic
def case_extend(*, actor, case: Case, working_days: int, reason: str) -> Case:
    """Move the resolve date later, with a reason the family sees. Once by the officer; again only by a manager."""
    require_text(reason, "reason", "Say why more time is needed. The family will see this.")
    case = lock_case(case)
    require_may_move(actor, case)
    if not case.is_open:
        raise Conflict("Only an open case can have its timescale extended.")
    clock = sla.clock_extend(case=case, working_days=working_days, by_manager=is_manager_over(actor, case))
    save_case(case, actor=actor, reason="Resolve date extended")
    event = record_event(
        case,
        Kind.EXTENDED,
        actor,
        f"We now aim to resolve this by {describe_moment(clock.due_at)}. Why: {reason}",
        data={"working_days": working_days, "resolve_due": clock.due_at.isoformat()},
    )
    notices.tell_family(
        case=case,
        event=event,
        template="case_extended",
        context={"resolve_due": describe_moment(clock.due_at), "reason": reason},
    )
    return case


@transaction.atomic
def case_chase(*, actor, case: Case, note: str = "") -> Case:
    """A family chases a case whose promised date has passed. It goes straight to the team manager, or the
    next manager up the ladder, or with every post empty to the named officer (`escalations.selectors.chase_recipient`)."""
    case = lock_case(case)
    require_may_see(actor, case)
    if officer_of(actor) is not None or actor.is_superuser:
        raise NotAllowed("Only the family can chase a case.")
    if not case.is_open:
        raise Conflict("Only an open case can be chased.")
    now = timezone.now()
    sla.chase_start(case=case, at=now)
    save_case(case, actor=actor, reason="Chased by the family")
    event = record_event(case, Kind.CHASED, actor, note or "Chased because a promised date has passed.")
    recipient, role = chase_recipient(case)
    news = notices.CaseNews(
        case=case,
        event=event,
        template="manager_chased",
        context={"note": note, "officer_name": case.accountable_officer.display_name},
    )
    if role == Alert.Role.OFFICER:
        # No manager to tell: the named officer hears it, and whoever covers them if they are away.
        notices.tell(notices.named_officer_tellings(recipient, news))
    else:
        notices.tell([notices.officer_telling(recipient, news)])
    return case
