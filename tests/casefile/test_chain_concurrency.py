"""Records written to one case at the same moment, from different connections, still form one unbroken chain."""

import threading

import pytest
from django.db import transaction

from casefile.verification import case_chain_verify
from casework.models import CaseEvent
from casework.models.chain import CaseChain
from tests.concurrency import in_threads


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_events_written_at_once_by_many_connections_chain_one_after_the_other(borough, case1):
    start = threading.Barrier(6)

    def write(number):
        def job():
            start.wait(timeout=10)
            with transaction.atomic():
                CaseEvent.objects.record(case=case1, kind="reminder", text=f"Reminder {number}")
                if number % 2:
                    CaseEvent.objects.record_many(
                        [CaseEvent.objects.line(case=case1, kind="reminder", text=f"Batch {number}.{n}") for n in range(3)]
                    )
        return job

    assert in_threads(*(write(number) for number in range(6))) == [None] * 6

    report = case_chain_verify(case1)
    assert report.intact, report.breaks
    assert CaseChain.objects.get(case=case1).length == 1 + 6 + 3 * 3
    assert sorted(CaseEvent.objects.filter(case=case1).values_list("chain_seq", flat=True)) == list(range(1, 17))
