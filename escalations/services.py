"""SLA clocks, pauses, extensions, chases, reminders and the escalation ladder (DESIGN.md "SLA and escalation").

Casework services call these inside their own transaction, holding the case's
row lock, so every clock change happens under that lock. Functions that
change the case (`next_due_at`, the ladder columns) change the instance they
are given; the caller saves it once, with its history.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Min, Q
from django.utils import timezone
from fast_update.fast import fast_update

from casework.models import Case, CaseEvent, Cover, Officer, Organisation, Team, save_many_with_history
from config.errors import Conflict, NotAllowed
from notifications.services import Telling, notification_enqueue_many

from .models import Alert, Clock, ClockKind, Pause, SlaPolicy, Unit
from .working_days import (
    UK_TIME,
    WorkingCalendar,
    describe_moment,
    start_of_working_day,
)

logger = logging.getLogger(__name__)

# DESIGN.md: the ladder climbs 5 and 10 working days after the first breach.
LADDER_WORKING_DAYS = {2: 5, 3: 10}
# A family's chase gets an answer from the team manager within this many working days.
CHASE_REPLY_WORKING_DAYS = 2
CHASE_INTERVAL_WORKING_DAYS = 5
# A case waiting on the family resumes by itself after this long.
PAUSE_LIMIT_WORKING_DAYS = 10
EXTENSION_LIMIT_WORKING_DAYS = 10
# The officer's own extension (LGSCO code 6.4); every one after it needs a manager.
EXTENSIONS_WITHOUT_A_MANAGER = 1
PAUSED_KINDS = (ClockKind.RESPOND, ClockKind.RESOLVE)


# --- policies and starting the clocks -------------------------------------------------------


def sla_policy_for(*, category_id: str, safeguarding: bool) -> SlaPolicy:
    """Safeguarding overrides everything; then the category's own policy; then the default."""
    if safeguarding:
        policy = SlaPolicy.objects.filter(safeguarding=True).first()
        if policy:
            return policy
    return (
        SlaPolicy.objects.filter(category_id=category_id, safeguarding=False).first()
        or SlaPolicy.objects.get(category__isnull=True, safeguarding=False)
    )


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
        alerts = AlertBatch(cases=[case], now=plan.started_at, calendar=calendar)
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
    """Work starts again: each paused clock's due moment moves later by the working time spent paused."""
    pause = case.pauses.filter(ended_at__isnull=True).order_by("-started_at").first()
    if pause is None:
        return None
    calendar = WorkingCalendar()
    pause.ended_at = at
    pause.ended_by = actor
    pause.working_seconds = calendar.working_seconds_between(pause.started_at, at)
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
    clock = _resolve_clock_running(case.clocks.all())
    if clock is None:
        raise Conflict("This case has no resolve date running to extend.")
    if _extension_needs_a_manager(clock) and not by_manager:
        raise NotAllowed("The resolve date has been extended once already. A manager must agree a second extension.")
    calendar = WorkingCalendar()
    _move_due(clock, calendar.add_working_days(clock.due_at, working_days), calendar)
    clock.extensions += 1
    clock.save(update_fields=["due_at", "remind_at", "reminded_at", "extensions", "next_check_at"])
    _refresh_case_due(case)
    return clock


def clock_extendable(*, case: Case, by_manager: bool) -> bool:
    """Whether `clock_extend` would move the case's resolve date now.

    Reads `case.clocks.all()`, so a page that prefetched the clocks asks no more of the database.
    """
    clock = _resolve_clock_running(case.clocks.all())
    return clock is not None and (by_manager or not _extension_needs_a_manager(clock))


def _resolve_clock_running(clocks) -> Clock | None:
    """The resolve clock an extension moves: the latest one still running (paused counts as running)."""
    running = [clock for clock in clocks if clock.kind == ClockKind.RESOLVE and clock.stopped_at is None]
    return max(running, key=lambda clock: clock.started_at, default=None)


def _extension_needs_a_manager(clock: Clock) -> bool:
    return clock.extensions >= EXTENSIONS_WITHOUT_A_MANAGER


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


def chase_again_from(case: Case, at: datetime, calendar: WorkingCalendar | None = None) -> datetime | None:
    """When the family may chase again, if they chased too recently to chase at `at`; else None.

    Reads `case.clocks.all()`, so a page that prefetched the clocks asks no more of the database.
    """
    chases = [clock.started_at for clock in case.clocks.all() if clock.kind == ClockKind.CHASE]
    if not chases:
        return None
    again_from = (calendar or WorkingCalendar()).add_working_days(max(chases), CHASE_INTERVAL_WORKING_DAYS)
    return again_from if at < again_from else None


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What went out: counts, and a line of text for each alert (kept as text, so memory stays small)."""

    reminders: int = 0
    escalations: int = 0
    lines: list[str] = field(default_factory=list)

    @property
    def alerts(self) -> int:
        return self.reminders + self.escalations

    def count(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            if alert.kind == Alert.Kind.REMINDER:
                self.reminders += 1
            else:
                self.escalations += 1
            self.lines.append(
                f"{alert.get_kind_display()} level {alert.level} on {alert.case.reference} ({alert.clock.kind}) "
                f"to {alert.recipient.display_name}, {alert.get_recipient_role_display()}"
            )


# Cases locked and written together. Larger batches cost fewer round trips (at a million cases, 500 took the
# sweep from 2.1 s to 1.8 s); a case waits for its batch's transaction, under half a second.
SWEEP_BATCH = 500


def sla_sweep(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH) -> SweepResult:
    """Send every reminder and escalation that has fallen due, exactly once.

    Reads only what is due (indexed), a batch of cases at a time, so memory
    stays flat however much is due. Locks each case with SKIP LOCKED so two
    sweeps at once share the work instead of doubling it, and relies on the
    unique constraint on alerts for the rest. A missed sweep catches up here.
    Each batch costs a fixed number of queries, whatever its size.
    """
    now = now or timezone.now()
    result = SweepResult()
    calendar = WorkingCalendar()
    ladder = _LadderPeople()
    while _sweep_clocks(now=now, batch_size=batch_size, calendar=calendar, ladder=ladder, result=result) == batch_size:
        pass
    while _sweep_ladder(now=now, batch_size=batch_size, calendar=calendar, ladder=ladder, result=result) == batch_size:
        pass
    return result


@transaction.atomic
def _sweep_clocks(*, now, batch_size, calendar, ladder, result) -> int:
    due_case_ids = list(
        Clock.objects.filter(next_check_at__lte=now).order_by("next_check_at").values_list("case_id", flat=True)[
            :batch_size
        ]
    )
    cases = _lock_cases(set(due_case_ids), ladder)
    if not cases:
        # A full batch of which nothing could be locked means another sweep is on it: stop here.
        return 0
    due_clocks = list(Clock.objects.filter(case__in=cases, next_check_at__lte=now).order_by("case_id", "due_at"))
    cases_by_id = {case.pk: case for case in cases}
    alerts = AlertBatch(cases=cases, now=now, calendar=calendar)
    covers = _covers_in_force(cases, now)
    ladder_before = {case.pk: _ladder_of(case) for case in cases}
    for clock in due_clocks:
        _advance_clock(case=cases_by_id[clock.case_id], clock=clock, now=now, alerts=alerts, covers=covers)
    fast_update(Clock.objects.all(), due_clocks, ["reminded_at", "breached_at", "next_check_at"], batch_size=None)
    result.count(alerts.write())
    # A reminder leaves the case as it was (its timeline and alerts record it): only a case the ladder moved is saved.
    _save_cases([case for case in cases if _ladder_of(case) != ladder_before[case.pk]], reason="SLA sweep", at=now)
    return len(due_case_ids)


@transaction.atomic
def _sweep_ladder(*, now, batch_size, calendar, ladder, result) -> int:
    ids = list(Case.objects.filter(escalation_due_at__lte=now).values_list("pk", flat=True)[:batch_size])
    cases = _lock_cases(set(ids), ladder)
    if not cases:
        return 0
    first_breached = _first_breached_clocks(cases)
    alerts = AlertBatch(cases=cases, now=now, calendar=calendar)
    for case in cases:
        # A sweep that was missed for days climbs every level that fell due meanwhile.
        while case.escalation_due_at is not None and case.escalation_due_at <= now:
            _climb_ladder(case=case, clock=first_breached.get(case.pk), alerts=alerts)
    result.count(alerts.write())
    _save_cases(cases, reason="Escalation ladder", at=now)
    return len(ids)


def _lock_cases(ids, ladder: "_LadderPeople") -> list[Case]:
    if not ids:
        return []
    cases = list(
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=ids)
        .select_related("child", "accountable_officer__user")
        .order_by("pk")
    )
    ladder.attach(cases)
    return cases


class _LadderPeople:
    """Each team's and council's ladder posts, with their users, read once a sweep.

    A national sweep meets the same few hundred teams batch after batch; a
    sweep lasts seconds, so what it read at the start is still true at the end.
    """

    def __init__(self):
        self.teams: dict[int, Team] = {}
        self.organisations: dict[int, Organisation] = {}

    def attach(self, cases: list[Case]) -> None:
        new_teams = {case.team_id for case in cases} - self.teams.keys()
        if new_teams:
            teams = Team.objects.filter(pk__in=new_teams).select_related("manager__user", "head_of_service__user")
            self.teams.update((team.pk, team) for team in teams.order_by())
        new_organisations = {case.organisation_id for case in cases} - self.organisations.keys()
        if new_organisations:
            organisations = Organisation.objects.filter(pk__in=new_organisations).select_related("director__user")
            self.organisations.update((organisation.pk, organisation) for organisation in organisations.order_by())
        for case in cases:
            case.team = self.teams[case.team_id]
            case.organisation = self.organisations[case.organisation_id]


def _covers_in_force(cases: list[Case], now: datetime) -> dict[int, Officer]:
    """Who covers each named officer of these cases now: the cover that started first, if several overlap."""
    covers = (
        Cover.objects.in_force(now)
        .filter(officer_id__in={case.accountable_officer_id for case in cases})
        .select_related("cover_officer__user")
        .order_by("-starts_at")
    )
    return {cover.officer_id: cover.cover_officer for cover in covers}


def _first_breached_clocks(cases: list[Case]) -> dict[int, Clock]:
    """The ladder names the first promise each case broke since its ladder started.

    A reopened case's ladder starts again, and its alerts are keyed by clock:
    named after a promise broken before the reopening, a rung already climbed
    then would be taken as sent, and nobody would be told.
    """
    clocks = Clock.objects.filter(
        case__in=cases, breached_at__isnull=False, due_at__gte=F("case__first_breached_at")
    ).order_by("-due_at", "-id")
    return {clock.case_id: clock for clock in clocks}


def _advance_clock(*, case, clock, now, alerts, covers) -> None:
    if clock.running and clock.reminded_at is None and clock.remind_at <= now < clock.due_at:
        clock.reminded_at = now
        recipient, role = _reminder_recipient(case, clock, covers)
        alerts.plan(
            case=case,
            clock=clock,
            kind=Alert.Kind.REMINDER,
            level=alerts.next_reminder_level(clock),
            recipient=recipient,
            role=role,
        )
    if now >= clock.due_at and clock.breached_at is None:
        clock.breached_at = now
        _breach(case=case, clock=clock, alerts=alerts)
    clock.next_check_at = _next_check(clock)


def _reminder_recipient(case, clock, covers) -> tuple[Officer, str]:
    if clock.kind == ClockKind.CHASE and case.team.manager and case.team.manager.active:
        return case.team.manager, Alert.Role.TEAM_MANAGER
    cover_officer = covers.get(case.accountable_officer_id)
    if cover_officer is not None:
        return cover_officer, Alert.Role.COVER
    return case.accountable_officer, Alert.Role.OFFICER


def _breach(*, case, clock, alerts) -> None:
    # A chase the team manager did not answer goes straight to the head of service.
    level = 2 if clock.kind == ClockKind.CHASE else 1
    _escalate(case=case, clock=clock, level=level, alerts=alerts, missed_at=clock.due_at)
    if case.first_breached_at is None:
        case.first_breached_at = clock.due_at
    _schedule_next_rung(case, alerts.calendar)


def _climb_ladder(*, case, clock, alerts) -> None:
    if not case.is_open or case.escalation_level >= 3:
        case.escalation_due_at = None
        return
    # The date missed, not the clock's date now: an extension or a wait on the family may since have moved
    # that past today, and the manager would be told the case missed a date still to come.
    level = max(2, case.escalation_level + 1)
    _escalate(case=case, clock=clock, level=level, alerts=alerts, missed_at=case.first_breached_at)
    _schedule_next_rung(case, alerts.calendar)


def _schedule_next_rung(case: Case, calendar: WorkingCalendar) -> None:
    # Each rung falls due a set number of working days after the first breach (DESIGN.md), whatever raised the
    # level: a chase nobody answered takes the case to the head of service early, and the director's point must
    # then replace the head of service's, or the director would be told on the day meant for the level below.
    if not case.is_open or case.escalation_level >= 3:
        case.escalation_due_at = None
        return
    next_level = max(2, case.escalation_level + 1)
    case.escalation_due_at = calendar.add_working_days(case.first_breached_at, LADDER_WORKING_DAYS[next_level])


def _ladder_start_again(case: Case) -> None:
    # The old first breach and level belong to a promise the case no longer makes. Kept, they would send the
    # next breach up the ladder with no working days between the rungs, or nowhere once the director had been
    # told. A safeguarding case starts at the bottom too: its team manager was told when it was logged.
    case.escalation_level = 0
    case.first_breached_at = None
    case.escalation_due_at = None


def _escalate(*, case, clock, level, alerts, kind=Alert.Kind.ESCALATION, missed_at=None) -> None:
    # The case reaches the level when it falls due, even with every post above it empty, so the ladder
    # always climbs on and stops at the top.
    case.escalation_level = max(case.escalation_level, level)
    recipient, role = ladder_recipient(case, level)
    if recipient is None:
        logger.warning(
            "Case %s reached escalation level %s, but its team and council have nobody in post to tell.",
            case.reference,
            level,
        )
        return
    alerts.plan(case=case, clock=clock, kind=kind, level=level, recipient=recipient, role=role, missed_at=missed_at)


def ladder_recipient(case: Case, level: int) -> tuple[Officer | None, str]:
    """Who is told at each level; if that post is empty or the person has left, the next one up."""
    team, organisation = case.team, case.organisation
    chain = [
        (team.manager, Alert.Role.TEAM_MANAGER),
        (team.head_of_service, Alert.Role.HEAD_OF_SERVICE),
        (organisation.director, Alert.Role.DIRECTOR),
    ]
    for officer, role in chain[level - 1 :] + list(reversed(chain[: level - 1])):
        if officer is not None and officer.active:
            return officer, role
    return None, ""


def chase_recipient(case: Case) -> tuple[Officer, str]:
    """Who hears a family's chase, and the role they are told it in: the first manager in post up the
    ladder. With every post empty, the named officer, so a chase always reaches a person; the role is then
    `Alert.Role.OFFICER`, so the family can be told plainly who that is."""
    manager, role = ladder_recipient(case, 1)
    if manager is None:
        return case.accountable_officer, Alert.Role.OFFICER
    return manager, role


LADDER_FIELDS = ["escalation_level", "first_breached_at", "escalation_due_at"]


def _ladder_of(case: Case) -> tuple:
    return tuple(getattr(case, name) for name in LADDER_FIELDS)


def _save_cases(cases: list[Case], *, reason: str, at: datetime) -> None:
    # The sweep acts for nobody: each history row says so with an empty user and this reason.
    save_many_with_history(cases, LADDER_FIELDS, user=None, reason=reason, at=at)


@dataclass
class _PlannedAlert:
    case: Case
    clock: Clock
    kind: str
    level: int
    recipient: Officer
    role: str
    # The due date whose breach an escalation reports; None for a reminder or a safeguarding alert.
    missed_at: datetime | None = None


class AlertBatch:
    """The alerts a batch of locked cases needs, written with their timeline lines and messages at the end.

    Deciding happens case by case in memory; writing happens once, in a fixed
    number of queries however many alerts. The cases are locked, so the alerts
    already on them (read once here) say what has been sent; the unique
    constraint still guards the insert against any other writer.
    """

    def __init__(self, *, cases: list[Case], now: datetime, calendar: WorkingCalendar):
        self.now = now
        self.calendar = calendar
        self._sent = set(Alert.objects.filter(case__in=cases).values_list("case_id", "clock_id", "kind", "level"))
        self._reminder_levels: dict[int, int] = {}
        for _case_id, clock_id, kind, level in self._sent:
            if kind == Alert.Kind.REMINDER:
                self._note_reminder(clock_id, level)
        self._planned: list[_PlannedAlert] = []

    def next_reminder_level(self, clock: Clock) -> int:
        """One reminder for each date a clock has had: 0 for its first, then one more each time.

        The clock's `reminded_at`, under the case's lock, says whether its date
        has had a reminder; this numbers them, so a date that moved after its
        reminder (`_move_due`) gets a key of its own under the unique constraint.
        """
        return self._reminder_levels.get(clock.pk, -1) + 1

    def _note_reminder(self, clock_id: int, level: int) -> None:
        self._reminder_levels[clock_id] = max(level, self._reminder_levels.get(clock_id, -1))

    def plan(self, *, case, clock, kind, level, recipient, role, missed_at=None) -> None:
        key = (case.pk, clock.pk, kind, level)
        if key not in self._sent:
            self._sent.add(key)
            if kind == Alert.Kind.REMINDER:
                self._note_reminder(clock.pk, level)
            self._planned.append(_PlannedAlert(case, clock, kind, level, recipient, role, missed_at))

    def write(self) -> list[Alert]:
        """Write the planned alerts, then a timeline line and a message for each. Returns the alerts written."""
        if not self._planned:
            return []
        Alert.objects.bulk_create(
            [
                Alert(
                    case=planned.case,
                    clock=planned.clock,
                    kind=planned.kind,
                    level=planned.level,
                    recipient=planned.recipient,
                    recipient_role=planned.role,
                    owner_id=planned.case.accountable_officer_id,
                    created_at=self.now,
                )
                for planned in self._planned
            ],
            ignore_conflicts=True,
        )
        # Read back by this moment: a row another writer got in first is theirs to announce, not ours.
        written = {
            (alert.case_id, alert.clock_id, alert.kind, alert.level): alert
            for alert in Alert.objects.filter(case__in={p.case.pk for p in self._planned}, created_at=self.now)
        }
        announced = [
            (planned, alert)
            for planned in self._planned
            if (alert := written.get((planned.case.pk, planned.clock.pk, planned.kind, planned.level)))
            and alert.recipient_id == planned.recipient.pk
        ]
        CaseEvent.objects.record_many([self._timeline_line(planned, alert) for planned, alert in announced])
        notification_enqueue_many(tellings=[self._telling(planned, alert) for planned, alert in announced])
        self._planned = []
        for planned, alert in announced:
            alert.case, alert.clock, alert.recipient = planned.case, planned.clock, planned.recipient
        return [alert for _, alert in announced]

    def _timeline_line(self, planned: _PlannedAlert, alert: Alert) -> CaseEvent:
        clock, recipient = planned.clock, planned.recipient
        if planned.kind == Alert.Kind.REMINDER:
            return CaseEvent.objects.line(
                case=planned.case,
                kind=CaseEvent.Kind.REMINDER,
                at=self.now,
                internal=True,
                text=f"Reminder sent to {recipient.display_name}: {clock.get_kind_display().lower()} "
                f"due {describe_moment(clock.due_at)}.",
                data={"alert_id": alert.pk},
            )
        why = (
            "because a child may be at risk"
            if planned.kind == Alert.Kind.SAFEGUARDING
            else f"because the {clock.get_kind_display().lower()} date ({describe_moment(planned.missed_at)}) was missed"
        )
        return CaseEvent.objects.line(
            case=planned.case,
            kind=CaseEvent.Kind.ESCALATED,
            at=self.now,
            text=f"Escalated to {recipient.display_name}, {Alert.Role(planned.role).label}, {why}.",
            data={"alert_id": alert.pk, "level": planned.level},
        )

    def _telling(self, planned: _PlannedAlert, alert: Alert) -> Telling:
        case, clock = planned.case, planned.clock
        if planned.kind == Alert.Kind.REMINDER:
            template = "officer_reminder"
            context = {"clock": clock.get_kind_display().lower(), "due": describe_moment(clock.due_at)}
        else:
            template = (
                "manager_safeguarding_alert" if planned.kind == Alert.Kind.SAFEGUARDING else "manager_escalation"
            )
            context = {
                "clock": clock.get_kind_display().lower(),
                "officer_name": case.accountable_officer.display_name,
                "level": str(planned.level),
                "child_name": case.child.display_name,
                "summary": case.summary,
            }
            if planned.missed_at is not None:
                context["late_by"] = _late_by(planned.missed_at, self.now, self.calendar)
        return Telling(
            recipient=planned.recipient.user,
            template=template,
            context={"reference": case.reference, **context},
            link=f"/cases/{case.pk}/",
            dedupe_key=f"alert:{alert.pk}",
        )


def _late_by(missed_at: datetime, now: datetime, calendar: WorkingCalendar) -> str:
    days = calendar.working_seconds_between(missed_at, now) // (8 * 3600)
    if days < 1:
        return "less than a working day"
    return f"{days} working day{'s' if days != 1 else ''}"
