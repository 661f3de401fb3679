"""The SLA sweep with a chosen number of clocks due at the seed's moment T0, on the seeded data (issue 24 point 4).

    python bench/sweep_due.py [DUE] [--profile] [--cprofile FILE] [--fingerprint FILE] [--runs N]

Each run, in a transaction rolled back after it, makes DUE more clocks due at T0 on open cases (half past
their reminder point, half past their due date; the same clocks every time, chosen by case), then runs
`sla_sweep(now=T0)`: timed with its queries counted, once under tracemalloc, and with `--profile` once under
pyinstrument (the tree into bench/results/profiles/sweep-due.txt unless BENCH_RESULTS says otherwise) and with
`--cprofile` once under cProfile. `--fingerprint` writes what the sweep wrote (alerts, timeline lines, outbox
rows, history rows, clocks and cases, with ids that differ from run to run replaced by what they stand for),
so two versions of the code can be held to doing exactly the same on the same inputs.
"""

import argparse
import cProfile
import gc
import hashlib
import json
import pstats
import statistics
import time
import tracemalloc
from datetime import timedelta

from common import RESULTS, QueryCount, load_meta, setup_django

setup_django()

from django.db import connection  # noqa: E402

from bench import rolled_back, vacuum_written_tables  # noqa: E402
from casework.models import Case, CaseEvent  # noqa: E402
from escalations.models import Alert, Clock  # noqa: E402
from escalations.services import sla_sweep  # noqa: E402
from escalations.services.sweep import SWEEP_BATCH  # noqa: E402
from notifications.models import Notification  # noqa: E402

HOUR = timedelta(hours=1)
HistoricalCase = Case.history.model


def make_due(due: int, t0) -> list[int]:
    """`due` running clocks on open cases, one a case and the case's first, fall due at T0; their cases."""
    running = (
        Clock.objects.filter(
            case__status__in=Case.OPEN_STATES,
            stopped_at__isnull=True,
            paused_at__isnull=True,
            superseded_at__isnull=True,
        )
        .exclude(case__clocks__next_check_at__lte=t0)
        .order_by("case_id", "id")
        .values_list("case_id", "id")
    )
    chosen: dict[int, int] = {}
    for case_id, clock_id in running.iterator():
        chosen.setdefault(case_id, clock_id)
        if len(chosen) == due:
            break
    with connection.cursor() as cursor:
        for position, clock_id in enumerate(chosen.values()):
            moment = t0 - timedelta(seconds=position % 60)
            if position % 2 == 0:  # its reminder is due now
                cursor.execute(
                    "UPDATE escalations_clock SET remind_at = %s, due_at = %s, next_check_at = %s, "
                    "reminded_at = NULL, breached_at = NULL WHERE id = %s",
                    [moment, moment + 8 * HOUR, moment, clock_id],
                )
            else:  # its due moment is now
                cursor.execute(
                    "UPDATE escalations_clock SET remind_at = %s, due_at = %s, next_check_at = %s, "
                    "breached_at = NULL WHERE id = %s",
                    [moment - 8 * HOUR, moment, moment, clock_id],
                )
    return list(chosen)


def fingerprint(t0, first_ids: dict) -> dict:
    """What the sweep wrote, in a form that is the same from one run to the next for the same behaviour."""
    alerts = list(
        Alert.objects.filter(pk__gt=first_ids["alert"]).values(
            "id", "case_id", "clock_id", "kind", "level", "recipient_id", "recipient_role", "owner_id", "created_at"
        )
    )
    alert_key = {a["id"]: f"{a['case_id']}/{a['clock_id']}/{a['kind']}/{a['level']}" for a in alerts}

    def named(value):
        if isinstance(value, dict):
            return {k: (alert_key.get(v, v) if k == "alert_id" else named(v)) for k, v in value.items()}
        return value

    events = [
        {**e, "data": named(e["data"])}
        for e in CaseEvent.objects.filter(pk__gt=first_ids["event"]).values(
            "case_id", "at", "kind", "actor_id", "text", "internal", "message_id", "data", "chain_seq"
        )
    ]
    notifications = [
        {
            **{k: v for k, v in n.items() if k != "sent_at"},
            "dedupe_key": alert_key.get(int(n["dedupe_key"].split(":")[1]), n["dedupe_key"])
            if n["dedupe_key"].startswith("alert:")
            else n["dedupe_key"],
            "sent": n["sent_at"] is not None,
        }
        for n in Notification.objects.filter(pk__gt=first_ids["notification"]).values(
            "recipient_id", "channel", "template", "context", "subject", "body", "link", "dedupe_key", "status",
            "attempts", "digest_id", "sent_at",
        )
    ]
    history = list(HistoricalCase.objects.filter(history_id__gt=first_ids["history"]).values())
    for row in history:
        row.pop("history_id")
    touched = {a["case_id"] for a in alerts} | {h["id"] for h in history}
    clocks = list(Clock.objects.filter(case_id__in=touched).values())
    cases = list(Case.objects.filter(pk__in=touched).values())
    for alert in alerts:
        alert.pop("id")
    parts = {"alerts": alerts, "events": events, "notifications": notifications, "history": history,
             "clocks": clocks, "cases": cases}
    canonical = {
        name: sorted(json.dumps(row, sort_keys=True, default=str) for row in rows) for name, rows in parts.items()
    }
    canonical["counts"] = {name: len(rows) for name, rows in parts.items()}
    canonical["sha256"] = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
    return canonical


def last_ids() -> dict:
    def last(model, field="pk"):
        return model.objects.order_by(f"-{field}").values_list(field, flat=True).first() or 0

    return {"alert": last(Alert), "event": last(CaseEvent), "notification": last(Notification),
            "history": last(HistoricalCase, "history_id")}


def one_sweep(due: int, t0, run):
    vacuum_written_tables()
    with rolled_back():
        make_due(due, t0)
        return run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("due", type=int, nargs="?", default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=SWEEP_BATCH, help="cases a batch (SWEEP_BATCH)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cprofile")
    parser.add_argument("--fingerprint")
    parser.add_argument("--gc", choices=["on", "off", "freeze"], default="freeze",
                        help="the garbage collector during the timed runs: after gc.freeze(), as a Celery worker "
                        "process has it (config/celery.py), as it is at start, or switched off")
    parser.add_argument("--queries", action="store_true", help="print each query's time, length and parameters")
    args = parser.parse_args()
    t0 = load_meta()["t0_at"]
    out = {"due_made": args.due}

    def timed_sweep():
        counter = QueryCount()
        with connection.execute_wrapper(counter):
            started, cpu = time.perf_counter(), time.process_time()
            result = sla_sweep(now=t0, batch_size=args.batch)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        return seconds, counter.n, result, cpu

    if args.gc == "off":
        gc.disable()
    elif args.gc == "freeze":
        gc.freeze()
    runs = [one_sweep(args.due, t0, timed_sweep) for _ in range(args.runs)]
    seconds = [run[0] for run in runs]
    _, queries, result, _ = runs[-1]
    out.update(seconds_each=[round(s, 3) for s in seconds], seconds=round(statistics.median(seconds), 3),
               python_cpu_each=[round(run[3], 3) for run in runs],
               queries=queries, reminders=result.reminders, escalations=result.escalations)

    def traced():
        tracemalloc.start()
        sla_sweep(now=t0, batch_size=args.batch)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return round(peak / 2**20, 2)

    out["peak_mb"] = one_sweep(args.due, t0, traced)
    if args.fingerprint:
        def written():
            first = last_ids()
            sla_sweep(now=t0, batch_size=args.batch)
            return fingerprint(t0, first)

        printed = one_sweep(args.due, t0, written)
        with open(args.fingerprint, "w") as f:
            json.dump(printed, f, indent=1, sort_keys=True)
        out["fingerprint"] = printed["sha256"]
        out["written"] = printed["counts"]
    if args.queries:
        timings = []

        def timing(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                timings.append((time.perf_counter() - started, len(sql), len(params or ()), sql[:110]))

        def listed():
            with connection.execute_wrapper(timing):
                sla_sweep(now=t0, batch_size=args.batch)

        one_sweep(args.due, t0, listed)
        for seconds, length, n_params, start in timings:
            print(f"{seconds * 1000:8.1f} ms {length:7d} chars {n_params:6d} params  {start}")
    if args.cprofile:
        profiler = cProfile.Profile()
        one_sweep(args.due, t0, lambda: profiler.runcall(sla_sweep, now=t0, batch_size=args.batch))
        profiler.dump_stats(args.cprofile)
        out["python_calls"] = pstats.Stats(profiler).total_calls
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)

        def profiled():
            profiler.start()
            try:
                sla_sweep(now=t0, batch_size=args.batch)
            finally:
                profiler.stop()

        one_sweep(args.due, t0, profiled)
        (RESULTS / "profiles").mkdir(parents=True, exist_ok=True)
        (RESULTS / "profiles" / "sweep-due.txt").write_text(profiler.output_text(unicode=False, color=False))
        (RESULTS / "profiles" / "sweep-due-all.txt").write_text(
            profiler.output_text(unicode=False, color=False, show_all=True)
        )
    with open("/proc/loadavg") as f:
        out["load_average"] = f.read().split()[:3]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
