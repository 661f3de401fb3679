"""The sweep (DESIGN.md invariant 3): every minute, the reminders and escalations that have fallen due."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from fast_update.fast import fast_update

from casework.models import Case, Cover, Officer, Organisation, Team

from ..models import Alert, Clock
from ..working_days import WorkingCalendar
from .clocks import _next_check
from .ladder import AlertBatch, _breach, _climb_ladder, _ladder_of, _reminder_recipient, _save_cases

logger = logging.getLogger(__name__)


@dataclass
class SweepResult:
    """What went out: counts, and a line of text for each alert handed to `say` as it goes, never kept, so
    memory stays the same however much is due."""

    reminders: int = 0
    escalations: int = 0
    say: Callable[[str], None] | None = None

    @property
    def alerts(self) -> int:
        return self.reminders + self.escalations

    def count(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            if alert.kind == Alert.Kind.REMINDER:
                self.reminders += 1
            else:
                self.escalations += 1
            if self.say is not None:
                self.say(
                    f"{alert.get_kind_display()} level {alert.level} on {alert.case.reference} ({alert.clock.kind}) "
                    f"to {alert.recipient.display_name}, {alert.get_recipient_role_display()}"
                )


# Cases locked and written together. Larger batches cost fewer round trips (at a million cases, 500 took the
# sweep from 2.1 s to 1.8 s); a case waits for its batch's transaction, under half a second.
SWEEP_BATCH = 500


def sla_sweep(
    *, now: datetime | None = None, batch_size: int = SWEEP_BATCH, say: Callable[[str], None] | None = None
) -> SweepResult:
    """Send every reminder and escalation that has fallen due, exactly once.

    Reads only what is due (indexed), a batch of cases at a time, each batch
    reading on from where the one before stopped, so memory stays flat and
    each batch costs the same however much is due. Locks each case with SKIP
    LOCKED so two sweeps at once share the work instead of doubling it, and
    relies on the unique constraint on alerts for the rest. A missed sweep
    catches up here. Each batch costs a fixed number of queries, whatever its
    size. `say` is given a line for each alert as it goes out.
    """
    now = now or timezone.now()
    result = SweepResult(say=say)
    calendar = WorkingCalendar()
    ladder = _LadderPeople()
    for sweep_batch in (_sweep_clocks, _sweep_ladder):
        read_on = _ReadOn()
        while sweep_batch(
            now=now, batch_size=batch_size, calendar=calendar, ladder=ladder, result=result, read_on=read_on
        ) == batch_size:
            pass
    return result


class _ReadOn:
    """Where the next batch's read of what is due starts: after the last (moment, case) the batch before read.

    What a batch acted on leaves the due set, but its old index entries stay until vacuum: a read from the
    start again would step over every one of them, batch after batch, and a sweep with four times as much
    due took eight times as long. A case held elsewhere is passed over the same way, and done by whoever
    holds it or by the next sweep.
    """

    def __init__(self):
        self.after: tuple[datetime, int] | None = None

    def due(self, queryset: QuerySet, moment: str, case: str) -> QuerySet:
        if self.after is None:
            return queryset
        at, case_id = self.after
        return queryset.filter(Q(**{f"{moment}__gt": at}) | Q(**{moment: at, f"{case}__gt": case_id}))

    def note(self, rows: list[tuple[datetime, int]]) -> None:
        if rows:
            self.after = rows[-1]


@transaction.atomic
def _sweep_clocks(*, now, batch_size, calendar, ladder, result, read_on) -> int:
    due = list(
        read_on.due(Clock.objects.filter(next_check_at__lte=now), "next_check_at", "case_id")
        .order_by("next_check_at", "case_id")
        .values_list("next_check_at", "case_id")[:batch_size]
    )
    read_on.note(due)
    cases = _lock_cases({case_id for _, case_id in due}, ladder)
    if not cases:
        return len(due)
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
    return len(due)


@transaction.atomic
def _sweep_ladder(*, now, batch_size, calendar, ladder, result, read_on) -> int:
    due = list(
        read_on.due(Case.objects.filter(escalation_due_at__lte=now), "escalation_due_at", "pk")
        .order_by("escalation_due_at", "pk")
        .values_list("escalation_due_at", "pk")[:batch_size]
    )
    read_on.note(due)
    cases = _lock_cases({case_id for _, case_id in due}, ladder)
    if not cases:
        return len(due)
    first_breached = _first_breached_clocks(cases)
    alerts = AlertBatch(cases=cases, now=now, calendar=calendar)
    for case in cases:
        # A sweep that was missed for days climbs every level that fell due meanwhile.
        while case.escalation_due_at is not None and case.escalation_due_at <= now:
            _climb_ladder(case=case, clock=first_breached.get(case.pk), alerts=alerts)
    result.count(alerts.write())
    _save_cases(cases, reason="Escalation ladder", at=now)
    return len(due)


# What the sweep never reads of a person's account: it names people and sends to them. A batch brings back
# hundreds of accounts, and these columns were a fifth of what each one cost to read and make into an object.
UNREAD_OF_AN_ACCOUNT = ("password", "last_login", "is_superuser", "is_staff", "date_joined")


def _unread_of_accounts(*officers: str) -> list[str]:
    return [f"{officer}__user__{name}" for officer in officers for name in UNREAD_OF_AN_ACCOUNT]


def _lock_cases(ids, ladder: "_LadderPeople") -> list[Case]:
    """Lock the cases no one else holds. Those another sweep (or an officer's action) holds are passed over
    (`_ReadOn`), so this sweep's next batch is the next due cases rather than the same ones again: two
    sweeps at once share the work. Whoever holds them does them, or the next sweep does."""
    if not ids:
        return []
    cases = list(
        Case.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(pk__in=ids)
        .select_related("child", "accountable_officer__user")
        # The child is read for its name. The case's own columns are read whole: its history row copies them.
        .defer("child__family", "child__date_of_birth", *_unread_of_accounts("accountable_officer"))
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
            teams = (
                Team.objects.filter(pk__in=new_teams)
                .select_related("manager__user", "head_of_service__user")
                .defer(*_unread_of_accounts("manager", "head_of_service"))
            )
            self.teams.update((team.pk, team) for team in teams.order_by())
        new_organisations = {case.organisation_id for case in cases} - self.organisations.keys()
        if new_organisations:
            organisations = (
                Organisation.objects.filter(pk__in=new_organisations)
                .select_related("director__user")
                .defer(*_unread_of_accounts("director"))
            )
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
        .defer(*_unread_of_accounts("cover_officer"))
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
