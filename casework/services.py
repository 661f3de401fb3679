"""Every change to a case, one function a use case (STYLE.md 2).

Each service is atomic, takes keyword-only arguments with an explicit `actor`,
locks the case it changes, checks the move against `CASE_MOVES`, records
history with the acting user, writes the timeline event in the same
transaction and queues the notifications through the outbox. Views, the API,
admin actions, commands and tasks all call these; nothing else writes cases.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from config.errors import Conflict, NotAllowed
from escalations import services as sla
from escalations.models import Alert, ClockKind
from escalations.working_days import add_working_days, describe_moment

from . import notices
from .models import (
    CASE_MOVES,
    Case,
    CaseAccess,
    CaseEvent,
    CaseMessage,
    CaseReferenceCounter,
    Category,
    Officer,
    Organisation,
    ProvisionItem,
    RoutingRule,
    save_many_with_history,
)
from .permissions import is_staff_member, name_shown_to_family, officer_of, organisations_of, teams_overseen_by
from .routing import Fallback, routing_owner_for
from .selectors import cases_visible_to, child_loggable_by

Status = Case.Status
Kind = CaseEvent.Kind
logger = logging.getLogger(__name__)
# "Four weeks after a case is resolved, the family is asked whether the problem is still fixed."
FOLLOW_UP_AFTER = timedelta(weeks=4)


# --- logging a concern -------------------------------------------------------


@transaction.atomic
def case_log(
    *,
    actor,
    child_id: int,
    category_slug: str,
    summary: str,
    description: str,
    provision_item_id: int | None = None,
    safeguarding: bool = False,
    contact_method: str | None = None,
) -> Case:
    """Log a concern and give it a named officer in the same transaction.

    A parent may log for their own child; an officer for any child of their
    council, on the family's behalf (recorded as such). The family and the
    named officer are told through the outbox. When routing had to go above
    the team's own people, the officer is also told why (`cases_fallback_explain`).
    Refused whole (Conflict) only when routing finds nobody at all.
    """
    child = child_loggable_by(actor, child_id)
    if child is None:
        raise ValidationError({"child": ["Choose one of your children."]})
    category = Category.objects.filter(pk=category_slug, active=True).first()
    if category is None:
        raise ValidationError({"category": ["Choose what the problem is about."]})
    provision_item = _provision_item_of_child(child, provision_item_id)
    on_behalf = officer_of(actor) is not None
    return _case_open(
        actor=actor,
        child=child,
        category=category,
        summary=summary,
        description=description,
        provision_item=provision_item,
        safeguarding=safeguarding,
        contact_method=contact_method or (Case.ContactMethod.PHONE if on_behalf else Case.ContactMethod.ONLINE),
        how_logged=f" by {officer_of(actor).display_name} on the family's behalf" if on_behalf else "",
    )


@transaction.atomic
def case_raise(*, child, category_slug: str, summary: str, description: str, provision_item=None) -> Case:
    """A concern the service raises by itself, for example when provision falls short of the plan.

    Nobody logged it, so it has no `logged_by`; otherwise it is a concern like any other: routed
    (to the body answerable for the provision item, if it has one), owned, timed and told to the
    family and the named officer in the same transaction.
    """
    return _case_open(
        actor=None,
        child=child,
        category=Category.objects.get(pk=category_slug),
        summary=summary,
        description=description,
        provision_item=provision_item,
        safeguarding=False,
        contact_method=Case.ContactMethod.ONLINE,
        how_logged=" by SEND Casework itself",
    )


def _case_open(
    *, actor, child, category, summary, description, provision_item, safeguarding, contact_method, how_logged
) -> Case:
    on_behalf = actor is not None and officer_of(actor) is not None
    organisation_id = case_owning_organisation_id(child, provision_item)
    route = routing_owner_for(
        child=child, category=category, safeguarding=safeguarding, organisation_id=organisation_id
    )
    officer, team = route.officer, route.team
    now = timezone.now()
    plan = sla.clock_plan(category_id=category.pk, safeguarding=safeguarding, start=now)
    family = notices.family_of(child)
    # Everything that can be read is read above: from here to commit every concern logged this
    # year waits on the reference counter, so the work below is only writes.
    case = Case(
        reference=_next_reference(now.year),
        organisation_id=organisation_id,
        child=child,
        category=category,
        provision_item=provision_item,
        summary=summary,
        description=description,
        safeguarding=safeguarding,
        accountable_officer=officer,
        team=team,
        logged_by=actor,
        logged_on_behalf=on_behalf,
        contact_method=contact_method,
        created_at=now,
        priority=plan.priority,
        next_due_at=plan.next_due_at,
    )
    _save(case, actor=actor, reason="Concern logged")
    event = CaseEvent.objects.record(
        case=case,
        kind=Kind.LOGGED,
        actor=actor,
        at=now,
        text=f"Concern logged{how_logged}. {officer.display_name} is the named officer.",
        data={"officer_id": officer.pk, "team_id": team.pk},
    )
    sla.clocks_start(case=case, plan=plan)
    if case.escalation_level:
        _save(case, actor=actor, reason="Safeguarding: the team manager was alerted at once")
    news_for_family = notices.CaseNews(
        case=case,
        event=event,
        template="case_logged",
        context={
            "child_name": child.display_name,
            "summary": case.summary,
            "officer_name": officer.display_name,
            "acknowledge_due": describe_moment(plan.due[ClockKind.ACKNOWLEDGE]),
            "respond_due": describe_moment(plan.due[ClockKind.RESPOND]),
            "resolve_due": describe_moment(plan.due[ClockKind.RESOLVE]),
        },
    )
    news_for_officer = notices.CaseNews(
        case=case,
        event=event,
        template="officer_case_assigned",
        context={
            "child_name": child.display_name,
            "category": category.name,
            "summary": case.summary,
            "acknowledge_due": describe_moment(plan.due[ClockKind.ACKNOWLEDGE]),
            "safeguarding": "yes" if safeguarding else "",
        },
    )
    notices.tell(
        notices.family_tellings([news_for_family], members=family)
        + notices.named_officer_tellings(officer, news_for_officer)
    )
    if route.fallback is not None:
        cases_fallback_explain(placed=[(case, route.fallback)])
    return case


def cases_fallback_explain(*, placed: list[tuple[Case, Fallback]], tell_each_owner: bool = True) -> None:
    """Cases went to someone above the people who normally take them: say why, to them and to administrators.

    Each case's staff timeline says why in an internal note, which the family
    never sees; a warning in the log names the case and the council for
    whoever looks after routing; and each owner (`case.accountable_officer`,
    with its user loaded) is told why the case is theirs and what to do,
    unless `tell_each_owner` is off: offboarding tells each new owner once.
    Written in the caller's transaction, in a fixed number of queries.
    """
    if not placed:
        return
    notes = CaseEvent.objects.record_many(
        [
            CaseEvent.objects.line(
                case=case,
                kind=Kind.NOTE,
                internal=True,
                text=f"This case came to {case.accountable_officer.display_name} as {fallback.role} because "
                f"{fallback.reason}. They should take it on or give it to an officer who can. To stop this "
                f"happening again, an administrator needs to {fallback.fix}.",
            )
            for case, fallback in placed
        ]
    )
    councils = dict(
        Organisation.objects.filter(pk__in={case.organisation_id for case, _ in placed}).values_list("pk", "name")
    )
    for case, fallback in placed:
        logger.warning(
            "Case %s of %s went to %s, the %s, because %s. An administrator needs to %s.",
            case.reference,
            councils[case.organisation_id],
            case.accountable_officer.display_name,
            fallback.role,
            fallback.reason,
            fallback.fix,
        )
    if tell_each_owner:
        notices.tell(
            [
                notices.officer_telling(
                    case.accountable_officer,
                    notices.CaseNews(
                        case=case,
                        event=note,
                        template="manager_case_fallback",
                        context={"role": fallback.role, "reason": fallback.reason, "fix": fallback.fix},
                    ),
                )
                for (case, fallback), note in zip(placed, notes, strict=True)
            ]
        )


def case_owning_organisation_id(child, provision_item: ProvisionItem | None) -> int:
    """The body a concern belongs to: the one answerable for its provision item (the ICB for most health
    provision, CFA 2014 s42(3)), else the child's council. A body not yet set up with routing rules of its
    own leaves the concern with the council, so a family is never turned away for it."""
    body_id = provision_item.responsible_body_id if provision_item is not None else None
    if body_id and body_id != child.family.organisation_id and RoutingRule.objects.filter(
        organisation_id=body_id
    ).exists():
        return body_id
    return child.family.organisation_id


def _provision_item_of_child(child, provision_item_id) -> ProvisionItem | None:
    if provision_item_id is None:
        return None
    item = ProvisionItem.objects.filter(pk=provision_item_id, ehcp__child=child).first()
    if item is None:
        raise ValidationError({"provision_item": ["Choose a part of this child's EHCP."]})
    return item


def _next_reference(year: int) -> str:
    # One counter row per year, locked from here until commit, keeps references unique and gapless
    # (a rolled-back case rolls its number back too). Logging locks a team's officers first and the
    # counter last, and offboarding never takes the counter, so the two cannot deadlock. One
    # statement makes the year's row if it is the first case of the year, and takes the next number.
    table = connection.ops.quote_name(CaseReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "
            f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
            [year],
        )
        (number,) = cursor.fetchone()
    return f"{settings.CASE_REFERENCE_PREFIX}-{year}-{number:06d}"


# --- moving a case through its lifecycle --------------------------------------


@transaction.atomic
def case_acknowledge(*, actor, case: Case, note: str = "") -> Case:
    """Tell the family a named person has their concern."""
    case = _move(case, actor=actor, action="acknowledge")
    case.acknowledged_at = timezone.now()
    sla.clocks_stop(case=case, kinds=[ClockKind.ACKNOWLEDGE], at=case.acknowledged_at)
    _save(case, actor=actor, reason="Acknowledged")
    event = _record(case, Kind.ACKNOWLEDGED, actor, note or f"{case.accountable_officer.display_name} has your concern.")
    notices.tell_family(
        case=case,
        event=event,
        template="case_acknowledged",
        context={
            "child_name": case.child.display_name,
            "officer_name": case.accountable_officer.display_name,
            "respond_due": describe_moment(_due(case, ClockKind.RESPOND)),
        },
    )
    return case


@transaction.atomic
def case_start(*, actor, case: Case, note: str = "") -> Case:
    case = _move(case, actor=actor, action="start")
    sla.clocks_stop(case=case, kinds=[ClockKind.ACKNOWLEDGE, ClockKind.RESPOND], at=timezone.now())
    _save(case, actor=actor, reason="Work started")
    _record(case, Kind.STARTED, actor, note or "Work on this concern has started.")
    return case


@transaction.atomic
def case_await_parent(*, actor, case: Case, note: str = "") -> Case:
    """Wait for something from the family. The note says what, and the family is asked for it."""
    case = _move(case, actor=actor, action="await_parent")
    sla.clocks_pause(case=case, actor=actor, reason=note, at=timezone.now())
    _save(case, actor=actor, reason="Waiting for the family")
    event = _record(case, Kind.AWAITING_PARENT, actor, note or "We need something from you before we can carry on.")
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
    case = _move(case, actor=actor, action="resume")
    _resume(case, actor=actor, text=note or "Work on this concern has started again.")
    return case


@transaction.atomic
def case_resume_after_pause_limit(*, case: Case) -> Case:
    """A case cannot wait on the family forever: after the limit it resumes by itself, with a note."""
    case = _lock(case)
    if case.status != Status.AWAITING_PARENT:
        return case
    case.status = CASE_MOVES["resume"][1]
    _resume(
        case,
        actor=None,
        text=(
            f"We have waited {sla.PAUSE_LIMIT_WORKING_DAYS} working days for a reply, "
            "so the clock is running again. Your named officer will be in touch."
        ),
    )
    return case


def _end_wait_on_family(case: Case, *, actor, at) -> None:
    # A case that ends while it waits on the family ends the wait too, as a resume would: left open, the
    # pause would later "end by itself" on the case, even after a reopen and a new wait.
    sla.clocks_resume(case=case, actor=actor, at=at)


def _resume(case: Case, *, actor, text: str) -> None:
    sla.clocks_resume(case=case, actor=actor, at=timezone.now())
    _save(case, actor=actor, reason="Resumed")
    _record(case, Kind.RESUMED, actor, text)


@transaction.atomic
def case_resolve(*, actor, case: Case, outcome: str) -> Case:
    """Record what was done. The family may reopen it for a set number of working days."""
    _require_text(outcome, "outcome", "Say what was done to put things right.")
    case = _move(case, actor=actor, action="resolve")
    case.outcome = outcome
    case.resolved_at = timezone.now()
    case.follow_up_due_at = case.resolved_at + FOLLOW_UP_AFTER
    case.follow_up_sent_at = None
    _end_wait_on_family(case, actor=actor, at=case.resolved_at)
    sla.clocks_stop(case=case, kinds=ClockKind.values, at=case.resolved_at)
    _save(case, actor=actor, reason="Resolved")
    event = _record(case, Kind.RESOLVED, actor, outcome)
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
    """Close for good, with the outcome on record. Closing is a state: nothing is deleted."""
    _require_text(outcome, "outcome", "Say why the case is being closed.")
    case = _move(case, actor=actor, action="close")
    case.outcome = outcome
    case.closed_at = timezone.now()
    _end_wait_on_family(case, actor=actor, at=case.closed_at)
    sla.clocks_stop(case=case, kinds=ClockKind.values, at=case.closed_at)
    _save(case, actor=actor, reason="Closed")
    _record(case, Kind.CLOSED, actor, outcome)
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """The family (or staff) say the problem is not fixed. Goes back to the named officer."""
    _require_text(reason, "reason", "Say why the problem is not fixed.")
    case = _lock(case)
    _require_may_see(actor, case)
    _require_move_fits(case, "reopen", actor=actor)
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
    _save(case, actor=actor, reason="Reopened")
    event = _record(case, Kind.REOPENED, actor, reason)
    notices.tell_named_officer(
        case=case,
        event=event,
        template="officer_family_replied",
        context={"text": f"Reopened: {reason}"},
    )
    return event


# --- was it fixed? ------------------------------------------------------------------


@transaction.atomic
def case_follow_up_send(*, case: Case) -> Case:
    """Four weeks after resolution, ask the family whether the problem is still fixed. Sent once."""
    case = _lock(case)
    if case.status != Status.RESOLVED or case.follow_up_sent_at is not None:
        return case
    case.follow_up_sent_at = timezone.now()
    _save(case, actor=None, reason="Asked the family whether the problem is still fixed")
    event = _record(case, Kind.FOLLOW_UP, None, "We asked whether the problem is still fixed.")
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
    case = _lock(case)
    _require_may_see(actor, case)
    if officer_of(actor) is not None or actor.is_superuser:
        raise NotAllowed("Only the family can say whether the problem is still fixed.")
    if not case.awaits_was_it_fixed:
        raise Conflict("This case is not waiting for your answer.")
    if fixed:
        case.status = CASE_MOVES["close"][1]
        case.closed_at = timezone.now()
        case.follow_up_due_at = None
        _save(case, actor=actor, reason="The family confirmed the problem is fixed")
        _record(case, Kind.CONFIRMED, actor, text or "The family told us the problem is still fixed. Case closed.")
        return case
    _require_text(text, "text", "Tell us what is wrong now.")
    _reopen(case, actor=actor, reason=f"The family told us the problem is not fixed: {text}")
    return case


def reopen_deadline(case: Case):
    """The last moment the family may reopen a resolved case."""
    if case.resolved_at is None:
        return None
    return add_working_days(case.resolved_at, settings.REOPEN_WINDOW_WORKING_DAYS)


# --- messages -----------------------------------------------------------------


@transaction.atomic
def case_message_add(*, actor, case: Case, text: str, internal: bool = False) -> CaseMessage:
    """A message on the case. Internal notes are for staff only and never reach the family.

    A family's reply to a case waiting on them starts the work again.
    """
    _require_text(text, "text", "Enter a message.")
    case = _lock(case)
    _require_may_see(actor, case)
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
        _save(case, actor=actor, reason="Replied to the family")
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
            _resume(case, actor=actor, text="The family replied, so work has started again.")
    return message


# --- timescales -------------------------------------------------------------------


@transaction.atomic
def case_extend(*, actor, case: Case, working_days: int, reason: str) -> Case:
    """Move the resolve date later, with a reason the family sees. Once by the officer; again only by a manager."""
    _require_text(reason, "reason", "Say why more time is needed. The family will see this.")
    case = _lock(case)
    _require_may_move(actor, case)
    if not case.is_open:
        raise Conflict("Only an open case can have its timescale extended.")
    clock = sla.clock_extend(case=case, working_days=working_days, by_manager=is_manager_over(actor, case))
    _save(case, actor=actor, reason="Resolve date extended")
    event = _record(
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
    next manager up the ladder, or with every post empty to the named officer (`sla.chase_recipient`)."""
    case = _lock(case)
    _require_may_see(actor, case)
    if officer_of(actor) is not None or actor.is_superuser:
        raise NotAllowed("Only the family can chase a case.")
    if not case.is_open:
        raise Conflict("Only an open case can be chased.")
    now = timezone.now()
    sla.chase_start(case=case, at=now)
    _save(case, actor=actor, reason="Chased by the family")
    event = _record(case, Kind.CHASED, actor, note or "The family chased this case because a promised date has passed.")
    recipient, role = sla.chase_recipient(case)
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


# --- changing who owns a case ---------------------------------------------------


@transaction.atomic
def case_reassign(*, actor, case: Case, officer: Officer | int, note: str) -> Case:
    """Give the case a new named officer. The family is told the new name; the note goes with the case.

    Allowed to a manager over the case's team, or to the named officer handing it on.
    """
    new_owner = lock_active_officer(officer)
    case = _lock(case)
    _require_may_move(actor, case)
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
) -> list[CaseEvent]:
    """Move locked cases to new owners: history, timeline, a staff note, and the family of each told.

    The building block of reassignment, handover and offboarding, in a fixed
    number of queries however many cases move (if their children and owners
    were read with them: each one missing is a query).
    Callers hold the transaction and the locks. Each new owner hears of each
    case unless `tell_each_new_owner` is off: offboarding tells them once.
    A case moves into its new owner's team, unless `keep_teams` is on: when
    routing climbed the ladder, the owner holds it for the team it belongs to.
    Returns each case's handover event, in the order of `moves`.
    """
    if not moves:
        return []
    now = timezone.now()
    author = _display_name(actor)
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
        news.append((case, event, {"officer_name": to.display_name, "previous_officer_name": previous.display_name}))
    # One history row a case, with the user and reason set above.
    save_many_with_history([case for case, _to in moves], ["accountable_officer", "owner_count", "team"], at=now)
    CaseEvent.objects.record_many(lines)
    tellings = notices.family_tellings(
        [
            notices.CaseNews(case=case, event=event, template="case_new_officer", context={**names, "note": ""})
            for case, event, names in news
        ]
    )
    if tell_each_new_owner:
        tellings += [
            notices.officer_telling(
                case.accountable_officer,
                notices.CaseNews(
                    case=case,
                    event=event,
                    template="officer_case_handed_over",
                    context={"previous_officer_name": names["previous_officer_name"], "note": note},
                ),
            )
            for case, event, names in news
        ]
    notices.tell(tellings)
    return handovers


# --- looking at a case ------------------------------------------------------------


def case_record_access(*, actor, case: Case, via: str) -> None:
    """Staff opened this record: log who and when. Families looking at their own case are not logged."""
    if officer_of(actor) is not None or actor.is_superuser:
        CaseAccess.objects.create(case=case, user=actor, via=via)


# --- the pieces every service shares ------------------------------------------------


def _lock(case: Case) -> Case:
    """Re-read the case under a row lock, so two moves on one case happen one after the other."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("child", "category", "team", "accountable_officer__user", "accountable_officer__team")
        .get(pk=case.pk)
    )


def _move(case: Case, *, actor, action: str) -> Case:
    case = _lock(case)
    _require_may_move(actor, case)
    _require_move_fits(case, action, actor=actor)
    case.status = CASE_MOVES[action][1]
    return case


def _require_move_fits(case: Case, action: str, *, actor) -> None:
    sources, _target = CASE_MOVES[action]
    if case.status not in sources:
        raise Conflict(
            f"This case is {_status_in_words(case, actor)}, so it cannot be {_PAST[action]} now.",
            data={"status": case.status},
        )


def _status_in_words(case: Case, actor) -> str:
    # The status labels are the family's: "waiting for you" would tell staff the case waits on them.
    if case.status == Status.AWAITING_PARENT and is_staff_member(actor):
        return "waiting for the family"
    return case.get_status_display().lower()


_PAST = {
    "acknowledge": "acknowledged",
    "start": "started",
    "await_parent": "put on hold for the family",
    "resume": "resumed",
    "resolve": "resolved",
    "close": "closed",
    "reopen": "reopened",
}


def may_move(actor, case: Case) -> bool:
    """Only the named officer, or a manager over the case's team, moves a case."""
    if actor.is_superuser:
        return True
    officer = officer_of(actor)
    if officer is None or not officer.active:
        return False
    return officer.pk == case.accountable_officer_id or is_manager_over(actor, case)


def may_extend(actor, case: Case) -> bool:
    """Whether `case_extend` would extend the case's resolve date for `actor` now: pages offer it only then."""
    return (
        may_move(actor, case)
        and case.is_open
        and sla.clock_extendable(case=case, by_manager=is_manager_over(actor, case))
    )


def is_manager_over(actor, case: Case) -> bool:
    """A manager over the case's team (or an administrator)."""
    if actor.is_superuser:
        return True
    officer = officer_of(actor)
    return bool(
        officer and officer.is_manager and teams_overseen_by(officer).filter(pk=case.team_id).exists()
    )


def _require_may_move(actor, case: Case) -> None:
    if not may_move(actor, case):
        raise NotAllowed("Only the named officer or a manager can do this.")


def _require_may_see(actor, case: Case) -> None:
    if not cases_visible_to(actor).filter(pk=case.pk).exists():
        raise NotAllowed("You cannot act on this case.")


def _require_text(value: str, field: str, message: str) -> None:
    if not value or not value.strip():
        raise ValidationError({field: [message]})


def _save(case: Case, *, actor, reason: str) -> None:
    # django-simple-history reads these, so the history row names who did it even from Celery or the shell.
    case._history_user = actor
    case._change_reason = reason
    case.save()


def _due(case: Case, kind: str):
    clock = case.clocks.filter(kind=kind).order_by("-started_at").first()
    return clock.due_at if clock else None


def _record(case, kind, actor, text, *, internal=False, data=None) -> CaseEvent:
    return CaseEvent.objects.record(case=case, kind=kind, actor=actor, text=text, internal=internal, data=data)


def _display_name(user) -> str:
    if user is None:
        return "SEND Casework"
    officer = officer_of(user)
    return officer.display_name if officer else (user.get_full_name() or user.username)
