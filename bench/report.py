"""The figures of a bench run, written up: the machine it ran on, wrk's and the in-process figures together,
the targets each meets or misses, and the Markdown table for the README. `bench.py report` calls it."""

import json
import os
import platform
import subprocess
import time
from datetime import datetime
from pathlib import Path

from common import REPORT_TIMEOUT, RESULTS, ROOT, load_meta, setup_django

setup_django()

from django.db import connection  # noqa: E402

TARGETS = {  # seconds
    "log_concern_p95": 0.050,
    "queue_p95": 0.030,
    "sweep": 1.0,
    "report": 2.0,
    "offboard": 30.0,
}
HELPDESK = {  # django-helpdesk 2.6.1 at 10,000 tickets, on this machine (the figures)
    "log_concern": "25 ms",
    "queue": "113 ms (77 queries)",
    "report": "0.84 s",
    "sweep": "10 ms per escalated ticket",
}


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

    def seconds(work) -> float:
        started = time.perf_counter()
        work()
        return time.perf_counter() - started

    return {name: round(min(seconds(work) for _ in range(3)), 3)
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
                     f"{mem['quarter_due']['due_clocks']} due) | < 1 s, flat memory | {verdict(s['seconds'], TARGETS['sweep'])} | "
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
