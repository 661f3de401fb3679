"""The benchmarks that run inside one Python process, and the results files. `run.sh` calls it.

    python bench/bench.py prepare WORKDIR     token files for wrk (parents with a child each; officers)
    python bench/bench.py inprocess WORKDIR   sweep, offboarding, reports, query counts, EXPLAIN ANALYZE
    python bench/bench.py report WORKDIR      merge wrk's and our figures into bench/results/

Everything that changes data (the sweep, offboarding, a test POST) runs in a
transaction that is rolled back, so the seeded data set stays as it was and
the benchmarks can run again without seeding again. Work done after commit
(queueing notification sends on the broker) is therefore not in these figures;
the HTTP benchmark, which commits, includes it.
"""

import gc
import json
import os
import re
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from common import REPORT_TIMEOUT, RESULTS, QueryCount, load_meta, setup_django

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.db.utils import OperationalError  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from casework.models import Case, Officer  # noqa: E402
from casework.staffing import officer_offboard  # noqa: E402
from escalations.models import Clock  # noqa: E402
from escalations.services import sla_sweep  # noqa: E402

BIG_TABLES = ("casework_case", "casework_historicalcase", "casework_caseevent", "escalations_clock",
              "escalations_alert", "notifications_notification", "auth_user", "casework_child", "casework_family",
              "casework_familymember", "escalations_pause")
EXPLAIN_DIR = RESULTS / "explain"
PROFILE_DIR = RESULTS / "profiles"


class Rollback(Exception):
    pass


@contextmanager
def rolled_back():
    """Run the block in a transaction and undo it, whatever it did."""
    try:
        with transaction.atomic():
            yield
            raise Rollback
    except Rollback:
        pass


class Recorder:
    """Keeps every query's SQL (parameters filled in) and time, even one that fails; for EXPLAIN, not for timing."""

    def __init__(self):
        self.captured_queries = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            try:
                text = connection.ops.last_executed_query(context["cursor"], sql, params)
            except Exception:  # noqa: BLE001 - keep the bare SQL if it cannot be filled in
                text = sql
            self.captured_queries.append({"sql": text, "time": time.perf_counter() - started})


@contextmanager
def recording():
    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        yield recorder


def timed(fn):
    counter = QueryCount()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - started
    return seconds, counter.n, result


def client_as(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


# --- EXPLAIN ANALYZE of the hot queries ------------------------------------------------------------


def shape_of(sql: str) -> str:
    shape = re.sub(r"'[^']*'", "?", sql)
    shape = re.sub(r"\b\d+\b", "N", shape)
    return re.sub(r"\(N(, N)+\)", "(N, ...)", shape)


def explain(name: str, captured: list[dict], *, top: int = 4, analyze_limit: float = 30.0) -> list[dict]:
    """EXPLAIN ANALYZE the slowest instance of the `top` query shapes that cost most in total.

    Runs where the queries ran (inside the caller's transaction), so rows a
    rolled-back benchmark wrote are still there. A query that took longer than
    `analyze_limit` seconds gets a plain EXPLAIN instead.
    """
    by_shape = defaultdict(lambda: {"calls": 0, "total": 0.0, "slowest": None, "slowest_time": -1.0})
    for query in captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        entry = by_shape[shape_of(sql)]
        seconds = float(query["time"])
        entry["calls"] += 1
        entry["total"] += seconds
        if seconds > entry["slowest_time"]:
            entry["slowest"], entry["slowest_time"] = sql, seconds
    EXPLAIN_DIR.mkdir(parents=True, exist_ok=True)
    summaries = []
    ranked = sorted(by_shape.values(), key=lambda e: -e["total"])[:top]
    for index, entry in enumerate(ranked, start=1):
        sql = entry["slowest"]
        analyze = entry["slowest_time"] <= analyze_limit
        options = "ANALYZE, BUFFERS, " if analyze else ""
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN ({options}FORMAT TEXT) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
        except Exception as error:  # noqa: BLE001 - a plan we cannot get is reported, not fatal
            plan = f"EXPLAIN failed: {error}"
        seq_scans = sorted({t for t in re.findall(r"Seq Scan on (\w+)", plan) if t in BIG_TABLES})
        indexes = sorted(set(re.findall(r"Index (?:Only )?Scan (?:Backward )?using (\w+)", plan))
                         | set(re.findall(r"Bitmap Index Scan on (\w+)", plan)))
        filename = f"{name}-{index}.txt"
        (EXPLAIN_DIR / filename).write_text(
            f"-- {name}, query {index} of the {len(ranked)} that cost most in total\n"
            f"-- {entry['calls']} call(s), {entry['total'] * 1000:.1f} ms in all, slowest {entry['slowest_time'] * 1000:.1f} ms\n"
            f"-- {'EXPLAIN (ANALYZE, BUFFERS)' if analyze else 'EXPLAIN only: the query runs longer than ' + str(analyze_limit) + ' s'}\n\n"
            f"{sql}\n\n{plan}\n"
        )
        summaries.append({"file": f"explain/{filename}", "calls": entry["calls"],
                          "total_ms": round(entry["total"] * 1000, 1),
                          "slowest_ms": round(entry["slowest_time"] * 1000, 1),
                          "indexes": indexes, "seq_scans_on_big_tables": seq_scans, "analyzed": analyze})
    return summaries


def profile_to(name: str, fn):
    """Run `fn` under pyinstrument and keep the call tree as text."""
    from pyinstrument import Profiler

    PROFILE_DIR.mkdir(parents=True, exist_ok=True)
    profiler = Profiler(interval=0.001)
    profiler.start()
    try:
        result = fn()
    finally:
        profiler.stop()
        (PROFILE_DIR / f"{name}.txt").write_text(profiler.output_text(unicode=False, color=False))
    return result


# --- the benchmarks ----------------------------------------------------------------------------


def bench_api_queries(meta: dict) -> dict:
    """Queries per request, and the plans of the hot ones, for logging a concern, a queue and a family's list."""
    samples = meta["samples"]
    out = {}
    officer_token = samples["officers"][0][0]
    parent_token, child = samples["parents"][0]
    with rolled_back():
        client = client_as(parent_token)
        client.post("/api/cases/", {"child": child, "category": "transport", "summary": "Warm up",
                                    "description": "Warm up."}, format="json")
        with recording() as captured:
            response = client.post("/api/cases/", {"child": child, "category": "provision_not_delivered",
                                                   "summary": "Therapy stopped", "description": "It stopped."},
                                   format="json")
        assert response.status_code == 201, response.content[:500]
        out["log_concern"] = {"queries": len(captured.captured_queries),
                              "explain": explain("log-concern", captured.captured_queries, top=5)}
    for name, token, path in (("queue", officer_token, "/api/cases/?mine=true"),
                              ("parent_list", parent_token, "/api/cases/"),
                              ("queue_5000_open", samples["leaver"]["token"], "/api/cases/?mine=true")):
        client = client_as(token)
        client.get(path)
        with recording() as captured:
            response = client.get(path)
        assert response.status_code == 200, response.content[:500]
        times = []
        budget = time.perf_counter() + 20  # at most 30 requests or 20 seconds, at least 5 requests
        while len(times) < 30 and (len(times) < 5 or time.perf_counter() < budget):
            started = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - started)
        out[name] = {"queries": len(captured.captured_queries), "count": response.json()["count"],
                     "in_process_p50_ms": round(statistics.median(times) * 1000, 1),
                     "in_process_p95_ms": round(sorted(times)[max(0, round(len(times) * 0.95) - 1)] * 1000, 1),
                     "in_process_requests": len(times),
                     "explain": explain(name.replace("_", "-"), captured.captured_queries, top=4)}
    return out


WRITTEN_TABLES = ("casework_case", "casework_historicalcase", "casework_caseevent", "escalations_clock",
                  "escalations_alert", "notifications_notification")


def vacuum_written_tables() -> None:
    """Clear what earlier rolled-back runs left behind before timing a write.

    Every rolled-back insert leaves dead rows and index entries at the end of
    the tables; the next run's reads of "what was just written" wade through
    them, which live traffic (with autovacuum) never does. Measured: the same
    sweep took 4.9 s before a VACUUM and 2.4 s after.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM {', '.join(WRITTEN_TABLES)}")


SWEEP_RUNS = 5


def bench_sweep(meta: dict) -> dict:
    # The sweep runs in a Celery worker, which leaves what it loaded at start out of garbage collection.
    gc.freeze()
    try:
        return _bench_sweep(meta)
    finally:
        gc.unfreeze()


def _bench_sweep(meta: dict) -> dict:
    t0 = meta["t0_at"]
    open_cases = Case.objects.filter(status__in=Case.OPEN_STATES).count()
    due_clocks = Clock.objects.filter(next_check_at__lte=t0).count()
    due_cases = Clock.objects.filter(next_check_at__lte=t0).values("case_id").distinct().count()
    out = {"open_cases": open_cases, "due_clocks": due_clocks, "due_cases": due_cases}
    # The median of five runs, each on vacuumed tables: the first run of a process, on a cold cache, has come
    # out anywhere from 1.8 to 4.3 s for the same work, and a median of three let one slow warm run decide it.
    # Every run is kept in `seconds_each`.
    runs = []
    for _ in range(SWEEP_RUNS):
        vacuum_written_tables()
        with rolled_back():
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            seconds, queries, result = timed(lambda: sla_sweep(now=t0))
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        runs.append(seconds)
    seconds = statistics.median(runs)
    out["seconds_each"] = [round(run, 2) for run in runs]
    out.update(seconds=round(seconds, 2), queries=queries, reminders=result.reminders,
               escalations=result.escalations, max_rss_growth_mb=round((rss_after - rss_before) / 1024, 1))
    acted = result.alerts
    out["ms_per_alert"] = round(seconds * 1000 / acted, 1) if acted else None
    out["queries_per_alert"] = round(queries / acted, 1) if acted else None
    del result
    # Peak Python memory at two sizes of work: flat means it follows what is due, not how many cases are open.
    memory = {}
    for label, now in (("due_at_t0", t0), ("quarter_due", t0 - timedelta(seconds=45))):
        with rolled_back():
            due = Clock.objects.filter(next_check_at__lte=now).count()
            tracemalloc.start()
            result = sla_sweep(now=now)
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            memory[label] = {"due_clocks": due, "alerts": result.alerts,
                             "peak_mb": round(peak / 2**20, 2)}
            del result
    out["tracemalloc"] = memory
    out["explain_due"] = explain_due(t0)
    # The call tree and the plans from a quarter of the work: the same per alert, a quarter of the time.
    with rolled_back():
        with recording() as captured:
            profile_to("sweep", lambda: sla_sweep(now=t0 - timedelta(seconds=45)))
        out["explain"] = explain("sweep", captured.captured_queries, top=6)
        out["profile"] = "profiles/sweep.txt (the sweep at T0 - 45 s, a quarter of the due work)"
    return out


def explain_due(t0) -> list[dict]:
    """The two reads that make the sweep streamed: the due clocks and the ladder, each through its partial index."""
    with recording() as due:
        list(Clock.objects.filter(next_check_at__lte=t0).order_by("next_check_at").values_list("case_id", flat=True)[:200])
    with recording() as ladder:
        list(Case.objects.filter(escalation_due_at__lte=t0).values_list("pk", flat=True)[:200])
    return explain("sweep-due-clocks", due.captured_queries, top=1) + explain("sweep-ladder-due", ladder.captured_queries, top=1)


def bench_sweep_plans(meta: dict, sweep: dict) -> None:
    sweep["explain_due"] = explain_due(meta["t0_at"])


def bench_offboard(meta: dict) -> dict:
    vacuum_written_tables()
    leaver = Officer.objects.get(pk=meta["samples"]["leaver"]["officer_id"])
    successor = meta["samples"]["successor"]["officer_id"]
    superuser = type(leaver.user).objects.get(pk=meta["samples"]["superuser"]["user_id"])
    owned = Case.objects.filter(accountable_officer=leaver, status__in=Case.OWNED_STATES).count()
    note = "Moving on to another council. The families are up to date; see each case's last message."
    out = {"cases": owned}
    with rolled_back():
        seconds, queries, result = timed(
            lambda: officer_offboard(actor=superuser, officer=leaver, successor=successor, note=note)
        )
    out.update(seconds=round(seconds, 2), queries=queries, reassigned=result.reassigned,
               ms_per_case=round(seconds * 1000 / max(1, result.reassigned), 2),
               queries_per_case=round(queries / max(1, result.reassigned), 1))
    # The call tree and the plans from a typical officer (about 50 open cases): the same per case, in seconds.
    typical = Officer.objects.select_related("user").get(pk=meta["samples"]["officers"][0][1])
    colleague = (Officer.objects.filter(team_id=typical.team_id, active=True, is_manager=False)
                 .exclude(pk=typical.pk).values_list("pk", flat=True).first() or typical.team.manager_id)
    with rolled_back():
        with recording() as captured:
            profile_to("offboard", lambda: officer_offboard(actor=superuser, officer=typical, successor=colleague,
                                                            note=note))
        out["explain"] = explain("offboard", captured.captured_queries, top=5)
        out["profile"] = "profiles/offboard.txt (a typical officer's cases: the same calls per case)"
    return out


def bench_offboard_plans(meta: dict, offboard: dict) -> None:
    """Only the plans of offboarding's queries, into results already timed (one more rolled-back run)."""
    leaver = Officer.objects.get(pk=meta["samples"]["leaver"]["officer_id"])
    superuser = type(leaver.user).objects.get(pk=meta["samples"]["superuser"]["user_id"])
    with rolled_back():
        with recording() as captured:
            officer_offboard(actor=superuser, officer=leaver, successor=meta["samples"]["successor"]["officer_id"],
                             note="Moving on to another council.")
        offboard["explain"] = explain("offboard", captured.captured_queries, top=5)


def report_paths(meta: dict) -> list[tuple[str, str]]:
    first = (meta["t0_at"] - timedelta(days=4 * 365)).date()
    last = meta["t0_at"].date() + timedelta(days=1)
    period = f"from={first}&to={last}"
    return [
        ("sla_by_category", f"/api/reports/sla/?{period}&group_by=category"),
        ("sla_by_team", f"/api/reports/sla/?{period}&group_by=team"),
        ("sla_by_officer", f"/api/reports/sla/?{period}&group_by=officer"),
        ("sla_by_month", f"/api/reports/sla/?{period}&group_by=month"),
        ("transition", f"/api/reports/transition/?{period}&group_by=category"),
        ("accountability", "/api/reports/accountability/"),
        ("age", "/api/reports/age/"),
        ("escalations", f"/api/reports/escalations/?{period}"),
        ("provision", f"/api/reports/provision/?{period}"),
    ]


def run_report(client, path: str, timeout: int):
    """(seconds, queries, status, captured SQL); a report the database gives up on answers status 'timeout'."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET statement_timeout = '{timeout}s'")
    try:
        with recording() as captured:
            started = time.perf_counter()
            try:
                with transaction.atomic():
                    response = client.get(path)
                status = response.status_code
            except OperationalError as error:
                if "statement timeout" not in str(error):
                    raise
                status = "timeout"
            seconds = time.perf_counter() - started
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    return seconds, len(captured.captured_queries), status, captured.captured_queries


def bench_reports(meta: dict) -> dict:
    samples = meta["samples"]
    out = {}
    scopes = [("national", samples["superuser"]["token"], REPORT_TIMEOUT),
              ("council", samples["council_manager"]["token"], max(30, REPORT_TIMEOUT // 3))]
    for name, path in report_paths(meta):
        out[name] = {}
        for scope, token, timeout in scopes:
            client = client_as(token)
            seconds, queries, status, captured = run_report(client, path, timeout)
            runs = [seconds]
            if status == 200 and seconds < 5:
                for _ in range(2):
                    runs.append(run_report(client, path, timeout)[0])
            entry = {"seconds": round(statistics.median(runs), 3), "runs": len(runs), "queries": queries,
                     "status": status, "path": path}
            if scope == "national":
                with rolled_back():
                    entry["explain"] = explain(f"report-{name.replace('_', '-')}", captured, top=2,
                                               analyze_limit=15.0)
            out[name][scope] = entry
            print(f"  report {name} ({scope}): {entry['seconds']} s, status {status}", flush=True)
    # Open data is one council's figures, public once published: publish for the largest council, in a rollback.
    from escalations.models import OpenDataPublication

    organisation_id = Officer.objects.get(pk=samples["council_manager"]["officer_id"]).teams_headed.values_list(
        "organisation_id", flat=True).first()
    with rolled_back():
        OpenDataPublication.objects.update_or_create(organisation_id=organisation_id,
                                                     defaults={"published": True, "published_at": meta["t0_at"]})
        seconds, queries, status, _captured = run_report(APIClient(), f"/api/reports/open-data/sla.json?organisation={organisation_id}",
                                                         REPORT_TIMEOUT)
    out["open_data"] = {"council": {"seconds": round(seconds, 3), "runs": 1, "queries": queries, "status": status}}
    return out


def bench_report_plans(meta: dict, reports: dict) -> None:
    """Only the plans (and query counts) of the reports, into results already timed: EXPLAIN ANALYZE, short timeout."""
    samples = meta["samples"]
    limit = int(os.environ.get("BENCH_PLAN_TIMEOUT", "40"))
    for scope, token in (("national", samples["superuser"]["token"]), ("council", samples["council_manager"]["token"])):
        for name, path in report_paths(meta):
            with recording() as captured:
                seconds, _queries, status, _ = run_report(client_as(token), path, limit)
            queries = [q for q in captured.captured_queries if "statement_timeout" not in q["sql"]]
            with rolled_back():
                plans = explain(f"report-{name.replace('_', '-')}{'-council' if scope == 'council' else ''}", queries,
                                top=2, analyze_limit=limit if status == 200 else 0)
            entry = reports.setdefault(name, {}).setdefault(scope, {})
            entry["explain"] = plans
            entry["queries"] = len(queries)
            print(f"  plan of {name} ({scope}): {status} in {seconds:.1f} s", flush=True)


# --- prepare / inprocess / report --------------------------------------------------------------


def prepare(workdir: Path) -> None:
    meta = load_meta()
    samples = meta["samples"]
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "parents.txt").write_text("".join(f"{token} {child}\n" for token, child in samples["parents"]))
    (workdir / "officers.txt").write_text("".join(f"{token}\n" for token, _officer in samples["officers"]))
    print(f"{len(samples['parents'])} parents and {len(samples['officers'])} officers with tokens in {workdir}")


def inprocess(workdir: Path) -> None:
    meta = load_meta()
    only = set(filter(None, os.environ.get("BENCH_ONLY", "").split(",")))
    existing = workdir / "inprocess.json"
    results = json.loads(existing.read_text()) if only and existing.exists() else {}
    steps = [("api_queries", bench_api_queries), ("sweep", bench_sweep), ("offboard", bench_offboard),
             ("reports", bench_reports), ("report_plans", bench_report_plans),
             ("offboard_plans", bench_offboard_plans), ("sweep_plans", bench_sweep_plans)]
    for name, step in steps:
        if (only and name not in only) or (not only and name.endswith("_plans")):
            continue
        print(f"[bench] {name}...", flush=True)
        started = time.perf_counter()
        load = os.getloadavg()[0]
        if name.endswith("_plans"):
            section = "reports" if name == "report_plans" else name.removesuffix("_plans")
            step(meta, results.setdefault(section, {}))
        else:
            results[name] = step(meta)
            results[name]["load_average_before"] = round(load, 2)
        print(f"[bench] {name} done in {time.perf_counter() - started:.0f} s", flush=True)
        (workdir / "inprocess.json").write_text(json.dumps(results, indent=2, default=str))


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("prepare", "inprocess", "report"):
        raise SystemExit(__doc__)
    workdir = Path(sys.argv[2])
    if sys.argv[1] == "report":
        from report import report

        report(workdir)
    else:
        {"prepare": prepare, "inprocess": inprocess}[sys.argv[1]](workdir)


if __name__ == "__main__":
    main()
