"""The statutory sweep under time travel: reminders before and on the day, and a missed date raising one concern.

The request was received on Friday 18 December 2026, so the decision whether to assess is due by Friday
29 January 2027 (6 calendar weeks). Counting working days back for the reminder: Thursday 28, Wednesday 27,
Tuesday 26, Monday 25 and Friday 22 January, so it goes at 09:00 on Friday 22 January. The date is
missed once 29 January is over: at midnight UK time, the start of Saturday 30 January.
"""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from casework.models import Case, CaseEvent
from casework.selectors import cases_visible_to
from notifications.models import Notification
from statutory.models import StepAlert
from statutory.services import step_record
from statutory.sweep import statutory_sweep
from tests.escalations.conftest import at, uk

from .conftest import RECEIVED, start_assessment, step

REMIND_BEFORE = uk(2027, 1, 22, 9)
REMIND_ON_DAY = uk(2027, 1, 29, 9)
MISSED = uk(2027, 1, 30, 0)


def sweep(moment, times=1):
    with at(moment):
        return [statutory_sweep() for _ in range(times)]


def process_delays(child):
    return Case.objects.filter(child=child, category_id="process_delay")


def reminders_to(officer):
    return Notification.objects.filter(recipient=officer.user, template="officer_statutory_reminder",
                                       channel=Notification.Channel.IN_APP)


def test_the_coordinator_is_reminded_5_working_days_before_and_on_the_day_once_each(borough):
    process = start_assessment(borough)
    coordinator = process.coordinator
    sweep(REMIND_BEFORE - timedelta(minutes=1), times=2)
    assert not reminders_to(coordinator).exists()
    sweep(REMIND_BEFORE, times=3)
    assert reminders_to(coordinator).count() == 1
    sweep(REMIND_ON_DAY - timedelta(minutes=1))
    assert reminders_to(coordinator).count() == 1
    sweep(REMIND_ON_DAY, times=3)
    assert reminders_to(coordinator).count() == 2
    assert "today" in reminders_to(coordinator).latest("id").subject
    assert not process_delays(borough.child1).exists()


def test_a_missed_date_raises_exactly_one_concern_for_the_child_owned_and_visible_to_the_family(borough):
    process = start_assessment(borough)
    sweep(MISSED - timedelta(minutes=1))
    assert not process_delays(borough.child1).exists()
    sweep(MISSED, times=3)
    sweep(MISSED + timedelta(days=3), times=2)

    case = process_delays(borough.child1).get()
    assert case.accountable_officer.active
    assert case.status == Case.Status.NEW
    assert not case.logged_on_behalf
    assert cases_visible_to(borough.parent1).filter(pk=case.pk).exists()
    assert not cases_visible_to(borough.parent2).filter(pk=case.pk).exists()
    alert = StepAlert.objects.get(kind=StepAlert.Kind.MISSED)
    assert alert.step == step(process, "decision_to_assess")
    assert alert.case == case
    logged = case.events.get(kind=CaseEvent.Kind.LOGGED)
    # Raised under the process's coordinator, who is recorded as logging it, as for any concern.
    assert logged.actor == case.logged_by == process.coordinator.user
    assert "logged by SEND Casework because a legal date was missed" in logged.text
    assert "regulation 5(1)" in logged.text
    # The family is told in plain words what was due, by when, under which law, and who is accountable now.
    told = Notification.objects.get(recipient=borough.parent1, template="statutory_date_missed",
                                    channel=Notification.Channel.IN_APP)
    assert "Friday 29 January 2027" in told.body
    assert "Decide whether to carry out an assessment" in told.body
    assert "regulation 5(1)" in told.body
    assert case.accountable_officer.display_name in told.body
    # ...and not also told "we have logged your concern", which they never wrote.
    assert not Notification.objects.filter(recipient=borough.parent1, template="case_logged").exists()


def test_the_concern_climbs_the_escalation_ladder_as_any_other(borough):
    start_assessment(borough)
    sweep(MISSED)
    case = process_delays(borough.child1).get()
    assert case.clocks.count() == 3
    assert case.next_due_at is not None


def test_a_step_done_in_time_raises_nothing(borough):
    process = start_assessment(borough)
    with at(uk(2027, 1, 29, 16)):
        step_record(actor=process.coordinator.user, process=process, key="decision_to_assess",
                    done_on=date(2027, 1, 29))
    sweep(MISSED, times=2)
    assert not process_delays(borough.child1).exists()
    assert step(process, "decision_to_assess").check_at is None


def test_a_sweep_missed_for_days_raises_the_concern_without_stale_reminders(borough):
    process = start_assessment(borough)
    sweep(uk(2027, 2, 3, 10))
    assert process_delays(borough.child1).count() == 1
    assert not reminders_to(process.coordinator).exists()


def test_the_familys_own_15_days_never_raise_a_concern(borough):
    process = start_assessment(borough)
    with at(uk(2027, 1, 20, 12)):
        step_record(actor=process.coordinator.user, process=process, key="decision_to_assess",
                    done_on=date(2027, 1, 20))
    with at(uk(2027, 3, 1, 12)):
        step_record(actor=process.coordinator.user, process=process, key="draft_plan", done_on=date(2027, 3, 1))
    sweep(uk(2027, 3, 20, 10))
    assert not process_delays(borough.child1).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_raise_one_concern_for_each_missed_date(borough):
    start_assessment(borough)
    start_assessment(borough, child=borough.child2)
    both_ready = threading.Barrier(2)
    errors = []

    def run():
        try:
            both_ready.wait(timeout=10)
            # The moment passed in, not travelled to: time travel is process-wide, and each thread is a sweep.
            statutory_sweep(now=MISSED + timedelta(minutes=1))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert process_delays(borough.child1).count() == 1
    assert process_delays(borough.child2).count() == 1
    assert StepAlert.objects.filter(kind=StepAlert.Kind.MISSED).count() == 2
    for case in Case.objects.filter(category_id="process_delay"):
        assert case.accountable_officer.active


def test_beat_runs_the_statutory_sweep_every_minute_with_time_limits(borough, settings):
    from statutory.tasks import run_statutory_sweep

    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "statutory.sweep"]
    assert entry["schedule"] == 60.0
    assert run_statutory_sweep.soft_time_limit < run_statutory_sweep.time_limit
    start_assessment(borough)
    with at(MISSED + timedelta(minutes=1)):
        assert run_statutory_sweep.apply().get() == 1
    assert process_delays(borough.child1).count() == 1


def test_whoever_covers_the_coordinator_is_reminded_too(borough):
    from casework.models import Cover

    process = start_assessment(borough)
    coordinator = process.coordinator
    cover_officer = borough.north.officers.exclude(pk=coordinator.pk).filter(is_manager=False).first()
    Cover.objects.create(officer=coordinator, cover_officer=cover_officer, starts_at=uk(2027, 1, 18),
                         ends_at=uk(2027, 2, 5), set_by=borough.north.manager.user)
    sweep(REMIND_BEFORE)
    assert reminders_to(coordinator).count() == 1
    assert reminders_to(cover_officer).count() == 1


def test_a_batch_of_reminders_costs_a_fixed_number_of_queries(borough, django_assert_max_num_queries):
    for _ in range(6):
        start_assessment(borough)
    with at(REMIND_BEFORE), django_assert_max_num_queries(20):
        result = statutory_sweep()
    assert result.reminders == 6


def test_an_exception_withdrawn_after_the_date_passed_raises_the_concern_it_held_back(borough):
    from statutory.services import exception_record, exception_withdraw

    process = start_assessment(borough)
    with at(uk(2027, 1, 20, 12)):
        exception = exception_record(actor=process.coordinator.user, process=process, regulation="5(4)(c)",
                                     reason="The family asked us to wait.", starts_on=date(2027, 1, 10))
    sweep(MISSED + timedelta(days=1))
    assert not process_delays(borough.child1).exists()
    with at(uk(2027, 2, 3, 12)):
        exception_withdraw(actor=process.coordinator.user, exception=exception)
    sweep(uk(2027, 2, 3, 12, 1), times=2)
    assert process_delays(borough.child1).count() == 1
    assert not reminders_to(process.coordinator).exists()


def sweep_queries(moment) -> int:
    """The queries of one sweep at `moment`, rolled back so the same sweep can be counted again."""
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        sweep(moment)
        transaction.set_rollback(True)
    return len(queries)


def test_the_sweeps_queries_follow_the_dates_due_not_the_open_steps(borough):
    start_assessment(borough)
    # The first sweep also fills the cache of read-mostly rows (core.read_mostly): count from the second.
    sweep_queries(MISSED)
    with_few_open_steps = sweep_queries(MISSED)
    for weeks_later in range(3, 13):
        start_assessment(borough, child=borough.child2, on=RECEIVED + timedelta(weeks=weeks_later))

    assert sweep_queries(MISSED) == with_few_open_steps
