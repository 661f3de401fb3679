"""The statutory process at national scale, inside the national data set: the sweep with 2,000 dates due
among every open step, and the timeliness report.

    DATABASE_URL=postgres://... .venv/bin/python bench/statutory_bench.py [--assessments 100000] [--due 2000]

Run after `bench/seed.py` (or `make bench`), on the same database: the data set's children and plans get
their statutory processes. England has about 600,000 plans, each reviewed every year, and about 100,000
assessments a year: so every plan of the data set gets its annual review (425,583 at 1,000,000 cases), and
`--assessments` children get a needs assessment, those without a plan first; each process with every step
the catalogue gives it, and as its coordinator an officer of the team the council routes a process delay
to. Written straight into PostgreSQL with INSERT ... SELECT, so seeding takes minutes rather than a day of
services; the rows are those the services would leave (the dates from `statutory.rules`, `check_at` as
`steps_sync` sets it). Then, each on vacuumed tables and rolled back after:
- the statutory sweep at a moment T0 when `--due` steps are due: two thirds reminders (on the day, and five
  working days before) and a third missed dates, each of which logs a `process_delay` case through
  `case_log`, among the data set's 1,000,000 cases;
- the timeliness report for England over the last twelve months, by council and by month.
Prints the figures and the plan of the sweep's read of what is due, and writes results/statutory-N.md.
Never run by `make test`.
"""

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, meta_get, setup_django  # noqa: E402
from report import yardstick  # noqa: E402

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from core.time import UK_TIME  # noqa: E402
from statutory.models import Process, Step  # noqa: E402
from statutory.reports import Period, timeliness_report  # noqa: E402
from statutory.sweep import statutory_sweep  # noqa: E402

# How many times each figure is taken (the median is kept): STATUTORY_BENCH_RUNS, 3 unless set.
RUNS = int(os.environ.get("STATUTORY_BENCH_RUNS", "3"))


def seed(assessments: int) -> None:
    """Each plan of the data set its annual review, `assessments` children a needs assessment; every step."""
    if Process.objects.exists():
        print("[statutory bench] already seeded: reusing", flush=True)
        return
    with connection.cursor() as cursor:
        if not meta_get(cursor).get("cases"):
            raise SystemExit("Seed the national data set first (bench/seed.py, or make bench) on this database.")
    started = time.monotonic()
    with transaction.atomic():
        _seed_rows(assessments)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE statutory_process")
        cursor.execute("VACUUM ANALYZE statutory_step")
    print(f"[statutory bench] seeded {Process.objects.count():,} processes and {Step.objects.count():,} steps "
          f"in {time.monotonic() - started:.0f} s", flush=True)


def _seed_rows(assessments: int) -> None:
    with connection.cursor() as cursor:
        params = {"assessments": assessments,
                  "admin": get_user_model().objects.filter(is_superuser=True).order_by("pk").first().pk}
        # One statement at a time: PostgreSQL binds the parameters itself, which allows no more.
        for statement in filter(str.strip, _SEED_SQL.split(";\n")):
            cursor.execute(statement, params)


# Coordinators: the active officers of the team each council routes a process delay to. Annual reviews, one a
# plan, have their meeting falling due over the next twelve months. Needs assessments were received over the last
# 200 days (those whose dates have passed are done, most on time, the final plan issued at 16 to 24 weeks, one
# in twelve with its 20 weeks lifted by an exception). `check_at` is the next moment the sweep acts: 09:00 a
# week before the date.
_SEED_SQL = """
CREATE TEMP TABLE bench_council AS
SELECT t.organisation_id AS org_id, array_agg(o.id ORDER BY o.id) AS officer_ids
FROM casework_officer o JOIN casework_team t ON t.id = o.team_id
WHERE o.active AND NOT o.is_manager
  AND t.id IN (SELECT team_id FROM casework_routingrule WHERE category_id = 'process_delay')
GROUP BY t.organisation_id;

INSERT INTO statutory_process (organisation_id, child_id, kind, status, received_on, requested_by, plan_dated_on,
                               transfer, coordinator_id, created_by_id, created_at)
SELECT f.organisation_id, ch.id, 'annual_review', 'open', CURRENT_DATE - (ch.id %% 30)::int, 'council',
       CURRENT_DATE - (ch.id %% 350)::int, '', c.officer_ids[1 + ch.id %% array_length(c.officer_ids, 1)],
       %(admin)s, now()
FROM casework_ehcp e JOIN casework_child ch ON ch.id = e.child_id JOIN casework_family f ON f.id = ch.family_id
JOIN bench_council c ON c.org_id = f.organisation_id;

INSERT INTO statutory_process (organisation_id, child_id, kind, status, received_on, requested_by, plan_dated_on,
                               transfer, coordinator_id, created_by_id, created_at)
SELECT n.organisation_id, n.child_id, 'needs_assessment', 'open', CURRENT_DATE - (n.g %% 200)::int, 'parent', NULL,
       '', c.officer_ids[1 + n.g %% array_length(c.officer_ids, 1)], %(admin)s, now()
FROM (SELECT ch.id AS child_id, f.organisation_id,
             row_number() OVER (ORDER BY EXISTS (SELECT 1 FROM casework_ehcp e WHERE e.child_id = ch.id), ch.id) AS g
      FROM casework_child ch JOIN casework_family f ON f.id = ch.family_id) n
JOIN bench_council c ON c.org_id = n.organisation_id
WHERE n.g <= %(assessments)s;

INSERT INTO statutory_step (process_id, key, label, regulation, position, due_on, done_on, note, family_to_act,
                            lifted, not_needed)
SELECT p.id, s.key, s.label, s.regulation, s.position,
       CASE s.key WHEN 'decision_to_assess' THEN p.received_on + 42 WHEN 'notice_not_to_issue' THEN p.received_on + 112
                  WHEN 'final_plan' THEN p.received_on + 140 END,
       NULL, '', s.key = 'draft_plan_comments', false, false
FROM statutory_process p
CROSS JOIN (VALUES (0, 'decision_to_assess', 'Decide whether to carry out an assessment, and tell you', 'reg 5(1)'),
                   (1, 'advice_requested', 'Ask for advice', 'reg 6(1)'), (2, 'advice', 'Advice received', 'reg 8(1)'),
                   (3, 'notice_not_to_issue', 'If no plan is to be issued, tell you so', 'reg 10(1)'),
                   (4, 'draft_plan', 'Send you the draft plan', 'reg 13(1)'),
                   (5, 'draft_plan_comments', 'Your 15 days', 'reg 13(1)(a)'),
                   (6, 'final_plan', 'Send you the final plan', 'reg 13(2)')) AS s(position, key, label, regulation)
WHERE p.kind = 'needs_assessment';

INSERT INTO statutory_step (process_id, key, label, regulation, position, due_on, done_on, note, family_to_act,
                            lifted, not_needed)
SELECT p.id, s.key, s.label, s.regulation, s.position,
       CASE WHEN s.key = 'review_meeting' THEN (p.plan_dated_on + INTERVAL '12 months' - INTERVAL '1 day')::date END,
       NULL, '', s.key = 'amendment_comments', false, false
FROM statutory_process p
CROSS JOIN (VALUES (0, 'review_invitations', 'Invite everyone', 'reg 20(3)'),
                   (1, 'review_meeting', 'Hold the annual review meeting', 's44(1)'),
                   (2, 'review_report', 'Send the review report', 'reg 20(7)'),
                   (3, 'review_decision', 'Tell you the decision', 'reg 20(10)'),
                   (4, 'amendment_notice', 'Send proposed changes', 'reg 22(2)(a)'),
                   (5, 'amendment_comments', 'Your 15 days', 'reg 22(2)(c)'),
                   (6, 'amended_plan', 'Send the amended plan', 'reg 22(3)')) AS s(position, key, label, regulation)
WHERE p.kind = 'annual_review';

-- Assessment dates already passed (or within the week) are done: most on time; final plans at 16 to 24 weeks.
UPDATE statutory_step s SET done_on = LEAST(CURRENT_DATE - 1, s.due_on - 7 + (s.id %% 10)::int),
       lifted = (s.key = 'final_plan' AND s.id %% 12 = 0),
       not_needed = false
WHERE s.due_on < CURRENT_DATE + 8;
UPDATE statutory_step s SET not_needed = true
WHERE s.key = 'notice_not_to_issue' AND s.done_on IS NOT NULL;
UPDATE statutory_step s SET check_at = ((s.due_on - 7)::timestamp + INTERVAL '9 hours') AT TIME ZONE 'Europe/London'
WHERE s.due_on IS NOT NULL AND s.done_on IS NULL AND NOT s.family_to_act;
"""


def make_due(due: int, t0) -> None:
    """`due` open steps fall due at T0: a third missed yesterday, a third due today, a third in 5 working days.

    Committed, so the sweep's runs can each start on vacuumed tables; what an earlier run made due is put
    back out of the way first.
    """
    today = t0.astimezone(UK_TIME).date()
    Step.objects.filter(check_at__lte=t0).update(check_at=t0 + timedelta(days=30))
    watched = Step.objects.filter(check_at__isnull=False)
    stride = max(1, watched.count() // due)
    open_steps = list(watched.order_by("id").values_list("pk", flat=True)[: due * stride: stride])
    thirds = [open_steps[i::3] for i in range(3)]
    for ids, due_on in zip(thirds, (today - timedelta(days=1), today, today + timedelta(days=7)), strict=True):
        Step.objects.filter(pk__in=ids).update(due_on=due_on, check_at=t0 - timedelta(minutes=1))


def bench_sweep(t0) -> dict:
    runs, result = [], None
    for _ in range(RUNS):
        seconds, result = _sweep_rolled_back(t0)
        runs.append(seconds)
    acted = result.reminders + len(result.concerns)
    return {"seconds": round(statistics.median(runs), 2), "each": [round(r, 2) for r in runs],
            "reminders": result.reminders, "concerns": len(result.concerns),
            "ms_per_date": round(statistics.median(runs) * 1000 / acted, 1) if acted else None}


def _sweep_rolled_back(t0, *, traced: bool = False):
    """One sweep at T0 on vacuumed tables, rolled back; its time, or with `traced` its peak Python memory."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE statutory_step")
        cursor.execute("VACUUM ANALYZE statutory_stepalert")
    if traced:
        tracemalloc.start()
    with transaction.atomic():
        started = time.monotonic()
        result = statutory_sweep(now=t0)
        seconds = time.monotonic() - started
        transaction.set_rollback(True)
    if traced:
        seconds = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return seconds, result


def peak_memory(due: int, t0) -> dict:
    """Peak Python memory of one sweep with an eighth of `due` due and with half: flat if the two are close."""
    peaks = {}
    for amount in (due // 8, due // 2):
        make_due(amount, t0)
        peaks[amount] = f"{_sweep_rolled_back(t0, traced=True)[0] / 2**20:.1f} MiB"
    return peaks


def bench_report(today) -> dict:
    admin = get_user_model().objects.filter(is_superuser=True).first()
    period = Period(today - timedelta(days=365), today)
    out = {}
    for group_by in ("council", "month"):
        runs = []
        for _ in range(RUNS):
            started = time.monotonic()
            rows = timeliness_report(actor=admin, period=period, group_by=group_by, today=today)
            runs.append(time.monotonic() - started)
        out[group_by] = {"seconds": round(statistics.median(runs), 2), "rows": len(rows),
                         "plans_issued": sum(row["plans_issued"] for row in rows)}
    return out


def explain_due(t0) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM statutory_step WHERE check_at <= %s ORDER BY check_at, id LIMIT 500",
            [t0],
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assessments", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--report-only", action="store_true", help="time the report again, not the sweep")
    args = parser.parse_args()
    machine = f"Yardstick {yardstick()} (lower is faster); load average {os.getloadavg()[0]:.1f} at the start."
    seed(args.assessments)
    t0 = timezone.now().astimezone(UK_TIME).replace(hour=9, minute=0, second=30, microsecond=0)
    with connection.cursor() as cursor:
        cases = meta_get(cursor)["cases"]
    rows = [("Processes; steps; open steps the sweep watches",
             f"{Process.objects.count():,}; {Step.objects.count():,}; "
             f"{Step.objects.filter(check_at__isnull=False).count():,}, among {cases:,} cases")]
    if not args.report_only:
        rows += bench_the_sweep(args.due, t0)
    report = bench_report(t0.astimezone(UK_TIME).date())
    print("[statutory bench] timeliness report, England, last 12 months:", report, flush=True)
    rows += [(f"Timeliness report, England, last 12 months, by {group_by}",
              f"{figures['seconds']} s (median of {RUNS}); {figures['rows']} rows, "
              f"{figures['plans_issued']:,} plans issued") for group_by, figures in report.items()]
    lines = [f"# Statutory bench: inside the {cases:,}-case data set", "", machine, "", "| What | Result |", "| --- | --- |",
             *(f"| {what} | {result} |" for what, result in rows)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"statutory-{cases}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines), flush=True)


def bench_the_sweep(due: int, t0) -> list[tuple[str, str]]:
    make_due(due, t0)
    print(f"[statutory bench] due at T0: {Step.objects.filter(check_at__lte=t0).count():,}", flush=True)
    sweep = bench_sweep(t0)
    print("[statutory bench] sweep:", sweep, flush=True)
    print("[statutory bench] the due read:\n" + explain_due(t0), flush=True)
    memory = peak_memory(due, t0)
    return [(f"Statutory sweep, {due:,} dates due", f"{sweep['seconds']} s (median of {RUNS}: {sweep['each']}); "
             f"{sweep['reminders']:,} reminders, {sweep['concerns']:,} concerns logged; "
             f"{sweep['ms_per_date']} ms a date"),
            ("Statutory sweep, peak Python memory by dates due",
             "; ".join(f"{amount:,} due: {peak}" for amount, peak in memory.items()))]


if __name__ == "__main__":
    main()
