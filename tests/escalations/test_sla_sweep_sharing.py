"""Two sweeps at once share the work: where the first due cases are held by the other sweep, this one
goes on to the next due cases it can lock, and no alert is sent twice (PostgreSQL: SKIP LOCKED)."""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction

from casework.models import Case
from escalations.models import Alert, Clock
from escalations.services import sla_sweep

from .conftest import log_case, uk

LOGGED = uk(2026, 11, 23, 9, 15)
ACKNOWLEDGE_BREACHED = uk(2026, 11, 25, 17, 5)
LEVEL_TWO_DUE = uk(2026, 12, 2, 17, 5)


class HeldElsewhere:
    """Another connection, holding the row locks of some cases as a sweep working its batch does."""

    def __init__(self, cases):
        self.ids = [case.pk for case in cases]
        self.locked = threading.Event()
        self.release = threading.Event()
        self.thread = threading.Thread(target=self.hold)

    def hold(self):
        try:
            with transaction.atomic():
                list(Case.objects.select_for_update().filter(pk__in=self.ids))
                self.locked.set()
                self.release.wait(timeout=30)
        finally:
            connections.close_all()

    def __enter__(self):
        self.thread.start()
        assert self.locked.wait(timeout=10)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(timeout=30)


def level_one(case):
    return Alert.objects.filter(case=case, kind=Alert.Kind.ESCALATION, level=1).count()


@pytest.fixture
def breached_cases(borough):
    """Four concerns logged a minute apart: the first due is the first logged."""
    children = [borough.child1, borough.child2]
    return [log_case(borough, when=LOGGED + timedelta(minutes=number), child=children[number % 2]) for number in range(4)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch_size", [1, 2])
def test_a_sweep_whose_first_due_cases_are_locked_goes_on_to_the_next_ones(breached_cases, batch_size):
    first, second, *rest = breached_cases

    with HeldElsewhere([first, second]):
        result = sla_sweep(now=ACKNOWLEDGE_BREACHED, batch_size=batch_size)

    assert result.escalations == len(rest)
    assert [level_one(case) for case in breached_cases] == [0, 0, 1, 1]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_cases_a_sweep_left_to_the_other_are_done_once_by_the_next_sweep(breached_cases):
    with HeldElsewhere(breached_cases[:2]):
        sla_sweep(now=ACKNOWLEDGE_BREACHED, batch_size=1)

    later = sla_sweep(now=ACKNOWLEDGE_BREACHED + timedelta(minutes=1), batch_size=1)

    assert later.escalations == 2
    assert [level_one(case) for case in breached_cases] == [1, 1, 1, 1]
    assert not Clock.objects.filter(next_check_at__lte=ACKNOWLEDGE_BREACHED).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_ladder_too_goes_on_past_cases_held_by_another_sweep(breached_cases):
    sla_sweep(now=ACKNOWLEDGE_BREACHED)

    with HeldElsewhere(breached_cases[:1]):
        result = sla_sweep(now=LEVEL_TWO_DUE, batch_size=1)

    level_two = [Alert.objects.filter(case=case, kind=Alert.Kind.ESCALATION, level=2).count() for case in breached_cases]
    assert level_two == [0, 1, 1, 1]
    assert result.escalations == 3
