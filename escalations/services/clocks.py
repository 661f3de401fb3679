"""A case's clocks: the policy that sets them, starting, stopping, pausing, extending, reopening and chasing.

Casework services call these inside their own transaction, holding the case's
row lock, so every clock change happens under that lock. Functions that
change the case (`next_due_at`) change the instance they are given; the caller
saves it once, with its history.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Min, Q
from django.utils import timezone

from casework.models import Case
from core.exceptions import Conflict, NotAllowed
from core.read_mostly import read_mostly
from core.time import UK_TIME, describe_moment

from ..models import Alert, Clock, ClockKind, Pause, SlaPolicy, Unit
from ..selectors import chase_again_from, extension_needs_a_manager, resolve_clock_running
from ..timescales import (
    CHASE_REPLY_WORKING_DAYS,
    EXTENSION_LIMIT_WORKING_DAYS,
    PAUSE_LIMIT_WORKING_DAYS,
    PAUSED_KINDS,
)
from ..working_days import WorkingCalendar, start_of_working_day
from .ladder import AlertBatch, _escalate, _ladder_start_again

logger = logging.getLogger(__name__)


def sla_policy_for(*, category_id: str, safeguarding: bool) -> SlaPolicy:
    """Safeguarding overrides everything; then the category's own policy; then the default.

    The policies are read from the cache (core.read_mostly): every concern needs one, an administrator edits them.
    """
    policies = read_mostly("sla-policies", "all", lambda: list(SlaPolicy.objects.order_by("pk")))
    if safeguarding:
        policy = next((policy for policy in policies if policy.safeguarding), None)
        if policy:
            return policy
    for wanted in (category_id, None):
        policy = next((p for p in policies if p.category_id == wanted and not p.safeguarding), None)
        if policy:
            return policy
    raise SlaPolicy.DoesNotExist("There is no default SLA policy (one with no category).")


@dataclass
class ClockPlan:
    """The due moments a new case will have, worked out before the case is saved."""

    policy: SlaPolicy
    started_at: datetime
    due: dict = field(default_factory=dict)

    @property
    def priority(self) -> str:
        return self.policy.priority

    @property
    def next_due_at(self) -> datetime:
        return min(self.due.values())


def clock_plan(*, category_id: str, safeguarding: bool, start: datetime) -> ClockPlan:
    policy = sla_policy_for(category_id=category_id, safeguarding=safeguarding)
    calendar = WorkingCalendar()
    if policy.acknowledge_unit == Unit.WORKING_HOURS:
        acknowledge = calendar.add_working_hours(start, policy.acknowledge_within)
    else:
        acknowledge = calendar.add_working_days(start, policy.acknowledge_within)
    return ClockPlan(
        policy=policy,
        started_at=start,
        due={
            ClockKind.ACKNOWLEDGE: acknowledge,
            ClockKind.RESPOND: calendar.add_working_days(start, policy.respond_within),
            ClockKind.RESOLVE: calendar.add_working_days(start, policy.resolve_within),
        },
    )


def clocks_start(*, case: Case, plan: ClockPlan) -> list[Clock]:
    """Start the three clocks of a newly logged case. Safeguarding: the team manager is told at once."""
    calendar = WorkingCalendar()
    clocks = []
    for kind, due in plan.due.items():
        unit = plan.policy.acknowledge_unit if kind == ClockKind.ACKNOWLEDGE else Unit.WORKING_DAYS
        clocks.append(_new_clock(case=case, kind=kind, unit=unit, start=plan.started_at, due=due, calendar=calendar))
    Clock.objects.bulk_create(clocks)
    if case.safeguarding:
        alerts = AlertBatch(cases=[case], now=plan.started_at, calendar=calendar, new_cases=True)
        _escalate(case=case, clock=clocks[0], level=1, alerts=alerts, kind=Alert.Kind.SAFEGUARDING)
        alerts.write()
    return clocks


def _new_clock(*, case, kind, unit, start, due, calendar) -> Clock:
    clock = Clock(case=case, kind=kind, unit=unit, started_at=start, due_at=due, remind_at=_remind_at(unit, due, calendar))
    clock.next_check_at = _next_check(clock)
    return clock


def _remind_at(unit: str, due: datetime, calendar: WorkingCalendar) -> datetime:
    # DESIGN.md: 09:00 on the day a day-clock falls due; one working hour before an hour-clock.
    if unit == Unit.WORKING_HOURS:
        return calendar.subtract_working_hours(due, 1)
    return start_of_working_day(timezone.localtime(due, UK_TIME).date())


def _move_due(clock: Clock, due: datetime, calendar: WorkingCalendar) -> None:
    """Give `clock` a new due moment (an extension, or a wait on the family), with its reminder point.

    A reminder sent before the new reminder point warned of a date that no
    longer counts, so the new date earns its own: the sweep gives each reminder
    on a clock its own level (`AlertBatch.next_reminder_level`). A clock already
    breached is past reminding: its breach was escalated and the sweep leaves it.
    """
    clock.due_at = due
    clock.remind_at = _remind_at(clock.unit, due, calendar)
    if clock.breached_at is None and clock.reminded_at is not None and clock.reminded_at < clock.remind_at:
        clock.reminded_at = None
    clock.next_check_at = _next_check(clock)


def _next_check(clock: Clock) -> datetime | None:
    if not clock.running or clock.breached_at is not None:
        return None
    if clock.reminded_at is None and clock.remind_at < clock.due_at:
        return clock.remind_at
    return clock.due_at


# --- stopping, pausing, extending -----------------------------------------------------------


def clocks_stop(*, case: Case, kinds, at: datetime) -> None:
    """The promise was kept (or the case ended): these clocks stop for good.

    Each clock records the working time it ran (`working_seconds_taken`, see
    `clock_working_seconds_taken`), which the reports take their medians of.
    """
    calendar = WorkingCalendar()
    clocks = list(case.clocks.filter(kind__in=kinds, stopped_at__isnull=True))
    pauses = _pauses_overlapping(case, clocks, at)
    for clock in clocks:
        if clock.paused_at is not None:
            # Kept while the case waits on the family (a reply to them, say): the clock stood still from its
            # pause, so its date moves on by the wait so far, as a resume would, before it is judged.
            clock.due_at = calendar.add_working_seconds(
                clock.due_at, calendar.working_seconds_between(clock.paused_at, at)
            )
            clock.paused_at = None
        clock.stopped_at = at
        clock.working_seconds_taken = clock_working_seconds_taken(
            clock=clock, stopped_at=at, pauses=pauses, calendar=calendar
        )
        # Kept late but not yet seen by the sweep: leave it due, so the breach is still escalated.
        late_and_unrecorded = at > clock.due_at and clock.breached_at is None and clock.paused_at is None
        clock.next_check_at = clock.due_at if late_and_unrecorded else None
        clock.save(update_fields=["due_at", "paused_at", "stopped_at", "working_seconds_taken", "next_check_at"])
    _refresh_case_due(case)
    if case.status in Case.CLOSED_STATES:
        case.escalation_due_at = None


def clock_working_seconds_taken(*, clock, stopped_at: datetime, pauses, calendar: WorkingCalendar) -> int:
    """The working time `clock` ran from its start to `stopped_at`, less the working time it stood paused.

    Only respond and resolve clocks pause (DESIGN.md invariant 5). `pauses` are
    the case's pauses (any of them: each counts only where it overlaps the clock's
    run). A pause that ended inside the run counts its stored `working_seconds`,
    exactly what moved the due dates on; one still open when the clock stopped
    (or cut off by the start or stop) counts its working time inside the run.
    The data migration that filled in clocks already stopped uses this too, so
    it reads only attributes that the migration's historical models also have.
    """
    if stopped_at <= clock.started_at:
        return 0
    taken = calendar.working_seconds_between(clock.started_at, stopped_at)
    if clock.kind not in PAUSED_KINDS:
        return taken
    for pause in pauses:
        start = max(pause.started_at, clock.started_at)
        end = stopped_at if pause.ended_at is None else min(pause.ended_at, stopped_at)
        if end <= start:
            continue
        if start == pause.started_at and end == pause.ended_at:
            taken -= pause.working_seconds
        else:
            taken -= calendar.working_seconds_between(start, end)
    # Only a closure day removed after a pause ended could take it below zero.
    return max(taken, 0)


def _pauses_overlapping(case: Case, clocks: list[Clock], at: datetime) -> list[Pause]:
    # One query, and none at all when no clock that pauses is stopping (acknowledging, say).
    paused_clocks = [clock for clock in clocks if clock.kind in PAUSED_KINDS]
    if not paused_clocks:
        return []
    earliest = min(clock.started_at for clock in paused_clocks)
    return list(
        case.pauses.filter(Q(ended_at__isnull=True) | Q(ended_at__gt=earliest), started_at__lt=at).order_by(
            "started_at"
        )
    )


def clocks_pause(*, case: Case, actor, reason: str, at: datetime) -> Pause:
    """The case waits on the family: the respond and resolve clocks stand still."""
    calendar = WorkingCalendar()
    for clock in case.clocks.filter(kind__in=PAUSED_KINDS, stopped_at__isnull=True, paused_at__isnull=True):
        clock.paused_at = at
        clock.next_check_at = None
        clock.save(update_fields=["paused_at", "next_check_at"])
    _refresh_case_due(case)
    return Pause.objects.create(
        case=case,
        started_at=at,
        started_by=actor,
        reason=reason,
        ends_by_itself_at=calendar.add_working_days(at, PAUSE_LIMIT_WORKING_DAYS),
    )


def clocks_resume(*, case: Case, actor, at: datetime) -> Pause | None:
    """Work starts again: each paused clock's due moment moves later by the working time spent paused.

    A wait ends at its own end moment (`ends_by_itself_at`) at the latest, however late it is ended: when
    the task that ends waits ran late, every working second until it ran used to count as waiting and
    pushed the resolve date weeks on (12.6 working days against a limit of 10).
    """
    pause = case.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
    if pause is None:
        return None
    calendar = WorkingCalendar()
    pause.ended_at = min(at, pause.ends_by_itself_at)
    pause.ended_by = actor
    pause.working_seconds = calendar.working_seconds_between(pause.started_at, pause.ended_at)
    pause.save(update_fields=["ended_at", "ended_by", "working_seconds"])
    for clock in case.clocks.filter(paused_at__isnull=False, stopped_at__isnull=True):
        clock.paused_at = None
        _move_due(clock, calendar.add_working_seconds(clock.due_at, pause.working_seconds), calendar)
        clock.save(update_fields=["due_at", "remind_at", "reminded_at", "paused_at", "next_check_at"])
    _refresh_case_due(case)
    return pause


def clock_extend(*, case: Case, working_days: int, by_manager: bool) -> Clock:
    """Move the resolve date later, once by the officer, again only by a manager (LGSCO code 6.4)."""
    if not 1 <= working_days <= EXTENSION_LIMIT_WORKING_DAYS:
        raise ValidationError(
            {"working_days": [f"Extend by 1 to {EXTENSION_LIMIT_WORKING_DAYS} working days."]}
        )
    clock = resolve_clock_running(case.clocks.all())
    if clock is None:
        raise Conflict("This case has no resolve date running to extend.")
    if extension_needs_a_manager(clock) and not by_manager:
        raise NotAllowed("The resolve date has been extended once already. A manager must agree a second extension.")
    calendar = WorkingCalendar()
    _move_due(clock, calendar.add_working_days(clock.due_at, working_days), calendar)
    clock.extensions += 1
    clock.save(update_fields=["due_at", "remind_at", "reminded_at", "extensions", "next_check_at"])
    _refresh_case_due(case)
    return clock



def clocks_reopen(*, case: Case, at: datetime) -> Clock:
    """A reopened case is a new promise: a fresh resolve date from its policy, and a fresh escalation ladder.

    The ladder starts again from the team manager when a date is next missed,
    and climbs counted from that breach (`_ladder_start_again`). The alerts
    already sent stay, so the timeline and the reports still show them.
    """
    policy = sla_policy_for(category_id=case.category_id, safeguarding=case.safeguarding)
    calendar = WorkingCalendar()
    clock = _new_clock(
        case=case,
        kind=ClockKind.RESOLVE,
        unit=Unit.WORKING_DAYS,
        start=at,
        due=calendar.add_working_days(at, policy.resolve_within),
        calendar=calendar,
    )
    _start_again(case=case, clock=clock, at=at)
    _refresh_case_due(case)
    _ladder_start_again(case)
    return clock


def _start_again(*, case: Case, clock: Clock, at: datetime) -> None:
    """Save `clock` as the case's current clock of its kind; the one before it is superseded from `at`."""
    case.clocks.filter(kind=clock.kind, superseded_at__isnull=True).update(superseded_at=at)
    clock.save()


def _refresh_case_due(case: Case) -> None:
    # The staff queue is ordered by this column, so it must follow every clock change.
    case.next_due_at = case.clocks.filter(stopped_at__isnull=True, paused_at__isnull=True).aggregate(
        due=Min("due_at")
    )["due"]


# --- chasing ---------------------------------------------------------------------------------


def chase_start(*, case: Case, at: datetime) -> Clock:
    """A family chases a late case: the team manager is told and has 2 working days to reply.

    Allowed once a clock has run out, and at most once every 5 working days.
    """
    calendar = WorkingCalendar()
    if not any(clock.is_breached(at) for clock in case.clocks.all()):
        raise Conflict("You can chase once a date we promised has passed. None has yet.")
    again_from = chase_again_from(case, at, calendar)
    if again_from is not None:
        raise Conflict(f"You chased this case recently. You can chase again from {describe_moment(again_from)}.")
    clock = _new_clock(
        case=case,
        kind=ClockKind.CHASE,
        unit=Unit.WORKING_DAYS,
        start=at,
        due=calendar.add_working_days(at, CHASE_REPLY_WORKING_DAYS),
        calendar=calendar,
    )
    _start_again(case=case, clock=clock, at=at)
    _refresh_case_due(case)
    return clock
