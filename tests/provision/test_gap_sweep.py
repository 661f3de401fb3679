"""The gap sweep raises one concern for one shortfall, owned by the body answerable for the item.

The items start on Wednesday 2 September 2026 with one session a week in term time (usual dates: half term
is the week of 26 October). The sweep runs on Monday 30 November and judges the weeks up to Sunday 29th.
"""

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections

from casework.models import Case
from notifications.models import Notification
from provision import services
from provision.gaps import provision_gap_sweep
from provision.models import Delivery, DeliveryCheck, ProvisionGap
from tests.escalations.conftest import at, uk

MONDAY = uk(2026, 11, 30, 10)
HALF_TERM = date(2026, 10, 26)


def mondays(first: date, last: date):
    day = first
    while day <= last:
        if day != HALF_TERM:
            yield day
        day += timedelta(weeks=1)


def sessions(item, by, days, status="delivered"):
    """Record a session on each of `days`, as the provider would, on the Monday after."""
    with at(MONDAY):
        for day in days:
            services.delivery_record(
                actor=by,
                item=item,
                on=day,
                status=status,
                reason="" if status == "delivered" else "The therapist was off sick",
            )


def delivered_throughout(bodies, last=date(2026, 11, 23)):
    """The council's items delivered every week, so only what a test changes is short."""
    for item, by in ((bodies.teaching, bodies.outreach_worker), (bodies.other_child_teaching, bodies.outreach_worker)):
        sessions(item, by, mondays(date(2026, 9, 7), last))


def sweep(when=MONDAY):
    with at(when):
        return provision_gap_sweep()


def gap_cases(item):
    return Case.objects.filter(provision_item=item, category_id="provision_not_delivered")


def test_two_sessions_missed_in_a_row_raise_one_concern_owned_by_the_icbs_officer(borough, bodies):
    delivered_throughout(bodies)
    sessions(bodies.therapy, bodies.therapist, mondays(date(2026, 9, 7), date(2026, 11, 9)))
    sessions(bodies.therapy, bodies.therapist, [date(2026, 11, 16), date(2026, 11, 23)], status="missed")

    assert sweep() == 1

    case = gap_cases(bodies.therapy).get()
    assert case.organisation == bodies.icb
    assert case.accountable_officer == bodies.dco_officer
    assert case.logged_by is None
    assert case.summary == "Speech and language therapy: 2 sessions in a row were missed"
    assert "The sessions on 16 November, 23 November were recorded as missed." in case.description
    gap = ProvisionGap.objects.get()
    assert (gap.item, gap.rule, gap.through, gap.case) == (bodies.therapy, "missed_in_a_row", date(2026, 11, 29), case)
    # The family is told in plain words, through the outbox.
    told = Notification.objects.filter(recipient=borough.parent1, template="case_logged").get(channel="in_app")
    assert "2 sessions in a row were missed" in told.body


def test_a_second_sweep_raises_nothing_more(borough, bodies):
    delivered_throughout(bodies, last=date(2026, 11, 30))
    sessions(bodies.therapy, bodies.therapist, [date(2026, 11, 16), date(2026, 11, 23)], status="missed")
    sweep()

    assert sweep() == 0
    # Even a week later, with another session missed, the open concern already covers it.
    with at(MONDAY + timedelta(days=7)):
        services.delivery_record(
            actor=bodies.therapist, item=bodies.therapy, on=date(2026, 11, 30), status="missed", reason="Off sick"
        )
    assert sweep(MONDAY + timedelta(days=7)) == 0
    assert gap_cases(bodies.therapy).count() == 1


def test_nothing_recorded_for_two_weeks_raises_a_concern_for_the_council(borough, bodies):
    delivered_throughout(bodies)
    sessions(bodies.therapy, bodies.therapist, mondays(date(2026, 9, 7), date(2026, 11, 23)))
    Delivery.objects.filter(item=bodies.teaching, on__gte=date(2026, 11, 16)).delete()

    assert sweep() == 1

    case = gap_cases(bodies.teaching).get()
    assert case.organisation == borough.organisation
    assert case.team == borough.north
    assert ProvisionGap.objects.get().rule == "nothing_recorded"
    assert "No session was recorded from 16 November to 29 November 2026, when 2 were due." in case.description


def test_fewer_than_four_in_five_delivered_over_four_weeks_raises_a_concern(borough, bodies):
    delivered_throughout(bodies)
    sessions(bodies.therapy, bodies.therapist, [date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 23)])
    sessions(bodies.therapy, bodies.therapist, [date(2026, 11, 9)], status="missed")

    assert sweep() == 1
    gap = ProvisionGap.objects.get()
    assert (gap.item, gap.rule) == (bodies.therapy, "below_rate")
    assert "4 sessions were due and 3 were delivered" in gap.what_was_missed


def test_sessions_called_off_for_the_child_are_not_a_shortfall(borough, bodies):
    delivered_throughout(bodies)
    sessions(bodies.therapy, bodies.therapist, [date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 23)])
    sessions(bodies.therapy, bodies.therapist, [date(2026, 11, 9)], status="cancelled")

    assert sweep() == 0


def test_delivery_as_planned_raises_nothing_and_the_check_moves_to_next_week(borough, bodies):
    delivered_throughout(bodies)
    sessions(bodies.therapy, bodies.therapist, mondays(date(2026, 9, 7), date(2026, 11, 23)))

    assert sweep() == 0
    assert set(DeliveryCheck.objects.values_list("due_on", flat=True)) == {date(2026, 12, 7)}


def test_with_nothing_due_the_sweep_asks_one_question(borough, bodies, django_assert_num_queries):
    DeliveryCheck.objects.update(due_on=date(2026, 12, 7))

    # The batch's savepoint, the read of what is due, and the savepoint's release.
    with django_assert_num_queries(3):
        assert sweep() == 0


@pytest.mark.postgres
def test_the_sweep_finds_what_is_due_through_the_index(borough, bodies):
    # Forbidding a scan of the whole table shows that an index serves the sweep's read; with a few rows the
    # planner would otherwise rightly scan them.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        due = DeliveryCheck.objects.filter(due_on__lte=date(2026, 11, 30)).order_by("due_on", "item_id")[:500]
        plan = due.explain()
    assert "delivery_check_due" in plan


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_raise_each_shortfall_once(borough, bodies):
    # Nothing recorded at all: every one of the three items is short, and each must get one concern.
    both_ready = threading.Barrier(2)
    raised, errors = [], []

    def run():
        try:
            both_ready.wait(timeout=10)
            raised.append(provision_gap_sweep(today=date(2026, 11, 30)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    with at(MONDAY):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

    assert errors == []
    assert sum(raised) == 3
    for item in (bodies.therapy, bodies.teaching, bodies.other_child_teaching):
        assert gap_cases(item).count() == 1
    assert ProvisionGap.objects.count() == 3


def test_an_item_that_has_ended_is_no_longer_watched(borough, bodies):
    delivered_throughout(bodies)
    sessions(bodies.therapy, bodies.therapist, mondays(date(2026, 9, 7), date(2026, 11, 23)))
    therapy = bodies.therapy
    therapy.ends_on = date(2026, 11, 27)
    therapy.save()

    sweep()

    assert not DeliveryCheck.objects.filter(item=bodies.therapy).exists()
    assert DeliveryCheck.objects.filter(item=bodies.teaching).exists()
