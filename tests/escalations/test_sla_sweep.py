"""The sweep under time travel: reminders and the ladder happen once each, on time, and cheaply.

The case is provision not delivered, logged on Monday 23 November 2026 at 09:15:
- acknowledge due Wednesday 25 November 17:00, reminder 09:00 that day;
- respond due Monday 7 December 17:00; resolve due Monday 21 December 17:00;
- first breach Wednesday 25 November 17:00, so level 2 is due Wednesday 2 December 17:00
  (5 working days later) and level 3 Wednesday 9 December 17:00 (10 working days later).
"""

import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from casework.models import Case, CaseEvent, Category
from casework.services import case_acknowledge, case_message_add, case_resolve, case_start
from escalations.models import Alert, Clock, ClockKind
from escalations.services import sla_sweep
from escalations.tasks import run_sla_sweep
from notifications.models import Notification

from .conftest import at, events, log_case, outbox, sweep, sweep_every_minute, uk

LOGGED = uk(2026, 11, 23, 9, 15)
REMIND_AT = uk(2026, 11, 25, 9)
ACKNOWLEDGE_DUE = uk(2026, 11, 25, 17)
LEVEL_TWO_AT = uk(2026, 12, 2, 17)
LEVEL_THREE_AT = uk(2026, 12, 9, 17)


@pytest.fixture
def case(borough):
    return log_case(borough, when=LOGGED)


def one_row_per_channel(rows):
    """An event reaches a person once on each channel: in-app always, email as they allow."""
    channels = list(rows.values_list("channel", flat=True))
    assert Notification.Channel.IN_APP in channels
    assert len(channels) == len(set(channels)), channels
    return len(channels)


def escalations(case, level):
    return Alert.objects.filter(case=case, kind=Alert.Kind.ESCALATION, level=level)


def sweep_around(moment, *, before=10, after=10, times_each=2):
    """Sweep every minute from `before` minutes before `moment` to `after` minutes after, twice a minute."""
    sweep_every_minute(moment - timedelta(minutes=before), before + after, times_each=times_each)


# --- each point, exactly once --------------------------------------------------------------


def test_each_point_of_the_ladder_happens_once_however_often_the_sweep_runs(borough, case):
    officer = case.accountable_officer
    manager, head, director = borough.north.manager, borough.head_of_service, borough.director

    # The reminder: nothing before 09:00 on the day the acknowledgement falls due, then exactly one.
    sweep_every_minute(REMIND_AT - timedelta(minutes=10), 9, times_each=2)
    assert not Alert.objects.filter(case=case).exists()
    sweep_every_minute(REMIND_AT, 10, times_each=2)

    reminder = Alert.objects.get(case=case)
    assert reminder.kind == Alert.Kind.REMINDER
    assert reminder.level == 0
    assert reminder.clock.kind == ClockKind.ACKNOWLEDGE
    assert reminder.recipient == officer
    assert reminder.recipient_role == Alert.Role.OFFICER
    assert reminder.owner == officer
    assert reminder.created_at == REMIND_AT
    assert one_row_per_channel(outbox(officer.user, "officer_reminder")) >= 1
    reminder_event = events(case, CaseEvent.Kind.REMINDER).get()
    assert reminder_event.internal is True
    assert reminder_event.at == REMIND_AT

    # The breach: level 1, the team manager, at 17:00 and not a minute before.
    sweep_every_minute(ACKNOWLEDGE_DUE - timedelta(minutes=10), 9, times_each=2)
    assert not escalations(case, 1).exists()
    sweep_every_minute(ACKNOWLEDGE_DUE, 10, times_each=2)

    level_one = escalations(case, 1).get()
    assert level_one.clock.kind == ClockKind.ACKNOWLEDGE
    assert level_one.recipient == manager
    assert level_one.recipient_role == Alert.Role.TEAM_MANAGER
    assert level_one.owner == officer
    assert level_one.created_at == ACKNOWLEDGE_DUE
    assert one_row_per_channel(outbox(manager.user, "manager_escalation")) >= 1
    assert events(case, CaseEvent.Kind.ESCALATED).count() == 1
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert case.first_breached_at == ACKNOWLEDGE_DUE
    assert case.escalation_due_at == LEVEL_TWO_AT

    # Acknowledged late and started: no more clock breaches, but the ladder keeps climbing.
    with at(uk(2026, 11, 26, 10)):
        case_acknowledge(actor=officer.user, case=case)
        case_start(actor=officer.user, case=case)
        case_message_add(actor=officer.user, case=case, text="I have asked the provider what went wrong and will put it right.")

    # Level 2: the head of service, 5 working days after the first breach.
    sweep_around(LEVEL_TWO_AT)
    level_two = escalations(case, 2).get()
    assert level_two.recipient == head
    assert level_two.recipient_role == Alert.Role.HEAD_OF_SERVICE
    assert level_two.created_at == LEVEL_TWO_AT
    assert one_row_per_channel(outbox(head.user, "manager_escalation")) >= 1
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert case.escalation_due_at == LEVEL_THREE_AT

    # Level 3: the director, 10 working days after the first breach.
    sweep_around(LEVEL_THREE_AT)
    level_three = escalations(case, 3).get()
    assert level_three.recipient == director
    assert level_three.recipient_role == Alert.Role.DIRECTOR
    assert level_three.created_at == LEVEL_THREE_AT
    assert one_row_per_channel(outbox(director.user, "manager_escalation")) >= 1
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert case.escalation_due_at is None

    # The top of the ladder: nothing more, however long it runs on (before the resolve reminder).
    sweep(uk(2026, 12, 18, 12), times=3)
    assert Alert.objects.filter(case=case).count() == 4
    assert events(case, CaseEvent.Kind.ESCALATED).count() == 3
    assert events(case, CaseEvent.Kind.REMINDER).count() == 1
    assert outbox(officer.user, "officer_reminder").values("dedupe_key").distinct().count() == 1
    assert Notification.objects.filter(template="manager_escalation").values("dedupe_key").distinct().count() == 3


def test_a_breach_of_a_later_clock_tells_the_team_manager_again_about_that_clock(borough, case):
    # Acknowledged in time, but the first response is late.
    with at(uk(2026, 11, 24, 10)):
        case_acknowledge(actor=case.accountable_officer.user, case=case)

    sweep_around(uk(2026, 12, 7, 9))
    sweep_around(uk(2026, 12, 7, 17))

    reminder = Alert.objects.get(case=case, kind=Alert.Kind.REMINDER)
    assert reminder.clock.kind == ClockKind.RESPOND
    assert reminder.created_at == uk(2026, 12, 7, 9)
    level_one = escalations(case, 1).get()
    assert level_one.clock.kind == ClockKind.RESPOND
    assert level_one.created_at == uk(2026, 12, 7, 17)
    case.refresh_from_db()
    assert case.first_breached_at == uk(2026, 12, 7, 17)
    assert case.escalation_due_at == uk(2026, 12, 14, 17)


def test_a_chase_nobody_answers_goes_to_the_head_of_service_and_the_director_still_waits_ten_working_days(
    borough, case, api
):
    head, director = borough.head_of_service, borough.director
    sweep(ACKNOWLEDGE_DUE + timedelta(minutes=1))
    with at(uk(2026, 11, 26, 10)):
        chased = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/chase/", {}, format="json")
    assert chased.status_code == 200, chased.content

    # Nobody answered by Monday 30 November 17:00: the head of service is told at once.
    sweep(uk(2026, 11, 30, 17, 1))
    assert escalations(case, 2).get().recipient == head
    with at(uk(2026, 12, 1, 10)):
        body = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
    assert body["sla"]["next_escalation"]["role"] == "director"
    assert body["sla"]["next_escalation"]["at"] == "2026-12-09T17:00:00Z"

    # The director hears 10 working days after the first breach, not at the point set for level 2.
    sweep(LEVEL_TWO_AT + timedelta(minutes=1))
    assert not escalations(case, 3).exists()
    sweep(LEVEL_THREE_AT)
    assert escalations(case, 3).get().recipient == director
    assert Notification.objects.filter(recipient=director.user, template="manager_escalation").exists()


# --- catching up ---------------------------------------------------------------------------


def test_a_sweep_missed_for_an_hour_catches_up_on_the_next_run_without_duplicates(borough, case):
    officer, manager = case.accountable_officer, borough.north.manager

    # Nothing ran from 08:59 to 10:00.
    sweep(uk(2026, 11, 25, 8, 59))
    sweep_every_minute(uk(2026, 11, 25, 10), 5, times_each=2)

    reminder = Alert.objects.get(case=case, kind=Alert.Kind.REMINDER)
    assert reminder.created_at == uk(2026, 11, 25, 10)
    one_row_per_channel(outbox(officer.user, "officer_reminder"))

    # Nothing ran from 16:59 to 18:00.
    sweep(uk(2026, 11, 25, 16, 59))
    sweep_every_minute(uk(2026, 11, 25, 18), 5, times_each=2)

    level_one = escalations(case, 1).get()
    assert level_one.created_at == uk(2026, 11, 25, 18)
    one_row_per_channel(outbox(manager.user, "manager_escalation"))
    case.refresh_from_db()
    # The ladder counts from when the date passed, not from when the sweep noticed.
    assert case.first_breached_at == ACKNOWLEDGE_DUE
    assert case.escalation_due_at == LEVEL_TWO_AT

    # Nothing ran over the level 2 point either.
    sweep(LEVEL_TWO_AT - timedelta(minutes=1))
    sweep_every_minute(LEVEL_TWO_AT + timedelta(hours=1), 5, times_each=2)
    assert escalations(case, 2).get().created_at == LEVEL_TWO_AT + timedelta(hours=1)
    assert Alert.objects.filter(case=case).count() == 3


def test_a_sweep_that_missed_the_breach_and_both_ladder_points_climbs_to_the_top_in_one_run(borough, case):
    # The sweep did not run from before the first breach until after level 3 was due.
    sweep(uk(2026, 11, 25, 16, 59))

    sweep(uk(2026, 12, 10, 10))

    # Acknowledge (due 25 November) and respond (due 7 December) both ran out meanwhile: level 1 for each.
    assert sorted(escalations(case, 1).values_list("clock__kind", flat=True)) == ["acknowledge", "respond"]
    assert escalations(case, 2).get().recipient == borough.head_of_service
    # Level 3 was due on 9 December: the run after the outage must not leave it for yet another sweep.
    assert escalations(case, 3).count() == 1
    assert Case.objects.get(pk=case.pk).escalation_level == 3


def test_a_sweep_that_missed_the_reminder_and_the_due_moment_sends_only_the_escalation(borough, case):
    sweep(uk(2026, 11, 25, 17, 30))

    assert not Alert.objects.filter(case=case, kind=Alert.Kind.REMINDER).exists()
    assert escalations(case, 1).count() == 1


def test_a_clock_stopped_late_between_two_sweeps_is_still_escalated(borough, case):
    # The 17:00 sweep ran a moment early (or was missed); the officer acknowledged at 17:00:30, late.
    sweep(uk(2026, 11, 25, 16, 59))
    with at(ACKNOWLEDGE_DUE + timedelta(seconds=30)):
        case_acknowledge(actor=case.accountable_officer.user, case=case)

    sweep_every_minute(uk(2026, 11, 25, 17, 1), 5)

    # DESIGN.md: level 1 "when any clock is breached", and a missed beat never loses an action.
    level_one = escalations(case, 1).get()
    assert level_one.clock.kind == ClockKind.ACKNOWLEDGE
    assert level_one.recipient == borough.north.manager
    case.refresh_from_db()
    assert case.first_breached_at == ACKNOWLEDGE_DUE
    assert case.escalation_due_at == LEVEL_TWO_AT


# --- what stops the ladder ---------------------------------------------------------------------


def test_a_case_acknowledged_in_time_gets_no_reminder_or_escalation_for_acknowledgement(borough, case):
    with at(uk(2026, 11, 24, 15)):
        case_acknowledge(actor=case.accountable_officer.user, case=case)

    sweep_around(REMIND_AT)
    sweep_around(ACKNOWLEDGE_DUE)
    sweep_around(LEVEL_TWO_AT)

    assert not Alert.objects.filter(case=case).exists()
    assert not Notification.objects.filter(template__in=["officer_reminder", "manager_escalation"]).exists()
    case.refresh_from_db()
    assert case.escalation_level == 0
    assert case.first_breached_at is None
    assert case.escalation_due_at is None


def test_a_resolved_case_stops_climbing_the_ladder(borough, case):
    officer = case.accountable_officer.user
    sweep_around(ACKNOWLEDGE_DUE)
    assert escalations(case, 1).count() == 1
    with at(uk(2026, 11, 26, 10)):
        case_acknowledge(actor=officer, case=case)
        case_resolve(actor=officer, case=case, outcome="Therapy sessions restarted on Monday.")

    sweep_around(LEVEL_TWO_AT)
    sweep_around(LEVEL_THREE_AT)
    # And no reminders on the clocks that stopped when it was resolved.
    sweep_around(uk(2026, 12, 7, 9))
    sweep_around(uk(2026, 12, 21, 17))

    assert list(Alert.objects.filter(case=case).values_list("kind", "level")) == [("reminder", 0), ("escalation", 1)]
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert case.escalation_due_at is None
    assert not Clock.objects.filter(case=case, next_check_at__isnull=False).exists()


# --- cost -------------------------------------------------------------------------------------


def bulk_open_cases(borough, count, *, start, due=None):
    """`count` open cases whose clocks all fall due at `due` (a year away by default), made without the services."""
    officer = borough.officer1
    category = Category.objects.get(pk="other")
    later = due or uk(2027, 11, 1, 17)
    cases = Case.objects.bulk_create(
        [
            Case(
                reference=f"BULK-{start + n:06d}",
                organisation=borough.organisation,
                child=borough.child2,
                category=category,
                summary="Not yet due",
                description="Made in bulk for a test.",
                accountable_officer=officer,
                team=borough.north,
                logged_by=borough.parent2,
                created_at=uk(2026, 11, 20, 9),
                next_due_at=later,
            )
            for n in range(count)
        ]
    )
    Clock.objects.bulk_create(
        [
            Clock(
                case=c,
                kind=kind,
                unit="days",
                started_at=uk(2026, 11, 20, 9),
                due_at=later,
                remind_at=later - timedelta(hours=8),
                next_check_at=later - timedelta(hours=8),
            )
            for c in cases
            for kind in (ClockKind.ACKNOWLEDGE, ClockKind.RESPOND, ClockKind.RESOLVE)
        ]
    )


def test_the_sweep_costs_the_same_number_of_queries_with_10_or_1000_open_cases_not_yet_due(borough):
    # One case breaches in each measured sweep, so the sweep has the same real work to do both times.
    first = log_case(borough, when=uk(2026, 11, 23, 9))  # acknowledge due Wednesday 25 November 17:00
    second = log_case(borough, when=uk(2026, 11, 24, 9))  # acknowledge due Thursday 26 November 17:00
    bulk_open_cases(borough, 10, start=0)

    with at(uk(2026, 11, 25, 17)), CaptureQueriesContext(connection) as few:
        sla_sweep()
    bulk_open_cases(borough, 990, start=10)
    assert Case.objects.filter(status=Case.Status.NEW).count() == 1002
    with at(uk(2026, 11, 26, 17)), CaptureQueriesContext(connection) as many:
        sla_sweep()

    assert escalations(first, 1).count() == 1
    assert escalations(second, 1).count() == 1
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]



def test_a_sweep_costs_the_same_number_of_queries_for_2_or_40_breached_cases(borough):
    # The batch is decided in memory and written at once: alerts, timeline lines, messages and history.
    bulk_open_cases(borough, 2, start=0, due=uk(2026, 11, 25, 17))
    with at(uk(2026, 11, 25, 17)), CaptureQueriesContext(connection) as few:
        sla_sweep()
    bulk_open_cases(borough, 40, start=2, due=uk(2026, 11, 26, 17))
    with at(uk(2026, 11, 26, 17)), CaptureQueriesContext(connection) as many:
        result = sla_sweep()

    # Three clocks a case, each breached: the team manager hears of each one once.
    assert (result.reminders, result.escalations) == (0, 120)
    manager = borough.north.manager
    assert Alert.objects.filter(kind=Alert.Kind.ESCALATION, level=1, recipient=manager).count() == 126
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.ESCALATED, case__reference__startswith="BULK-").count() == 126
    assert Notification.objects.filter(
        recipient=manager.user, template="manager_escalation", channel=Notification.Channel.IN_APP
    ).count() == 126
    swept = Case.history.filter(history_change_reason="SLA sweep", history_user=None)
    assert swept.filter(reference__startswith="BULK-").count() == 42
    assert Case.objects.filter(reference__startswith="BULK-", escalation_level=1).count() == 42
    assert statements(many) == statements(few)


def test_each_further_batch_of_a_sweep_costs_the_same_queries_and_the_due_read_goes_on_from_the_last(borough):
    # Three clocks a batch, and each case has three due at once: a batch a case, 3 batches and then 9. The
    # posts on the ladder are read once a sweep, in its first batch.
    bulk_open_cases(borough, 3, start=0, due=uk(2026, 11, 25, 17))
    with at(uk(2026, 11, 25, 17)), CaptureQueriesContext(connection) as three_batches:
        sla_sweep(batch_size=3)
    bulk_open_cases(borough, 9, start=3, due=uk(2026, 11, 26, 17))
    with at(uk(2026, 11, 26, 17)), CaptureQueriesContext(connection) as nine_batches:
        result = sla_sweep(batch_size=3)

    assert result.escalations == 27
    assert Case.objects.filter(reference__startswith="BULK-", escalation_level=1).count() == 12
    assert len(nine_batches) - len(three_batches) == 6 * QUERIES_A_FURTHER_BATCH
    due_reads = [
        q["sql"] for q in nine_batches.captured_queries if q["sql"].startswith('SELECT "escalations_clock"."next_check_at"')
    ]
    # Each read after the first starts after the last clock the batch before it read, not from the beginning.
    assert len(due_reads) == 10
    assert all('"escalations_clock"."next_check_at" >' in sql for sql in due_reads[1:])


# A batch's work, written at once (the cases' locks, their due clocks, the alerts already sent, covers, the
# clocks saved, the alerts written and read back, timeline lines with their chains, the outbox, the cases with
# their history, and the transaction's savepoint in a test), whatever its size.
QUERIES_A_FURTHER_BATCH = 17


def statements(captured) -> list[str]:
    """What each query did, with savepoint names left out and a bulk insert counted once.

    SQLite splits a bulk insert into several statements (it takes at most 999
    values at a time); PostgreSQL sends one.
    """
    kinds = []
    for query in captured.captured_queries:
        words = query["sql"].split()
        kind = " ".join(words[:1] if "SAVEPOINT" in words else words[:4])
        if not (kind.startswith("INSERT") and kinds and kinds[-1] == kind):
            kinds.append(kind)
    return kinds


def test_a_sweep_in_several_batches_acts_on_every_due_case_once_and_reads_the_ladder_once(borough):
    bulk_open_cases(borough, 7, start=0, due=uk(2026, 11, 25, 17))

    with at(uk(2026, 11, 25, 17)), CaptureQueriesContext(connection) as captured:
        result = sla_sweep(batch_size=3)

    assert result.escalations == 21
    assert Case.objects.filter(reference__startswith="BULK-", escalation_level=1).count() == 7
    assert Alert.objects.filter(kind=Alert.Kind.ESCALATION).count() == 21
    team_reads = [q for q in captured.captured_queries if q["sql"].startswith('SELECT "casework_team"')]
    assert len(team_reads) == 1
    with at(uk(2026, 11, 25, 17)):
        assert sla_sweep(batch_size=3).alerts == 0


def test_with_every_post_above_the_officer_empty_the_ladder_still_climbs_to_the_top_and_stops(borough, case, caplog):
    # A council between managers: nobody to tell, but the case still counts as escalated, and the sweep ends.
    case.team.manager = case.team.head_of_service = None
    case.team.save()
    case.organisation.director = None
    case.organisation.save()

    sweep(LEVEL_THREE_AT + timedelta(days=30))

    case.refresh_from_db()
    assert case.escalation_level == 3
    assert case.escalation_due_at is None
    assert not Alert.objects.filter(case=case, kind=Alert.Kind.ESCALATION).exists()
    assert f"Case {case.reference} reached escalation level 3, but its team and council have nobody" in caplog.text


def test_the_sweep_with_nothing_due_does_not_grow_with_open_cases(borough):
    bulk_open_cases(borough, 10, start=0)
    with at(uk(2026, 11, 25, 17)), CaptureQueriesContext(connection) as few:
        sla_sweep()
    bulk_open_cases(borough, 990, start=10)
    with at(uk(2026, 11, 25, 17)), CaptureQueriesContext(connection) as many:
        sla_sweep()

    assert len(many) == len(few)


# --- how it is run -------------------------------------------------------------------------


def test_the_management_command_says_what_it_did(borough, case):
    officer, manager = case.accountable_officer, borough.north.manager

    with at(REMIND_AT):
        morning = StringIO()
        call_command("sla_sweep", stdout=morning)
    with at(ACKNOWLEDGE_DUE):
        evening = StringIO()
        call_command("sla_sweep", stdout=evening)
        again = StringIO()
        call_command("sla_sweep", stdout=again)

    assert f"Reminder level 0 on {case.reference} (acknowledge) to {officer.display_name}, named officer" in (
        morning.getvalue()
    )
    assert "1 reminders and 0 escalations sent." in morning.getvalue()
    assert f"Escalation level 1 on {case.reference} (acknowledge) to {manager.display_name}, team manager" in (
        evening.getvalue()
    )
    assert "0 reminders and 1 escalations sent." in evening.getvalue()
    assert again.getvalue().strip() == "0 reminders and 0 escalations sent."


def test_the_celery_task_runs_the_sweep_and_counts_what_it_sent(borough, case):
    with at(ACKNOWLEDGE_DUE):
        assert run_sla_sweep.delay().get() == 1
        assert run_sla_sweep.delay().get() == 0


# --- two sweeps at once (PostgreSQL) ------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_the_same_moment_escalate_a_breached_case_once(borough):
    breached = [log_case(borough, when=LOGGED), log_case(borough, when=LOGGED, child=borough.child2)]
    moment = uk(2026, 11, 25, 17, 5)
    both_ready = threading.Barrier(2)
    results, errors = [], []

    def run():
        # Each thread has its own database connection, as two beat-triggered workers would.
        try:
            both_ready.wait(timeout=10)
            results.append(sla_sweep(now=moment))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(results) == 2
    assert sum(result.escalations for result in results) == len(breached)
    manager = borough.north.manager
    for case in breached:
        assert escalations(case, 1).count() == 1
        assert events(case, CaseEvent.Kind.ESCALATED).count() == 1
        assert Case.objects.get(pk=case.pk).escalation_level == 1
    rows = outbox(manager.user, "manager_escalation")
    for channel in rows.values_list("channel", flat=True).distinct():
        assert rows.filter(channel=channel).count() == len(breached)
