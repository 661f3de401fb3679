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

from casework.models import Case
from casework.notices import case_link, family_of
from casework.selectors import cover_in_force
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

    Idempotent and safe to run twice at once. A missed sweep catches up: a date long past raises its
    concern without the reminders it no longer needs.
    """
    now = now or timezone.now()
    calendar = WorkingCalendar()
    result = StatutorySweepResult()
    tried: set[int] = set()
    while True:
        due = list(
            Step.objects.filter(check_at__lte=now).exclude(pk__in=tried).order_by("check_at", "id")
            .values_list("pk", flat=True)[:batch_size]
        )
        for step_id in due:
            _sweep_step(step_id, now=now, calendar=calendar, result=result)
        tried.update(due)
        if len(due) < batch_size:
            return result


@transaction.atomic
def _sweep_step(step_id: int, *, now: datetime, calendar: WorkingCalendar, result: StatutorySweepResult) -> None:
    step = (
        Step.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("process__child__family", "process__coordinator__user")
        .filter(pk=step_id, check_at__lte=now)
        .first()
    )
    if step is None:
        # Another sweep holds it, or has just dealt with it.
        return
    moments = step_moments(step.due_on, calendar)
    if now >= moments[StepAlert.Kind.MISSED]:
        _raise_concern(step, now=now, result=result)
    elif now >= moments[StepAlert.Kind.REMINDER_ON_DAY]:
        _remind(step, StepAlert.Kind.REMINDER_ON_DAY, "today", now=now, result=result)
    else:
        _remind(step, StepAlert.Kind.REMINDER_BEFORE, "in 5 working days", now=now, result=result)
    step.check_at = step_next_check(step, due_on=step.due_on, calendar=calendar, after=now)
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


def _remind(step: Step, kind: str, when: str, *, now: datetime, result: StatutorySweepResult) -> None:
    coordinator = step.process.coordinator
    alert = _alert_once(step, kind, now=now, recipient=coordinator)
    if alert is None:
        return
    cover = cover_in_force(coordinator)
    told = [coordinator] if cover is None else [coordinator, cover.cover_officer]
    notification_enqueue_many(
        tellings=[
            Telling(
                recipient=officer.user,
                template="officer_statutory_reminder",
                context={
                    "child_name": step.process.child.display_name,
                    "step": step.label,
                    "regulation": step.regulation,
                    "due": describe_day(step.due_on),
                    "when": when,
                },
                link=process_link(step.process),
                dedupe_key=f"statutory-alert:{alert.pk}",
            )
            for officer in told
        ]
    )
    result.reminders += 1


def _raise_concern(step: Step, *, now: datetime, result: StatutorySweepResult) -> None:
    if step.alerts.filter(kind=StepAlert.Kind.MISSED).exists():
        return
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
