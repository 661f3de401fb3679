"""The demo borough has children at every stage of the statutory process (issue 18, point 7)."""

from io import StringIO

import pytest
from django.core.management import call_command

from casefile.models import ProcessAttachment
from casefile.selectors import attachments_of_process_for
from casework.models import Case
from casework.selectors import cases_visible_to
from statutory.models import Decision, Process, StepException
from statutory.selectors import processes_visible_to
from statutory.services import uk_today


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def test_the_demo_has_every_stage_a_late_date_that_raised_a_concern_and_files_on_a_step_and_a_decision(
    demo, django_user_model
):
    parent1 = django_user_model.objects.get(username="parent1")
    parent2 = django_user_model.objects.get(username="parent2")
    today = uk_today()
    assert set(Process.objects.values_list("kind", flat=True)) >= {"needs_assessment", "annual_review", "phase_transfer"}
    refusal = Decision.objects.get(decision="not_assess")
    assert refusal.panel.count() >= 2
    assert processes_visible_to(parent1).filter(decisions=refusal).exists()
    assert StepException.objects.filter(withdrawn_at__isnull=True).exists()
    transfer = Process.objects.get(kind="phase_transfer").steps.get(key="phase_transfer_plan")
    assert (transfer.due_on.month, transfer.due_on.day) == (2, 14) and transfer.due_on >= today
    delays = Case.objects.filter(category_id="process_delay", statutory_alert__isnull=False)
    assert delays.count() == 2
    assert cases_visible_to(parent2).filter(pk__in=delays).exists()
    # One seeding serves both: it takes seconds. The family sees the files on a step and on a decision.
    files = ProcessAttachment.objects.filter(process__in=processes_visible_to(parent1))
    on_step, on_decision = files.get(step__key="advice"), files.get(decision__decision="issue")
    assert on_step.process_id == on_decision.process_id
    process = Process.objects.get(pk=on_step.process_id)
    assert set(attachments_of_process_for(parent1, process)) == {on_step, on_decision}


def test_running_the_demo_twice_changes_nothing(demo):
    processes = Process.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Process.objects.count() == processes

