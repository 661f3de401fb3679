"""Services for when staff change (DESIGN.md invariant 1 and "Staff change").

No case is ever left without an active named officer: an officer leaves only
by handing every case over, in one transaction; cover keeps the owner
accountable while someone else does the work; and a periodic check repairs
any case whose owner became inactive by another route.
"""

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.exceptions import Conflict, NotAllowed
from core.time import describe_moment

from . import notices
from .models import Case, CaseEvent, Cover, Officer, Organisation, Team
from .permissions import (
    is_manager_over,
    organisations_of,
    require_manager_over,
    require_may_arrange_cover,
    require_may_offboard,
)
from .routing import Placement, handover_placements, officer_choose_in_team
from .selectors import cases_visible_to
from .services import case_transfer, cases_fallback_explain, cases_transfer, lock_active_officer, new_officer_news

Kind = CaseEvent.Kind
logger = logging.getLogger(__name__)


@dataclass
class OffboardResult:
    reassigned: int
    already_left: bool = False
    # Who got the cases, and how many each: (display name, count), in the order they were handed over.
    handed_to: list[tuple[str, int]] = field(default_factory=list)

    @property
    def detail(self) -> str:
        """'3 cases handed over to Jo Bloggs.', or with several new owners '3 cases handed over: 2 to Jo
        Bloggs and 1 to Sam Smith.', so whoever offboarded knows where the work went."""
        if self.already_left:
            return "This officer has already left. Nothing was changed."
        cases = f"{self.reassigned} case{'s' if self.reassigned != 1 else ''} handed over"
        if not self.handed_to:
            return f"{cases}."
        if len(self.handed_to) == 1:
            return f"{cases} to {self.handed_to[0][0]}."
        parts = [f"{count} to {name}" for name, count in self.handed_to]
        return f"{cases}: {', '.join(parts[:-1])} and {parts[-1]}."


# Other apps whose records follow an officer as cases do (a statutory process's EHC coordinator) register
# here from their AppConfig.ready(), so casework never imports them (the layers run one way). Offboarding
# calls each `f(actor=, leaver=, successor=, note=)` in its own transaction, after the cases moved and before
# the leaver is deactivated; a Conflict from one undoes the whole offboarding. The safety net's task calls
# each `f()` and counts what it repaired.
OFFBOARDING_FOLLOWERS: list = []
SAFETY_NET_FOLLOWERS: list = []


def staff_change_follow(*, offboarding=None, safety_net=None) -> None:
    """Register what must move with an officer's cases when they leave, and the safety net for it."""
    if offboarding is not None and offboarding not in OFFBOARDING_FOLLOWERS:
        OFFBOARDING_FOLLOWERS.append(offboarding)
    if safety_net is not None and safety_net not in SAFETY_NET_FOLLOWERS:
        SAFETY_NET_FOLLOWERS.append(safety_net)


# Cases handed over per round: a fixed number of queries each, so the cost of
# a caseload is a few queries a round plus what each case's rows weigh, and
# a round's rows stay small enough for one INSERT of each kind.
HANDOVER_CHUNK = 250


@transaction.atomic
def officer_offboard(
    *, actor, officer: Officer, successor: Officer | int | None = None, note: str
) -> OffboardResult:
    """Hand every case of a leaving officer over, then deactivate them, all or nothing.

    With a successor, every case goes to them; without, each goes back through
    routing (never to the leaver). Each case gets a handover event carrying
    the note; each parent and carer is told once, naming each of their cases' new officer; each new officer
    is told once how many cases are now theirs, and how many came to them
    because nobody in the case's team could take it (those stay in their
    team). If any case cannot be placed, nothing changes and the Conflict
    lists which and why.
    """
    require_may_offboard(actor, officer)
    leaver = _lock_officers_of_council(officer, successor)
    if not leaver.active:
        return OffboardResult(reassigned=0, already_left=True)
    if not note or not note.strip():
        raise ValidationError({"note": ["Write a handover note for whoever takes the cases on."]})
    new_owner = _successor(successor, leaver) if successor is not None else None
    received: dict[int, tuple[Officer, list[CaseEvent]]] = {}
    up_the_ladder: Counter[int] = Counter()
    unplaced, family_news = [], []
    for cases in _owned_cases_in_chunks(leaver):
        placements = _placements(cases, leaver=leaver, new_owner=new_owner)
        unplaced += [{"case": p.case.reference, "reason": p.why} for p in placements if p.officer is None]
        moves = [(p.case, p.officer) for p in placements if p.officer is not None and p.fallback is None]
        events = cases_transfer(
            moves=moves, actor=actor, note=note, kind=Kind.HANDOVER, tell_each_new_owner=False, tell_families=False
        )
        climbed = [p for p in placements if p.fallback is not None]
        if climbed:
            moves += [(p.case, p.officer) for p in climbed]
            events += _hand_up_the_ladder(climbed, actor=actor, note=note)
            up_the_ladder.update(p.officer.pk for p in climbed)
        for (case, to), event in zip(moves, events, strict=True):
            received.setdefault(to.pk, (to, []))[1].append(event)
            family_news.append(new_officer_news(case, event, previous=leaver))
    if unplaced:
        raise Conflict(
            f"{len(unplaced)} case{'s' if len(unplaced) != 1 else ''} could not be handed over, so nothing was changed.",
            data={"cases": unplaced},
        )
    notices.tell(
        notices.family_new_officer_tellings(family_news)
        + [
            notices.officer_handover_summary(
                officer=to,
                case_count=len(events),
                previous=leaver,
                note=note,
                first=events[0],
                up_the_ladder=up_the_ladder[to.pk],
            )
            for to, events in received.values()
        ]
    )
    for follow in OFFBOARDING_FOLLOWERS:
        follow(actor=actor, leaver=leaver, successor=new_owner, note=note)
    _deactivate(leaver, actor=actor)
    return OffboardResult(
        reassigned=sum(len(events) for _to, events in received.values()),
        handed_to=[(to.display_name, len(events)) for to, events in received.values()],
    )


def _owned_cases_in_chunks(leaver: Officer):
    """The leaver's owned cases, locked a chunk at a time in id order (the order every case lock is taken in).

    Each chunk is read after the one before it was handed over, so routing
    sees where those cases went.
    """
    after = 0
    while True:
        chunk = list(
            Case.objects.select_for_update(of=("self",))
            .filter(accountable_officer=leaver, status__in=Case.OWNED_STATES, pk__gt=after)
            .select_related("child", "team", "accountable_officer__user")
            .order_by("pk")[:HANDOVER_CHUNK]
        )
        if chunk:
            yield chunk
        if len(chunk) < HANDOVER_CHUNK:
            return
        after = chunk[-1].pk


def _placements(cases: list[Case], *, leaver: Officer, new_owner: Officer | None) -> list[Placement]:
    if new_owner is not None:
        return [Placement(case, new_owner, "") for case in cases]
    # Read under locks, as routing reads them; the council's officers are held already (`_lock_officers_of_council`).
    return handover_placements(cases=cases, leaver=leaver, officers=Officer.objects.select_for_update(of=("self",)))


def _hand_up_the_ladder(climbed: list[Placement], *, actor, note: str) -> list[CaseEvent]:
    """Cases nobody in their team can take go to someone above it, stay in their team, and say why."""
    events = cases_transfer(
        moves=[(p.case, p.officer) for p in climbed],
        actor=actor,
        note=note,
        kind=Kind.HANDOVER,
        tell_each_new_owner=False,
        keep_teams=True,
        tell_families=False,
    )
    cases_fallback_explain(placed=[(p.case, p.fallback) for p in climbed], tell_each_owner=False)
    return events


def _lock_officers_of_council(leaver: Officer, successor: Officer | int | None) -> Officer:
    """Lock every officer routing might touch, and the successor, before anything else; return the leaver."""
    also = (leaver.pk, getattr(successor, "pk", successor))
    officers = _lock_officers_of_councils(organisations_of(leaver), also=also)
    return next(officer for officer in officers if officer.pk == leaver.pk)


def _lock_officers_of_councils(councils: set[int], also: tuple[int | None, ...] = ()) -> list[Officer]:
    """Lock every officer of these councils, and those in `also`, in id order, before any case.

    Whoever moves cases takes officers before cases, each in id order
    (`services.lock_active_officer`; logging a concern locks a team's
    officers), so taking them all up front means none of them can deadlock
    with another. The heads of service and directors are taken too, though
    they may have no team: routing climbs to them when nobody in a team can
    take a case.
    """
    above_teams = Q(pk__in=Team.objects.filter(organisation_id__in=councils).values("head_of_service_id")) | Q(
        pk__in=Organisation.objects.filter(pk__in=councils).values("director_id")
    )
    return list(
        Officer.objects.select_for_update(of=("self",))
        .filter(Q(pk__in=[pk for pk in also if pk is not None]) | Q(team__organisation_id__in=councils) | above_teams)
        .select_related("user", "team")
        .order_by("pk")
    )


def _successor(successor: Officer | int, leaver: Officer) -> Officer:
    chosen = lock_active_officer(successor)
    if chosen is None or chosen.pk == leaver.pk or not _same_council(chosen, leaver):
        raise ValidationError({"successor": ["Choose an active officer of the same council, other than the leaver."]})
    return chosen


def _same_council(officer: Officer, other: Officer) -> bool:
    """Whether two officers work for a council in common: staff may take on or cover only their own council's cases."""
    return bool(organisations_of(officer) & organisations_of(other))


def _deactivate(officer: Officer, *, actor) -> None:
    officer.active = False
    officer._history_user = actor
    officer._change_reason = "Offboarded: every case handed over"
    officer.save()
    # Someone who has left must not be able to sign in to special category data.
    officer.user.is_active = False
    officer.user.save(update_fields=["is_active"])


@transaction.atomic
def cases_reassign(*, actor, case_ids: list[int], officer: Officer | int, note: str) -> int:
    """A manager moves a chosen set of cases to one officer, telling each family. All or nothing."""
    new_owner = lock_active_officer(officer)
    if new_owner is None:
        raise ValidationError({"officer": ["Choose an active officer."]})
    if not note or not note.strip():
        raise ValidationError({"note": ["Write a note for the new officer."]})
    cases = list(
        cases_visible_to(actor)
        .select_for_update(of=("self",))
        .filter(pk__in=case_ids, status__in=Case.OWNED_STATES)
        .select_related("child", "accountable_officer__user")
        .order_by("pk")
    )
    if len(cases) != len(set(case_ids)):
        raise ValidationError({"cases": ["Some of these cases do not exist, are closed or are not yours to move."]})
    councils = organisations_of(new_owner)
    for case in cases:
        if not is_manager_over(actor, case):
            raise NotAllowed("Only a manager over these cases' teams can move them.")
        if case.organisation_id not in councils:
            raise ValidationError({"officer": ["Choose an officer who works for this council."]})
    moving = [case for case in cases if case.accountable_officer_id != new_owner.pk]
    cases_transfer(moves=[(case, new_owner) for case in moving], actor=actor, note=note, kind=Kind.REASSIGNED)
    return len(moving)


@transaction.atomic
def cover_set(*, actor, officer: Officer, cover_officer: Officer, starts_at: datetime, ends_at: datetime) -> Cover:
    """A manager arranges cover. The cover officer gets the reminders and sees the cases; the owner stays accountable.

    One cover at a time: cover that overlaps cover already arranged for the officer is refused, so
    it is never in doubt who is covering and each family is told once. Refused too for an officer
    who has left, and by anyone but another active officer of the same council.
    """
    require_may_arrange_cover(actor, officer)
    officer, cover_officer = _lock_for_cover(officer, cover_officer)
    if not officer.active:
        raise ValidationError(
            {"officer": [f"{officer.display_name} has left and their cases have been handed over, so they need no cover."]}
        )
    if cover_officer.pk == officer.pk or not cover_officer.active:
        raise ValidationError({"cover_officer": ["Choose another active officer to cover."]})
    if not _same_council(cover_officer, officer):
        # The covering officer sees the cases they cover: another council's would be a data breach.
        raise ValidationError({"cover_officer": ["Choose an active officer of the same council to cover."]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": ["Cover must end after it starts."]})
    if ends_at <= timezone.now():
        raise ValidationError({"ends_at": ["Cover must end in the future."]})
    arranged = _cover_overlapping(officer, starts_at=starts_at, ends_at=ends_at)
    if arranged is not None:
        raise _overlap_refusal(arranged, starts_at=starts_at)
    cover = Cover(officer=officer, cover_officer=cover_officer, starts_at=starts_at, ends_at=ends_at, set_by=actor)
    cover._history_user = actor
    cover.save()
    cases = _tell_families_about_cover(cover, kind=Kind.COVERED, actor=actor, text=_cover_arranged_text(cover))
    notices.tell(notices.cover_arranged_tellings(cover=cover, cases=cases, now=timezone.now()))
    return cover


def _cover_arranged_text(cover: Cover) -> str:
    """What each family is told; cover arranged ahead says when it starts, as families hear of it at once."""
    officer, cover_officer = cover.officer.display_name, cover.cover_officer.display_name
    until = describe_moment(cover.ends_at)
    if cover.starts_at > timezone.now():
        away = f"{officer} will be away from {describe_moment(cover.starts_at)} until {until}. {cover_officer} will be covering"
    else:
        away = f"{officer} is away until {until}. {cover_officer} is covering"
    return f"{away} and will pick up anything urgent. {officer} is still your named officer."


def _tell_families_about_cover(cover: Cover, *, kind: str, actor, text: str) -> list[Case]:
    """A line on the timeline of each open case of the covered officer, in one insert. Gives those cases."""
    cases = list(
        Case.objects.filter(accountable_officer=cover.officer, status__in=Case.OPEN_STATES)
        .select_related("child")
        .only("pk", "reference", "child__family_id")
    )
    CaseEvent.objects.record_many(
        [
            CaseEvent.objects.line(case=case, kind=kind, actor=actor, text=text, data={"cover_id": cover.pk})
            for case in cases
        ]
    )
    return cases


def covers_not_over(*, actor, officer: Officer):
    """The officer's cover running now or still to come, earliest first, for a manager over them.

    Shown only to whoever may arrange or end it: who covers whom says who is away.
    """
    require_manager_over(actor, officer, to="see cover for")
    return (
        Cover.objects.not_over()
        .filter(officer=officer)
        .select_related("officer__user", "officer__team", "cover_officer__user", "cover_officer__team")
        .order_by("starts_at", "pk")
    )


@transaction.atomic
def cover_end(*, actor, cover: Cover) -> Cover:
    """A manager ends cover now: the officer is back early, or someone else should cover.

    Cover still to come is cancelled: it ends where it starts, so it never runs. Either way the
    officer is free for new cover at once, and each family with an open case is told, as they were
    told when it was arranged. Cover already over is refused with a Conflict.
    """
    require_may_arrange_cover(actor, cover.officer)
    # The officers first, as `cover_set` takes them: cover being arranged for this officer waits for this.
    _lock_for_cover(cover.officer, cover.cover_officer)
    cover = Cover.objects.select_for_update(of=("self",)).select_related(
        "officer__user", "cover_officer__user"
    ).get(pk=cover.pk)
    now = timezone.now()
    if not Cover.objects.not_over(now).filter(pk=cover.pk).exists():
        raise Conflict("This cover is already over, so there is nothing to end.")
    running = cover.starts_at <= now
    cover.ends_at = now if running else cover.starts_at
    cover._history_user = actor
    cover._change_reason = "Ended early by a manager" if running else "Cancelled by a manager before it started"
    cover.save(update_fields=["ends_at"])
    _tell_families_about_cover(cover, kind=Kind.COVER_ENDED, actor=actor, text=_cover_ended_text(cover, running=running))
    return cover


def _cover_ended_text(cover: Cover, *, running: bool) -> str:
    officer, cover_officer = cover.officer.display_name, cover.cover_officer.display_name
    if running:
        return f"{officer} is back, so {cover_officer} is no longer covering. {officer} is still your named officer."
    return f"{cover_officer} will not be covering for {officer} after all. {officer} is still your named officer."


def _lock_for_cover(officer: Officer, cover_officer: Officer) -> tuple[Officer, Officer]:
    """Lock both officers' rows in id order, as routing and offboarding take them, and read them afresh.

    Held until commit: cover asked for the same officer at the same moment waits here, then sees
    this cover; and neither officer can be offboarded until it is written.
    """
    locked = {
        locked.pk: locked
        for locked in Officer.objects.select_for_update(of=("self",))
        .filter(pk__in=(officer.pk, cover_officer.pk))
        .select_related("user", "team")
        .order_by("pk")
    }
    return locked[officer.pk], locked[cover_officer.pk]


def _cover_overlapping(officer: Officer, *, starts_at: datetime, ends_at: datetime) -> Cover | None:
    """The officer's earliest cover, not yet over, that shares any moment with this period."""
    return (
        Cover.objects.not_over()
        .filter(officer=officer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .select_related("cover_officer__user", "officer__user")
        .order_by("starts_at")
        .first()
    )


def _overlap_refusal(arranged: Cover, *, starts_at: datetime) -> ValidationError:
    """Name the cover in the way, on the date that has to move: the start if it falls inside that cover, else the end."""
    already = (
        f"{arranged.cover_officer.display_name} is already covering {arranged.officer.display_name} "
        f"from {describe_moment(arranged.starts_at)} until {describe_moment(arranged.ends_at)}."
    )
    if arranged.starts_at <= starts_at:
        return ValidationError({"starts_at": [f"{already} New cover can start when that ends."]})
    return ValidationError({"ends_at": [f"{already} New cover must end by the time that starts."]})


@transaction.atomic
def cases_reroute_orphans(*, limit: int = 500) -> int:
    """The safety net: any case owned by an inactive officer, however that happened, is re-routed.

    Normally finds nothing. Each repaired case gets a handover event and the
    team manager is alerted. The officers who could take the cases are locked
    before the cases, as every move takes them; a case being moved meanwhile is
    left for the next run.
    """
    orphaned = Case.objects.filter(status__in=Case.OWNED_STATES, accountable_officer__active=False)
    councils = set(orphaned.order_by("pk").values_list("organisation_id", flat=True)[:limit])
    if not councils:
        return 0
    _lock_officers_of_councils(councils)
    cases = list(
        orphaned.filter(organisation_id__in=councils)
        .select_for_update(skip_locked=True, of=("self",))
        .select_related("child__family", "team__manager__user", "accountable_officer__user")
        .order_by("pk")[:limit]
    )
    repaired = 0
    for case in cases:
        leaver = case.accountable_officer
        route = officer_choose_in_team(team=case.team, child=case.child, exclude=(leaver.pk,))
        if route is None:
            # Left for the next run; the log says why so an administrator can fix the team.
            logger.error(
                "Case %s has an inactive owner and nobody to take it: nobody on the escalation ladder of %s is active.",
                case.reference,
                case.team.name,
            )
            continue
        target = route.officer
        repaired += 1
        event = case_transfer(
            case=case,
            to=target,
            actor=None,
            note=f"{leaver.display_name} is no longer active, so the case was re-routed automatically.",
            kind=Kind.HANDOVER,
            keep_team=route.fallback is not None,
        )
        if route.fallback is not None:
            cases_fallback_explain(placed=[(case, route.fallback)])
        manager = case.team.manager
        if manager is not None and manager.active and manager.pk != target.pk:
            notices.tell_officer(
                officer=manager,
                case=case,
                event=event,
                template="manager_orphan_rerouted",
                context={"officer_name": target.display_name, "previous_officer_name": leaver.display_name},
            )
    return repaired
