"""SLA reads: what a case's clocks say now, which cases are breached, which pauses ran out."""

from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from casework.models import Case

from .models import Alert, Clock, ClockKind, Pause
from .services import LADDER_WORKING_DAYS, ladder_recipient
from .working_days import WorkingCalendar

SHOWN_KINDS = (ClockKind.ACKNOWLEDGE, ClockKind.RESPOND, ClockKind.RESOLVE)


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


def pauses_past_their_limit(now: datetime | None = None) -> QuerySet[Pause]:
    """Waits on a family that have run their time, on cases still waiting.

    Older versions left a wait open when its case ended; such a pause must never resume the case later.
    """
    return Pause.objects.filter(
        ended_at__isnull=True, ends_by_itself_at__lte=now or timezone.now(), case__status=Case.Status.AWAITING_PARENT
    )


def case_sla(case: Case, now: datetime | None = None, calendar: WorkingCalendar | None = None) -> dict:
    """The `sla` block of API.md for one case. Uses `case.clocks.all()`, so prefetch clocks for lists,
    and pass one `calendar` for a whole list: each calendar reads the closure days once."""
    now = now or timezone.now()
    clocks = sorted(case.clocks.all(), key=lambda c: (c.started_at, c.pk))
    latest = {clock.kind: clock for clock in clocks}
    shown = [latest[kind] for kind in SHOWN_KINDS if kind in latest]
    return {
        "acknowledge_due": _due(latest, ClockKind.ACKNOWLEDGE),
        "respond_due": _due(latest, ClockKind.RESPOND),
        "resolve_due": _due(latest, ClockKind.RESOLVE),
        "paused": any(c.paused_at is not None and c.stopped_at is None for c in clocks),
        "breached": [c.kind for c in shown if c.is_breached(now)],
        "next_escalation": next_escalation(case, clocks, now, calendar),
        "clocks": [
            {
                "kind": c.kind,
                "due": c.due_at,
                "met_at": c.stopped_at if c.stopped_at and not c.is_breached(now) else None,
                "state": _state(c, now),
                "extended": c.extensions > 0,
            }
            for c in clocks
        ],
    }


def _due(latest, kind):
    clock = latest.get(kind)
    return clock.due_at if clock else None


def _state(clock: Clock, now: datetime) -> str:
    if clock.stopped_at is not None:
        return "breached" if clock.is_breached(now) else "met"
    if clock.paused_at is not None:
        return "paused"
    return "breached" if clock.is_breached(now) else "running"


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
