"""The officers' queue page and API at a stated scale, in one process: an officer with 5,000 open cases against
one with 50, among many other cases (issue 24.3). Run it on PostgreSQL, as a pytest module so that it builds
its data in a throwaway test database with the suite's fixtures:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/send_queue BENCH_QUEUE_CASES=200000 \\
        .venv/bin/python -m pytest -q -s -p no:cacheprovider bench/queue_pages.py

Cases are copies of one logged case with its clocks (bulk inserts, so no history rows): the queue reads
cases and clocks only. Prints the median and 95th percentile of one request at a time, and the queries each.
"""

import os
import statistics
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Case
from escalations.models import Clock
from tests.casework.web.staff_pages import log, north_officers, signed_in

pytestmark = pytest.mark.django_db
TOTAL = int(os.environ.get("BENCH_QUEUE_CASES", "200000"))
REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "60"))
BATCH = 5000


def copies(base: Case, clocks: list[Clock], *, officer, count: int, start: int) -> None:
    for first in range(0, count, BATCH):
        made = Case.objects.bulk_create([
            Case(**{**_fields(base), "reference": f"B-{start + n:08d}", "accountable_officer_id": officer.pk,
                    "team_id": officer.team_id, "next_due_at": base.next_due_at + timedelta(minutes=start + n)})
            for n in range(first, min(first + BATCH, count))
        ])
        Clock.objects.bulk_create([
            Clock(**{**_fields(clock), "case_id": case.pk}) for case in made for clock in clocks
        ])


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields if not f.primary_key}


def timed(client, url, params) -> tuple[float, float, int]:
    client.get(url, params)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        assert client.get(url, params).status_code == 200
        times.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return statistics.median(times) * 1000, statistics.quantiles(times, n=20)[-1] * 1000, len(queries)


def test_the_queue_costs_the_same_at_5000_cases_as_at_50(client, borough):
    busy, light = north_officers(borough)[:2]
    base = log(borough)
    clocks = list(base.clocks.all())
    copies(base, clocks, officer=busy, count=5000, start=0)
    copies(base, clocks, officer=light, count=50, start=5000)
    others = [borough.officer2, borough.north.manager, borough.transport.manager]
    filler = max(0, TOTAL - 5051)
    for n, officer in enumerate(others):
        copies(base, clocks, officer=officer, count=filler // len(others), start=10_000 + n * filler)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"\n{Case.objects.count():,} cases; one request at a time, {REQUESTS} each, in-process (Django test client)")
    print("| officer's open cases | path | median ms | p95 ms | queries |")
    print("| --- | --- | --- | --- | --- |")
    for officer, held in ((light, 50), (busy, 5000)):
        signed_in(client, officer.user)
        for url, params in (("/queue/", {}), ("/queue/", {"page": "100" if held > 50 else "2"}),
                            ("/queue/", {"q": borough.child1.first_name}), ("/queue/", {"sort": "active"}),
                            ("/api/cases/", {"mine": "true"})):
            median, p95, queries = timed(client, url, params)
            print(f"| {held:,} | `{url}` {params or ''} | {median:.1f} | {p95:.1f} | {queries} |")
