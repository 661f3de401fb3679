"""The demo borough's statutory processes: children at every stage, made through the services.

Registered with `casework.demo.extras` (apps.py), so `seed_demo` runs it once, as it first builds the
borough: running the command twice changes nothing.
Dates are counted back from today, so the stories stay true whenever the demo is made:
- a needs assessment whose 6-week decision date has passed: the sweep, run at the end, raises
  its `process_delay` concern for the family by itself;
- an assessment whose 20-week date is set aside by an exception (the family away from the area);
- a panel's refusal to assess, with who sat on the panel and the family's mediation and appeal dates;
- an assessment going well, with the draft plan sent and the family's 15 days to comment running;
- an annual review overdue (the plan was made over a year ago), which raises a concern too;
- a phase transfer to secondary school due before the next 15 February.
"""

from datetime import date, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.demo.data import DEMO_ORGANISATION
from casework.models import Child, Organisation

from .models import Process
from .rules import PRIMARY_TO_SECONDARY
from .services import decision_record, exception_record, process_start, step_record, uk_today
from .sweep import statutory_sweep


def seed_statutory_demo() -> int:
    """Make the demo council's statutory processes; returns how many. Does nothing if it has any already."""
    organisation = Organisation.objects.get(name=DEMO_ORGANISATION)
    if Process.objects.filter(organisation=organisation).exists():
        return 0
    admin = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    children = list(Child.objects.filter(family__organisation=organisation).order_by("pk"))
    parent1_children = [c for c in children if c.family.memberships.filter(user__username="parent1").exists()]
    parent2_children = [c for c in children if c.family.memberships.filter(user__username="parent2").exists()]
    others = [c for c in children if c not in parent1_children + parent2_children]
    today = uk_today()
    manager = organisation.director

    # One frozen moment, as the rest of the demo plays each of its moments: every record made here,
    # and its history, carries the same time.
    with time_machine.travel(timezone.now(), tick=False):
        _late_assessment(admin, parent2_children[0], today)
        _panel_refusal(admin, parent1_children[0], today, manager)
        _going_well(admin, parent1_children[-1], today, manager)
        _with_exception(admin, others[0], today, manager)
        _overdue_review(admin, others[1], today)
        _phase_transfer(admin, others[2], today)
        statutory_sweep()
    return Process.objects.filter(organisation=organisation).count()


def _start(admin, child, kind, received_on, **fields) -> Process:
    return process_start(actor=admin, child_id=child.pk, kind=kind, received_on=received_on, **fields)


def _late_assessment(admin, child, today):
    _start(admin, child, Process.Kind.NEEDS_ASSESSMENT, today - timedelta(weeks=7), requested_by="parent")


def _panel_refusal(admin, child, today, manager):
    process = _start(admin, child, Process.Kind.NEEDS_ASSESSMENT, today - timedelta(weeks=5), requested_by="school")
    panel = [manager.pk, *_team_members(process)]
    decision_record(
        actor=admin, process=process, decision="not_assess", decided_on=today - timedelta(days=6),
        approved_by=manager.pk, panel=panel,
        reasons="The panel found that the school can meet these needs from the support it already gives, "
        "with the speech and language therapy it has arranged. We will look again if that changes.",
    )


def _going_well(admin, child, today, manager):
    process = _start(admin, child, Process.Kind.NEEDS_ASSESSMENT, today - timedelta(weeks=14), requested_by="parent")
    decision_record(
        actor=admin, process=process, decision="assess", decided_on=process.received_on + timedelta(weeks=5),
        approved_by=manager.pk, reasons="The school's evidence shows needs it cannot meet from its own resources.",
    )
    step_record(actor=admin, process=process, key="advice_requested", done_on=process.received_on + timedelta(weeks=5))
    step_record(actor=admin, process=process, key="advice", done_on=process.received_on + timedelta(weeks=10))
    decision_record(
        actor=admin, process=process, decision="issue", decided_on=process.received_on + timedelta(weeks=12),
        approved_by=manager.pk, reasons="The advice shows a plan is needed to secure the provision.",
    )
    step_record(actor=admin, process=process, key="draft_plan", done_on=today - timedelta(days=5))


def _with_exception(admin, child, today, manager):
    process = _start(admin, child, Process.Kind.NEEDS_ASSESSMENT, today - timedelta(weeks=15), requested_by="parent")
    decision_record(
        actor=admin, process=process, decision="assess", decided_on=process.received_on + timedelta(weeks=4),
        approved_by=manager.pk, reasons="The family's and school's evidence show needs the school cannot meet.",
    )
    exception_record(
        actor=admin, process=process, regulation="13(3)(d)", starts_on=process.received_on + timedelta(weeks=8),
        ends_on=process.received_on + timedelta(weeks=13),
        reason="The family were abroad for five weeks, so the educational psychologist could not meet the child.",
    )


def _overdue_review(admin, child, today):
    _start(admin, child, Process.Kind.ANNUAL_REVIEW, today - timedelta(days=30),
           plan_dated_on=today - timedelta(days=400))


def _phase_transfer(admin, child, today):
    year = today.year if today < date(today.year, 2, 15) else today.year + 1
    _start(admin, child, Process.Kind.PHASE_TRANSFER, today, transfer=PRIMARY_TO_SECONDARY.key,
           transfer_on=date(year, 9, 1))


def _team_members(process) -> list[int]:
    team = process.coordinator.team
    return [officer.pk for officer in team.officers.filter(active=True).order_by("pk")[:2]] if team else []
