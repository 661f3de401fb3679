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

import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from common import RESULTS, ROOT, meta_get, setup_django

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.db.utils import OperationalError  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from casework.models import Case, Officer  # noqa: E402
from casework.staffing import officer_offboard  # noqa: E402
from escalations.models import Clock  # noqa: E402
from escalations.services import sla_sweep  # noqa: E402

TARGETS = {  # seconds
    "log_concern_p95": 0.050,
    "queue_p95": 0.030,
    "sweep": 2.0,
    "report": 2.0,
    "offboard": 30.0,
}
HELPDESK = {  # django-helpdesk 2.6.1 at 10,000 tickets, on this machine (the figures)
    "log_concern": "25 ms",
    "queue": "113 ms (77 queries)",
    "report": "0.84 s",
    "sweep": "10 ms per escalated ticket",
}
BIG_TABLES = ("casework_case", "casework_historicalcase", "casework_caseevent", "escalations_clock",
              "escalations_alert", "notifications_notification", "auth_user", "casework_child", "casework_family",
              "casework_familymember", "escalations_pause")
REPORT_TIMEOUT = int(os.environ.get("BENCH_REPORT_TIMEOUT", "90"))
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


class QueryCount:
    """Counts queries with almost no overhead (no SQL kept), for timed runs."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


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


def load_meta() -> dict:
    with connection.cursor() as cursor:
        meta = meta_get(cursor)
    if not meta:
        raise SystemExit("The bench database has not been seeded: run bench/run.sh.")
    meta["t0_at"] = datetime.fromisoformat(meta["t0"])
    return meta


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


def yardstick() -> dict:
    """The machine's own speed: fixed work in Python and in PostgreSQL, best of three, lower is faster.

    Machines of the same size differ by two and a half times; the same code's
    figures from two machines can be compared only through this.
    """
    def python_work():
        rows = [{"id": i, "name": f"case {i}", "due": i * 7 % 1000} for i in range(300_000)]
        rows.sort(key=lambda row: (row["due"], row["name"]))
        json.dumps(rows[:1000])

    def postgresql_work():
        with connection.cursor() as cursor:
            cursor.execute("SELECT sum(x) FROM generate_series(1, 3000000) AS x")
            cursor.fetchone()

    return {name: round(min(timed(work)[0] for _ in range(3)), 3)
            for name, work in (("python", python_work), ("postgresql", postgresql_work))}


def environment(meta: dict) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        version = cursor.fetchone()[0].split(" on ")[0]
        cursor.execute("SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', "
                       "'effective_cache_size', 'max_parallel_workers_per_gather', 'random_page_cost', 'jit')")
        settings = {name: f"{setting}{' ' + unit if unit else ''}" for name, setting, unit in cursor.fetchall()}
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=False).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain"], capture_output=True,
                                    text=True, check=False).stdout.strip())
    except OSError:
        commit, dirty = "", False
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"load_average_1_5_15": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(os.sysconf("SC_PAGE_SIZE") *
                                                                  os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(), "postgres": version, "postgres_settings": settings,
            "database_size": size, "commit": commit + ("+uncommitted changes" if dirty else ""),
            "seeded_at": meta["t0"], "seed_seconds": meta.get("seconds"), "yardstick_seconds": yardstick()}


def verdict(value, target) -> str:
    if value is None:
        return "n/a"
    return "met" if value < target else "**missed**"


def report(workdir: Path) -> None:
    meta = load_meta()
    inproc = json.loads((workdir / "inprocess.json").read_text()) if (workdir / "inprocess.json").exists() else {}
    http = {}
    for name in ("log_concern", "queue", "parent_list"):
        if (workdir / f"wrk-{name}.json").exists():
            http[name] = wrk_figures(workdir / f"wrk-{name}.json")
            if (workdir / f"wrk-{name}-alone.json").exists():
                http[name]["alone"] = wrk_figures(workdir / f"wrk-{name}-alone.json")
    http_settings = json.loads((workdir / "http.json").read_text()) if (workdir / "http.json").exists() else {}
    results = {
        "cases": meta["cases"], "generated_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "environment": environment(meta), "rows": meta["rows"], "http_settings": http_settings,
        "targets_seconds": TARGETS, "django_helpdesk_2_6_1_at_10000_tickets": HELPDESK,
        "http": http, **inproc,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    stem = f"bench-{meta['cases']}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    markdown = render_markdown(results)
    (RESULTS / f"{stem}.md").write_text(markdown)
    print(markdown)


def wrk_figures(path: Path) -> dict:
    raw = json.loads(path.read_text())
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"], "seconds": round(seconds, 1),
        "throughput_rps": round(raw["requests"] / seconds, 1) if seconds else None,
        "non_2xx": raw["errors_status"],
        "socket_errors": raw["errors_connect"] + raw["errors_read"] + raw["errors_write"] + raw["errors_timeout"],
        **{f"{k}_ms": round(v / 1000, 1) for k, v in raw["latency_us"].items()},
    }


def alone(h: dict) -> str:
    """The same requests one at a time, if they were run: each request's own time, without queueing."""
    a = h.get("alone")
    return f"; one at a time: p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms" if a else ""


def render_markdown(r: dict) -> str:
    http, env = r.get("http", {}), r["environment"]
    lines = [f"# Benchmarks at {r['cases']:,} cases", "",
             f"{env['cpus']} cores ({env['cpu']}), {env['memory_gb']} GB; {env['postgres']} "
             f"(shared_buffers {env['postgres_settings'].get('shared_buffers')}, work_mem "
             f"{env['postgres_settings'].get('work_mem')}); Python {env['python']}; database {env['database_size']}; "
             f"commit {env['commit']}; {r['generated_at']}.", "",
             *([f"Yardstick, the machine's own speed (`yardstick` in bench.py; lower is faster): Python "
                f"{env['yardstick_seconds']['python']} s, PostgreSQL {env['yardstick_seconds']['postgresql']} s. "
                "Compare figures from two machines only alongside it.", ""] if "yardstick_seconds" in env else []),
             "| What | Figure | Target | | django-helpdesk 2.6.1 at 10,000 tickets |", "|---|---|---|---|---|"]
    aq = r.get("api_queries", {})
    if "log_concern" in http:
        h = http["log_concern"]
        lines.append(f"| Log a concern, `POST /api/cases/` ({r.get('http_settings', {}).get('workers', 4)} gunicorn "
                     f"workers, {r.get('http_settings', {}).get('connections', 4)} connections) | "
                     f"p50 {h['p50_ms']} ms, p95 {h['p95_ms']} ms, p99 {h['p99_ms']} ms; {h['throughput_rps']} req/s; "
                     f"{aq.get('log_concern', {}).get('queries', '?')} queries; {h['non_2xx']} non-2xx{alone(h)} | "
                     f"p95 < 50 ms | "
                     f"{verdict(h['p95_ms'] / 1000, TARGETS['log_concern_p95'])} | {HELPDESK['log_concern']} |")
    for name, label in (("queue", "An officer's queue, `GET /api/cases/?mine=true`"),
                        ("parent_list", "A parent's cases, `GET /api/cases/`")):
        if name in http:
            h = http[name]
            target = "p95 < 30 ms" if name == "queue" else "(as the queue)"
            queries = aq.get(name, {}).get("queries", "?")
            if h["socket_errors"] and h["p95_ms"] <= 0:
                figure = (f"every request over wrk's 10 s timeout ({h['socket_errors']} in {h['seconds']} s); "
                          f"in-process p50 {aq.get(name, {}).get('in_process_p50_ms', '?')} ms")
                value = None
            else:
                figure = f"p50 {h['p50_ms']} ms, p95 {h['p95_ms']} ms; {h['throughput_rps']} req/s{alone(h)}"
                value = h["p95_ms"] / 1000
            lines.append(f"| {label}, first page | {figure}; {queries} queries | {target} | "
                         f"{'**missed**' if value is None else verdict(value, TARGETS['queue_p95'])} | "
                         f"{HELPDESK['queue'] if name == 'queue' else ''} |")
    if "queue_5000_open" in aq:
        q = aq["queue_5000_open"]
        lines.append(f"| The queue of an officer holding {q['count']:,} cases (in-process, one at a time) | "
                     f"p50 {q['in_process_p50_ms']} ms, p95 {q['in_process_p95_ms']} ms; {q['queries']} queries | "
                     f"p95 < 30 ms | {verdict(q['in_process_p95_ms'] / 1000, TARGETS['queue_p95'])} | |")
    if "sweep" in r:
        s = r["sweep"]
        mem = s["tracemalloc"]
        lines.append(f"| One SLA sweep: {s['open_cases']:,} open cases, {s['due_cases']:,} due | {s['seconds']} s, "
                     f"median of {', '.join(f'{run} s' for run in s['seconds_each'])} "
                     f"({s['reminders']} reminders, {s['escalations']} escalations; {s['queries']:,} queries, "
                     f"{s['ms_per_alert']} ms and {s['queries_per_alert']} queries per alert); peak Python memory "
                     f"{mem['due_at_t0']['peak_mb']} MB ({mem['quarter_due']['peak_mb']} MB with "
                     f"{mem['quarter_due']['due_clocks']} due) | < 2 s, flat memory | {verdict(s['seconds'], TARGETS['sweep'])} | "
                     f"{HELPDESK['sweep']} |")
    if "offboard" in r:
        o = r["offboard"]
        lines.append(f"| Offboard an officer with {o['cases']:,} open cases (to a named successor) | {o['seconds']} s "
                     f"({o['ms_per_case']} ms and {o['queries_per_case']} queries per case) | < 30 s | "
                     f"{verdict(o['seconds'], TARGETS['offboard'])} | |")
    for name, scopes in r.get("reports", {}).items():
        if not isinstance(scopes, dict):
            continue
        national, council = scopes.get("national"), scopes.get("council")
        national = national if national and "status" in national else None
        main = national or council
        queries = f" ({main['queries']} queries)" if main.get("queries") else ""
        figure = (f"> {REPORT_TIMEOUT} s (stopped by statement_timeout)" if main["status"] == "timeout"
                  else f"{main['seconds']} s{queries}")
        if national and council and "status" in council:
            slow = council["status"] == "timeout" or council["seconds"] >= TARGETS["report"]
            shown = f"> {max(30, REPORT_TIMEOUT // 3)} s" if council["status"] == "timeout" else f"{council['seconds']} s"
            figure += "; one council: " + (f"**{shown}**" if slow else shown)
        scope = "all cases" if national else "one council"
        value = None if main["status"] == "timeout" else main["seconds"]
        lines.append(f"| Report `{name}` over {scope} | {figure} | < 2 s | "
                     f"{'**missed**' if value is None else verdict(value, TARGETS['report'])} | "
                     f"{HELPDESK['report'] if name == 'sla_by_category' else ''} |")
    lines += ["", "Plans of the hot queries: `bench/results/explain/`; call trees of the slow paths: "
              "`bench/results/profiles/`. Raw figures: `bench/results/bench-" + str(r["cases"]) + ".json`.", ""]
    seq = sorted({f"{e['file']} ({', '.join(e['seq_scans_on_big_tables'])})"
                  for section in ("api_queries", "sweep", "offboard") for e in _explains(r.get(section, {}))
                  + r.get(section, {}).get("explain_due", [])
                  if e["seq_scans_on_big_tables"]}
                 | {f"{e['file']} ({', '.join(e['seq_scans_on_big_tables'])})"
                    for scopes in r.get("reports", {}).values() if isinstance(scopes, dict)
                    for s in scopes.values() for e in s.get("explain", [])
                    if e["seq_scans_on_big_tables"]})
    lines.append("Sequential scans of large tables in the hot queries: " + ("; ".join(seq) if seq else "none") + ".")
    lines.append("")
    return "\n".join(lines)


def _explains(section: dict) -> list[dict]:
    if "explain" in section:
        return section["explain"]
    return [e for value in section.values() if isinstance(value, dict) for e in value.get("explain", [])]


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("prepare", "inprocess", "report"):
        raise SystemExit(__doc__)
    workdir = Path(sys.argv[2])
    {"prepare": prepare, "inprocess": inprocess, "report": report}[sys.argv[1]](workdir)


if __name__ == "__main__":
    main()
