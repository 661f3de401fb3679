"""The statutory part of the sweep: reminders to the coordinator, and a missed legal date raising a concern.

Reads only steps whose `check_at` has come (a partial index on it), so its cost
follows what is due, not the number of children (DESIGN.md invariant 3). Each
step is handled in its own transaction under `SELECT ... FOR UPDATE SKIP
LOCKED`, so two sweeps at once share the steps instead of doubling them; the
unique constraints on `StepAlert` make each reminder and each concern happen
once even so. A concern is raised through casework's own `case_log`, so it is
routed, owned, clocked and escalated exactly as a concern a family logs; one
step at a time, because logging locks the team's officers and the year's
reference counter until commit.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.models import Case, Cover, save_many_with_history
from casework.notices import case_link, family_of
from casework.services import case_log
from escalations.working_days import WorkingCalendar
from notifications.services import Telling, notification_enqueue_many

from .models import Step, StepAlert
from .services import describe_day, process_link, step_moments, step_next_check

logger = logging.getLogger(__name__)
SWEEP_BATCH = 500


@dataclass
class StatutorySweepResult:
    reminders: int = 0
    concerns: list[Case] = field(default_factory=list)


def statutory_sweep(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH) -> StatutorySweepResult:
    """Send every statutory reminder due and raise a concern for every legal date missed, each exactly once.

    Idempotent and safe to run twice at once. Reminders go a batch at a time, in a fixed number of
    queries a batch; each missed date then gets its own transaction. A missed sweep catches up: a date
    long past raises its concern without the reminders it no longer needs.
    """
    now = now or timezone.now()
    calendar = WorkingCalendar()
    result = StatutorySweepResult()
    tried: set[int] = set()
    while True:
        locked, missed = _remind_batch(now=now, calendar=calendar, result=result, batch_size=batch_size, tried=tried)
        for step_id in missed:
            _sweep_missed(step_id, now=now, calendar=calendar, result=result)
        tried.update(locked)
        if len(locked) < batch_size:
            # Fewer than a batch could be locked: nothing more is due, or another sweep is on the rest.
            return result


@transaction.atomic
def _remind_batch(*, now, calendar, result, batch_size, tried) -> tuple[list[int], list[int]]:
    """Lock a batch of due steps; send the reminders among them; return the ids locked, and those missed."""
    steps = list(
        Step.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(check_at__lte=now)
        .exclude(pk__in=tried)
        .select_related("process__child", "process__coordinator__user")
        .order_by("check_at", "id")[:batch_size]
    )
    missed = [step.pk for step in steps if now >= step_moments(step.due_on, calendar)[StepAlert.Kind.MISSED]]
    reminding = [step for step in steps if step.pk not in set(missed)]
    # The steps are locked, so no other sweep can add alerts for them until this commits.
    sent: dict[int, set] = {}
    for step_id, kind, due_on in StepAlert.objects.filter(step__in=reminding).values_list("step_id", "kind", "due_on"):
        sent.setdefault(step_id, set()).add((kind, due_on))
    alerts = []
    for step in reminding:
        kind = _reminder_kind(step, now, calendar)
        if (kind, step.due_on) not in sent.get(step.pk, set()):
            alerts.append(StepAlert(step=step, kind=kind, due_on=step.due_on, recipient=step.process.coordinator,
                                    created_at=now))
            sent.setdefault(step.pk, set()).add((kind, step.due_on))
    StepAlert.objects.bulk_create(alerts)
    notification_enqueue_many(tellings=_reminder_tellings(alerts, now))
    result.reminders += len(alerts)
    for step in reminding:
        step.check_at = step_next_check(step, due_on=step.due_on, calendar=calendar, after=now,
                                        sent=sent.get(step.pk, set()))
    save_many_with_history(reminding, ["check_at"], at=now, reason="Statutory sweep")
    return [step.pk for step in steps], missed


def _reminder_kind(step: Step, now: datetime, calendar: WorkingCalendar) -> str:
    if now >= step_moments(step.due_on, calendar)[StepAlert.Kind.REMINDER_ON_DAY]:
        return StepAlert.Kind.REMINDER_ON_DAY
    return StepAlert.Kind.REMINDER_BEFORE


WHEN = {StepAlert.Kind.REMINDER_BEFORE: "in 5 working days", StepAlert.Kind.REMINDER_ON_DAY: "today"}


def _reminder_tellings(alerts: list[StepAlert], now: datetime) -> list[Telling]:
    """Each coordinator, and whoever covers them now (the cover that started first), told of each reminder."""
    covers = {}
    for cover in (
        Cover.objects.in_force(now)
        .filter(officer_id__in={alert.recipient_id for alert in alerts})
        .select_related("cover_officer__user")
        .order_by("-starts_at")
    ):
        covers[cover.officer_id] = cover.cover_officer
    tellings = []
    for alert in alerts:
        step = alert.step
        told = [alert.recipient] + ([covers[alert.recipient_id]] if alert.recipient_id in covers else [])
        tellings += [
            Telling(
                recipient=officer.user,
                template="officer_statutory_reminder",
                context={
                    "child_name": step.process.child.display_name,
                    "step": step.label,
                    "regulation": step.regulation,
                    "due": describe_day(step.due_on),
                    "when": WHEN[alert.kind],
                },
                link=process_link(step.process),
                dedupe_key=f"statutory-alert:{alert.pk}",
            )
            for officer in told
        ]
    return tellings


@transaction.atomic
def _sweep_missed(step_id: int, *, now: datetime, calendar: WorkingCalendar, result: StatutorySweepResult) -> None:
    """One missed date, in its own transaction: logging a concern locks a team's officers and the reference counter."""
    step = (
        Step.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("process__child__family", "process__coordinator__user")
        .filter(pk=step_id, check_at__lte=now)
        .first()
    )
    if step is None:
        # Another sweep holds it, or has just dealt with it.
        return
    _raise_concern(step, now=now, result=result)
    # Missed now, by this sweep or (the alert's unique constraint says) another: nothing is left but later dates.
    step.check_at = step_next_check(step, due_on=step.due_on, calendar=calendar, after=now,
                                    sent={(StepAlert.Kind.MISSED, step.due_on)})
    step._history_user, step._change_reason = None, "Statutory sweep"
    step.save(update_fields=["check_at"])


def _alert_once(step: Step, kind: str, *, now: datetime, recipient, case=None) -> StepAlert | None:
    """The alert row, or None if it exists already: the unique constraints decide, even between two sweeps."""
    try:
        with transaction.atomic():
            return StepAlert.objects.create(
                step=step, kind=kind, due_on=step.due_on, recipient=recipient, case=case, created_at=now
            )
    except IntegrityError:
        return None


def _raise_concern(step: Step, *, now: datetime, result: StatutorySweepResult) -> None:
    # No read first for a concern already raised: `check_at` leaves out a date once missed, so that is rare,
    # and when it happens (or two sweeps meet) the alert's unique constraint below rolls the concern back.
    process, child = step.process, step.process.child
    due = describe_day(step.due_on)
    with transaction.atomic():
        case = case_log(
            actor=process.coordinator.user,
            child_id=child.pk,
            category_slug="process_delay",
            summary=f"A legal date was missed: {step.label} (due {due})"[:200],
            description=(
                f"The council had to do this for {child.display_name} by {due}: {step.label}. "
                f"It did not. This time limit is set by law ({step.regulation}). "
                f"{process.coordinator.display_name} is the EHC coordinator for this {process.get_kind_display().lower()}."
            ),
            raised_because=f"a legal date was missed ({step.regulation})",
        )
        alert = _alert_once(step, StepAlert.Kind.MISSED, now=now, recipient=case.accountable_officer, case=case)
        if alert is None:
            # Raised by another sweep meanwhile: undo this one, nothing was told to anyone yet.
            transaction.set_rollback(True)
            return
    _tell_family_date_missed(step, case)
    result.concerns.append(case)
    logger.info("Statutory date missed: %s for child %s raised case %s", step.key, child.pk, case.reference)


def _tell_family_date_missed(step: Step, case: Case) -> None:
    notification_enqueue_many(
        tellings=[
            Telling(
                recipient=member.user,
                template="statutory_date_missed",
                context={
                    "reference": case.reference,
                    "child_name": step.process.child.display_name,
                    "step": step.label,
                    "due": describe_day(step.due_on),
                    "regulation": step.regulation,
                    "officer_name": case.accountable_officer.display_name,
                },
                link=case_link(case),
                dedupe_key=f"statutory-missed:{step.pk}",
            )
            for member in family_of(step.process.child)
        ]
    )
