"""SLA reads: what a case's clocks say now, which cases are breached, which pauses ran out, who is told next."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from casework.models import Case, Officer
from core.time import UK_TIME

from .models import Alert, Clock, ClockKind, Pause
from .timescales import CHASE_INTERVAL_WORKING_DAYS, EXTENSIONS_WITHOUT_A_MANAGER, LADDER_WORKING_DAYS
from .working_days import WorkingCalendar

SHOWN_KINDS = (ClockKind.ACKNOWLEDGE, ClockKind.RESPOND, ClockKind.RESOLVE)
# Young people stay in the SEND system to 25; from 16 they are preparing for adulthood.
TRANSITION_AGES = (16, 25)


def young_person_when_logged() -> Q:
    """The case's child was aged 16 to 25 on the UK date it was logged.

    A birthday comparison in whole numbers: YYYYMMDD of the day logged minus YYYYMMDD of
    the birth date is at least N0000 exactly when the child had turned N (leap days included).
    Needs the alias `age_code` from `age_code_when_logged` on the queryset.
    """
    youngest, oldest = TRANSITION_AGES
    return Q(age_code__gte=youngest * 10000, age_code__lt=(oldest + 1) * 10000)


def age_code_when_logged(case_path: str = ""):
    """The alias `young_person_when_logged` reads. `case_path` leads to the case ("case__" from a clock)."""
    return _yyyymmdd(f"{case_path}created_at", tzinfo=UK_TIME) - _yyyymmdd(f"{case_path}child__date_of_birth")


def _yyyymmdd(path: str, **extract):
    return ExtractYear(path, **extract) * 10000 + ExtractMonth(path, **extract) * 100 + ExtractDay(path, **extract)


def breached_clocks_q(now: datetime, path: str = "") -> Q:
    """Clocks that ran out: marked by the sweep, stopped late, or running past due right now.

    `path` leads to the clock from another model ("clocks__" from a case).
    """
    return (
        Q(**{f"{path}breached_at__isnull": False})
        | Q(**{f"{path}stopped_at__isnull": False, f"{path}stopped_at__gt": F(f"{path}due_at")})
        | Q(**{f"{path}stopped_at__isnull": True, f"{path}paused_at__isnull": True, f"{path}due_at__lt": now})
    )


def cases_breached(cases: QuerySet[Case], now: datetime | None = None) -> QuerySet[Case]:
    now = now or timezone.now()
    return cases.filter(Exists(Clock.objects.filter(breached_clocks_q(now), case=OuterRef("pk"))))


def running_clocks() -> QuerySet[Clock]:
    """Clocks counting now: neither stopped, nor paused while the case waits on the family, nor replaced."""
    return Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, superseded_at__isnull=True)


def pauses_past_their_limit(now: datetime | None = None) -> QuerySet[Pause]:
    """Waits on a family that have run their time, on cases still waiting.

    Older versions left a wait open when its case ended; such a pause must never resume the case later.
    """
    return Pause.objects.filter(
        ended_at__isnull=True, ends_by_itself_at__lte=now or timezone.now(), case__status=Case.Status.AWAITING_PARENT
    )


class ClockState(StrEnum):
    """What one clock says now. Every page and the API read it from `clock_readings`; each says it in its own
    words, and the API in the four words of its contract (`api_word`)."""

    RUNNING = "running"
    PAUSED = "paused"  # waiting on the family
    MET = "met"
    BREACHED = "breached"  # ran out (running past its date, or stopped after it) on a case still open
    MISSED = "missed"  # ran out, and the case has ended: nothing more will be done for it
    # Closing stops every clock still running at that moment (`case_close`). The SLA counts such a clock as
    # kept, but nothing it promised is on record as done: a concern closed unanswered was not "done on time".
    STOPPED_BY_CLOSING = "closed"

    @property
    def api_word(self) -> str:
        return {ClockState.MISSED: "breached", ClockState.STOPPED_BY_CLOSING: "met"}.get(self, self.value)


@dataclass(frozen=True)
class ClockReading:
    kind: str
    due: datetime
    met_at: datetime | None
    state: ClockState
    ran_out: bool  # breached at some point, even if it has since been paused
    extended: bool


def case_clocks(case: Case) -> list[Clock]:
    """Every clock of the case: those a service has just written for it (`clocks_written`), or else
    `case.clocks.all()`, which a list of cases prefetches.

    A concern just logged is answered from what was written, so nothing is read back.
    """
    written = getattr(case, "clocks_written", None)
    return written if written is not None else list(case.clocks.all())


def clock_readings(case: Case, now: datetime | None = None) -> list[ClockReading]:
    """Every clock of the case, oldest first, with what it says now. Uses `case_clocks`, so prefetch
    the clocks for a list of cases."""
    now = now or timezone.now()
    readings = []
    for clock in sorted(case_clocks(case), key=lambda c: (c.started_at, c.pk)):
        ran_out = clock.is_breached(now)
        readings.append(
            ClockReading(
                kind=clock.kind,
                due=clock.due_at,
                met_at=clock.stopped_at if clock.stopped_at and not ran_out else None,
                state=_state(case, clock, ran_out),
                ran_out=ran_out,
                extended=clock.extensions > 0,
            )
        )
    return readings


def _state(case: Case, clock: Clock, ran_out: bool) -> ClockState:
    if clock.stopped_at is None and clock.paused_at is not None:
        return ClockState.PAUSED
    if ran_out:
        return ClockState.BREACHED if case.is_open else ClockState.MISSED
    if clock.stopped_at is None:
        return ClockState.RUNNING
    if case.status == Case.Status.CLOSED and clock.stopped_at == case.closed_at:
        return ClockState.STOPPED_BY_CLOSING
    return ClockState.MET


def case_sla(case: Case, now: datetime | None = None, calendar: WorkingCalendar | None = None) -> dict:
    """The `sla` block of API.md for one case. Uses `case_clocks`, so prefetch clocks for lists,
    and pass one `calendar` for a whole list: each calendar reads the closure days once."""
    now = now or timezone.now()
    clocks = sorted(case_clocks(case), key=lambda c: (c.started_at, c.pk))
    latest = {clock.kind: clock for clock in clocks}
    shown = [latest[kind] for kind in SHOWN_KINDS if kind in latest]
    readings = clock_readings(case, now)
    return {
        "acknowledge_due": _due(latest, ClockKind.ACKNOWLEDGE),
        "respond_due": _due(latest, ClockKind.RESPOND),
        "resolve_due": _due(latest, ClockKind.RESOLVE),
        "paused": any(reading.state == ClockState.PAUSED for reading in readings),
        "breached": [c.kind for c in shown if c.is_breached(now)],
        "next_escalation": next_escalation(case, clocks, now, calendar),
        "clocks": [
            {
                "kind": reading.kind,
                "due": reading.due,
                "met_at": reading.met_at,
                "state": reading.state.api_word,
                "extended": reading.extended,
            }
            for reading in readings
        ],
    }


def _due(latest, kind):
    clock = latest.get(kind)
    return clock.due_at if clock else None


def next_escalation(
    case: Case, clocks: list[Clock], now: datetime, calendar: WorkingCalendar | None = None
) -> dict | None:
    """Who the case goes to next, and when, if nothing happens first. None once resolved or at the top."""
    if not case.is_open or case.escalation_level >= 3:
        return None
    rungs = [rung for rung in (_next_rung(case, clocks, calendar), _unanswered_chase_rung(case, clocks)) if rung]
    if not rungs:
        return None
    level, at = min(rungs, key=lambda rung: rung[1])
    officer, role = ladder_recipient(case, level)
    return {
        "level": level,
        "role": Alert.Role(role).label if role else "",
        "display_name": officer.display_name if officer else None,
        "at": at,
    }


def _next_rung(case: Case, clocks: list[Clock], calendar: WorkingCalendar | None) -> tuple[int, datetime] | None:
    """The ladder's next level and when it falls due, as the sweep will climb it."""
    if case.first_breached_at is not None:
        level = max(2, case.escalation_level + 1)
        at = case.escalation_due_at or (calendar or WorkingCalendar()).add_working_days(
            case.first_breached_at, LADDER_WORKING_DAYS[level]
        )
        return level, at
    # An unanswered chase climbs to the head of service, not to level 1 (`_unanswered_chase_rung`).
    running = [c.due_at for c in clocks if c.running and c.breached_at is None and c.kind != ClockKind.CHASE]
    if not running:
        return None
    if case.escalation_level >= 1:
        # Safeguarding: the team manager was told when the case was logged, so the head of service is
        # next, counted from the first date that can still be missed (as the sweep will count it).
        return 2, (calendar or WorkingCalendar()).add_working_days(min(running), LADDER_WORKING_DAYS[2])
    return 1, min(running)


def _unanswered_chase_rung(case: Case, clocks: list[Clock]) -> tuple[int, datetime] | None:
    """A chase nobody answers takes the case to the head of service when its reply is due (`services._breach`),
    which can be before the ladder's own point for that level."""
    if case.escalation_level >= 2:
        return None
    waiting = [c.due_at for c in clocks if c.kind == ClockKind.CHASE and c.running and c.breached_at is None]
    return (2, min(waiting)) if waiting else None


def risk_alert_of(case: Case) -> Alert | None:
    """The alert sent at once when the family said a child may be at risk, with who it went to.

    None when every manager's post was empty at the time: the named officer alone was told, in the
    message giving them the case.
    """
    return case.alerts.filter(kind=Alert.Kind.SAFEGUARDING).select_related("recipient__user").first()


def escalations_recent(*, teams, limit: int) -> QuerySet[Alert]:
    """The latest escalations on these teams' cases, newest first, with who was told and who owned the case."""
    return (
        Alert.objects.filter(kind=Alert.Kind.ESCALATION, case__team__in=teams)
        .select_related("case", "clock", "recipient__user", "owner__user")
        .order_by("-created_at", "-id")[:limit]
    )


def clock_extendable(*, case: Case, by_manager: bool) -> bool:
    """Whether `clock_extend` would move the case's resolve date now.

    Reads `case_clocks`, so a page that prefetched the clocks asks no more of the database.
    """
    clock = resolve_clock_running(case_clocks(case))
    return clock is not None and (by_manager or not extension_needs_a_manager(clock))


def chase_again_from(case: Case, at: datetime, calendar: WorkingCalendar | None = None) -> datetime | None:
    """When the family may chase again, if they chased too recently to chase at `at`; else None.

    Reads `case_clocks`, so a page that prefetched the clocks asks no more of the database.
    """
    chases = [clock.started_at for clock in case_clocks(case) if clock.kind == ClockKind.CHASE]
    if not chases:
        return None
    again_from = (calendar or WorkingCalendar()).add_working_days(max(chases), CHASE_INTERVAL_WORKING_DAYS)
    return again_from if at < again_from else None


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


def resolve_clock_running(clocks) -> Clock | None:
    """The resolve clock an extension moves: the latest one still running (paused counts as running)."""
    running = [clock for clock in clocks if clock.kind == ClockKind.RESOLVE and clock.stopped_at is None]
    return max(running, key=lambda clock: clock.started_at, default=None)


def extension_needs_a_manager(clock: Clock) -> bool:
    return clock.extensions >= EXTENSIONS_WITHOUT_A_MANAGER
