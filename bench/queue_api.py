"""The queue and a parent's list over the API, request by request, in one process (issue 24.3): queries, the
time of each, Python function calls each (steadier than time on a shared machine) and where the time goes.
Run it on PostgreSQL, as a pytest module so that it builds its data in a throwaway test database with the
suite's fixtures:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/send_queue BENCH_QUEUE_CASES=20000 \\
        .venv/bin/python -m pytest -q -s -p no:cacheprovider bench/queue_api.py

An officer holding 5,000 open cases, one holding 50, a parent with five cases and BENCH_QUEUE_CASES in all
(bulk copies of one logged case with its clocks, as bench/queue_pages.py makes them), with token sign-in as
the bench's HTTP part uses. BENCH_QUEUE_PROFILE names a folder for pyinstrument's call tree of each path.
"""

import cProfile
import os
import pstats
import statistics
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pyinstrument import Profiler
from queue_pages import copies

from casework.models import Case
from tests.casework.api.test_queries import client_with_token
from tests.casework.web.staff_pages import log, north_officers

pytestmark = pytest.mark.django_db
TOTAL = int(os.environ.get("BENCH_QUEUE_CASES", "20000"))
REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "200"))
PROFILES = os.environ.get("BENCH_QUEUE_PROFILE")


def measured(client, path: str) -> dict:
    client.get(path)
    times, cpu = [], []
    for _ in range(REQUESTS):
        started, cpu_started = time.perf_counter(), time.process_time()
        assert client.get(path).status_code == 200
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    in_database, slowest = [], {}
    for _ in range(20):
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        # Read now: the next request empties the log.
        queries = len(captured.captured_queries)
        in_database.append(sum(float(query["time"]) for query in captured.captured_queries))
        for n, query in enumerate(captured.captured_queries):
            slowest.setdefault(n, []).append(float(query["time"]))
    if PROFILES:
        print("  queries, median ms each:", " ".join(f"{statistics.median(times) * 1000:.1f}" for times in slowest.values()))
    profile = cProfile.Profile()
    profile.runcall(client.get, path)
    return {
        "mean": statistics.fmean(times) * 1000,
        "median": statistics.median(times) * 1000,
        "p95": statistics.quantiles(times, n=20)[-1] * 1000,
        "cpu": statistics.median(cpu) * 1000,
        "database": statistics.median(in_database) * 1000,
        "queries": queries,
        "calls": pstats.Stats(profile).total_calls,
    }


def call_tree(client, path: str, name: str) -> None:
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(REQUESTS):
            client.get(path)
    Path(PROFILES).mkdir(parents=True, exist_ok=True)
    Path(PROFILES, f"{name}.txt").write_text(profiler.output_text(unicode=True))
    Path(PROFILES, f"{name}-flat.txt").write_text(profiler.output_text(unicode=True, flat=True))
    profile = cProfile.Profile()
    for _ in range(20):
        profile.runcall(client.get, path)
    profile.dump_stats(Path(PROFILES, f"{name}.prof"))


def test_the_queue_and_a_parents_list(borough):
    busy, light = north_officers(borough)[:2]
    base = log(borough)
    clocks = list(base.clocks.all())
    copies(base, clocks, officer=busy, count=5000, start=0)
    copies(base, clocks, officer=light, count=50, start=5000)
    filler = max(0, TOTAL - 5050)
    others = [borough.officer2, borough.north.manager, borough.transport.manager]
    for n, officer in enumerate(others):
        copies(base, clocks, officer=officer, count=filler // len(others), start=10_000 + n * filler)
    for _ in range(5):
        log(borough, child=borough.child2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    print(f"\n{Case.objects.count():,} cases; {REQUESTS} requests each, one at a time, in-process, token sign-in;"
          f" load average {os.getloadavg()[0]:.2f}")
    print("| path | mean ms | median ms | p95 ms | median CPU ms (this process) | median ms in queries | queries | Python calls |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, user, path in (("queue-50", light.user, "/api/cases/?mine=true"),
                             ("queue-5000", busy.user, "/api/cases/?mine=true"),
                             ("parent-list", borough.parent2, "/api/cases/")):
        client = client_with_token(user)
        figures = measured(client, path)
        print(f"| {name} `{path}` | {figures['mean']:.1f} | {figures['median']:.1f} | {figures['p95']:.1f} "
              f"| {figures['cpu']:.1f} | {figures['database']:.1f} | {figures['queries']} | {figures['calls']:,} |")
        if PROFILES:
            call_tree(client, path, name)
