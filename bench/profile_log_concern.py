"""`python bench/profile_log_concern.py [--concerns 200]`: where the time of logging a concern goes.

Logs concerns in-process through the test client (`POST /api/cases/` as the
seeded parents, committed, as `../shared/peer-bench` times it) on a database
seeded by `seed.py` (any size: the intake's own work hardly grows with it),
and prints for ordinary and safeguarding concerns: queries per request, the
mean and median milliseconds, the median of this process's CPU time, Python
function calls per request (cProfile: a measure of the work done that the
machine's other load does not move), and
a pyinstrument call tree of the ordinary ones. Wall-clock figures on a
shared machine vary; compare the calls and the tree's shares first.
"""

import argparse
import cProfile
import pstats
import statistics
import time

from common import QueryCount, load_meta, setup_django

setup_django()

from django.db import connection  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402


def loggers(meta: dict, safeguarding: bool):
    """One function a seeded parent: log a concern for their child."""
    out = []
    for token, child in meta["samples"]["parents"]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        body = {"child": child, "category": "provision_not_delivered", "summary": "Therapy stopped",
                "description": "No sessions since May.", "safeguarding": safeguarding}

        def log(client=client, body=body):
            response = client.post("/api/cases/", body, format="json")
            assert response.status_code == 201, response.content[:500]

        out.append(log)
    return out


def run(logs, count: int) -> tuple[list[float], list[float]]:
    """Milliseconds each concern took: on the clock, and of this process's CPU."""
    times, cpu = [], []
    for n in range(count):
        started, cpu_started = time.perf_counter(), time.process_time()
        logs[n % len(logs)]()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return times, cpu


def measure(meta: dict, count: int, safeguarding: bool, tree: bool) -> None:
    logs = loggers(meta, safeguarding)
    run(logs, 5)
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        logs[0]()
    times, cpu = run(logs, count)
    profile = cProfile.Profile()
    profile.enable()
    run(logs, 20)
    profile.disable()
    calls = pstats.Stats(profile).total_calls / 20
    kind = "safeguarding" if safeguarding else "ordinary"
    print(f"{kind}: {counter.n} queries, mean {statistics.mean(times):.1f} ms, "
          f"median {statistics.median(times):.1f} ms over {count}; CPU median {statistics.median(cpu):.1f} ms; "
          f"{calls:,.0f} function calls a request")
    if tree:
        profiler = Profiler(interval=0.0005)
        profiler.start()
        run(logs, count)
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False, show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concerns", type=int, default=200)
    parser.add_argument("--no-tree", action="store_true")
    args = parser.parse_args()
    meta = load_meta()
    with open("/proc/loadavg") as loadavg:
        print("load average:", loadavg.read().split()[:3])
    measure(meta, args.concerns, safeguarding=False, tree=not args.no_tree)
    measure(meta, args.concerns // 4, safeguarding=True, tree=False)


if __name__ == "__main__":
    main()
