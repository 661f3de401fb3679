"""Reminders and the escalation ladder: who is told at each point, written for a whole batch of cases at once."""

import logging
from dataclasses import dataclass
from datetime import datetime

from casework.models import Case, CaseEvent, Officer, save_many_with_history
from core.time import describe_moment
from notifications.services import Telling, notification_enqueue_many

from ..models import Alert, Clock, ClockKind
from ..selectors import ladder_recipient
from ..timescales import LADDER_WORKING_DAYS
from ..working_days import WorkingCalendar

logger = logging.getLogger(__name__)


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


# How a clock is named in a sentence: "your first response deadline".
_CLOCK_WORDS = {kind: label.lower() for kind, label in ClockKind.choices}

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

    def __init__(self, *, cases: list[Case], now: datetime, calendar: WorkingCalendar, new_cases: bool = False):
        """`new_cases`: the cases were made in this transaction, so nothing has been sent about them yet."""
        self.now = now
        self.calendar = calendar
        self._sent = (
            set()
            if new_cases
            else set(Alert.objects.filter(case__in=cases).values_list("case_id", "clock_id", "kind", "level"))
        )
        self._reminder_levels: dict[int, int] = {}
        for _case_id, clock_id, kind, level in self._sent:
            if kind == Alert.Kind.REMINDER:
                self._note_reminder(clock_id, level)
        self._planned: list[_PlannedAlert] = []
        # A batch's reminders and escalations fall due at a few moments, each said in words twice an alert.
        self._moments: dict[datetime, str] = {}

    def _described(self, moment: datetime) -> str:
        if moment not in self._moments:
            self._moments[moment] = describe_moment(moment)
        return self._moments[moment]

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
        alerts = [
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
        ]
        Alert.objects.bulk_create(alerts, ignore_conflicts=True)
        # Read back by this moment: a row another writer got in first is theirs to announce, not ours. Only the
        # ids and recipients: the rest of each row is what was just written.
        written = {
            (case_id, clock_id, kind, level): (pk, recipient_id)
            for pk, case_id, clock_id, kind, level, recipient_id in Alert.objects.filter(
                case__in={p.case.pk for p in self._planned}, created_at=self.now
            ).values_list("pk", "case_id", "clock_id", "kind", "level", "recipient_id")
        }
        announced = []
        for planned, alert in zip(self._planned, alerts, strict=True):
            pk, recipient_id = written.get((planned.case.pk, planned.clock.pk, planned.kind, planned.level), (None, None))
            if pk is not None and recipient_id == planned.recipient.pk:
                alert.pk = pk
                announced.append((planned, alert))
        CaseEvent.objects.record_many([self._timeline_line(planned, alert) for planned, alert in announced])
        # Each alert was written by this batch, so each message about it is new.
        notification_enqueue_many(
            tellings=[self._telling(planned, alert) for planned, alert in announced], events_are_new=True
        )
        self._planned = []
        return [alert for _, alert in announced]

    def _timeline_line(self, planned: _PlannedAlert, alert: Alert) -> CaseEvent:
        clock, recipient = planned.clock, planned.recipient
        if planned.kind == Alert.Kind.REMINDER:
            return CaseEvent.objects.line(
                case=planned.case,
                kind=CaseEvent.Kind.REMINDER,
                at=self.now,
                internal=True,
                text=f"Reminder sent to {recipient.display_name}: {_CLOCK_WORDS[clock.kind]} "
                f"due {self._described(clock.due_at)}.",
                data={"alert_id": alert.pk},
            )
        why = (
            "because a child may be at risk"
            if planned.kind == Alert.Kind.SAFEGUARDING
            else f"because the {_CLOCK_WORDS[clock.kind]} date ({self._described(planned.missed_at)}) was missed"
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
            context = {"clock": _CLOCK_WORDS[clock.kind], "due": self._described(clock.due_at)}
        else:
            template = (
                "manager_safeguarding_alert" if planned.kind == Alert.Kind.SAFEGUARDING else "manager_escalation"
            )
            context = {
                "clock": _CLOCK_WORDS[clock.kind],
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
