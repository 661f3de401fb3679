"""The statutory process at national scale: the sweep with 2,000 dates due, and the timeliness report.

    DATABASE_URL=postgres://... .venv/bin/python bench/statutory_bench.py [--processes 700000] [--due 2000]

England has about 600,000 plans, each reviewed every year, and about 100,000 assessments a year: so by
default 600,000 annual reviews and 100,000 needs assessments, in 153 councils, with every step the
catalogue gives them (4.9 million steps). Written straight into PostgreSQL with INSERT ... SELECT over
generate_series, so seeding takes a minute or two rather than an hour of services; the rows are those the
services would leave (the dates from `statutory.rules`, `check_at` as `steps_sync` sets it). Run on the
national bench database (`make bench` seeds its 1,000,000 cases first) the dates are due among those cases.
Then, each on vacuumed tables and rolled back after:
- the statutory sweep at a moment T0 when `--due` steps are due: two thirds reminders (on the day, and five
  working days before) and a third missed dates, each of which logs a `process_delay` case through
  `case_log`;
- the timeliness report for England over the last twelve months, by council and by month.
Prints the figures and the plan of the sweep's read of what is due. Never run by `make test`.
"""

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import setup_django  # noqa: E402

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from casework.models import Category, Officer, Organisation, RoutingRule, Team  # noqa: E402
from core.time import UK_TIME  # noqa: E402
from statutory.models import Process, Step  # noqa: E402
from statutory.reports import Period, timeliness_report  # noqa: E402
from statutory.sweep import statutory_sweep  # noqa: E402

COUNCILS = 153
OFFICERS_A_COUNCIL = 8
PREFIX = "Statutory bench council"
RUNS = 3


def seed(processes: int) -> None:
    """Councils with a team each, one child a process, and the processes with every step and its dates."""
    if Organisation.objects.filter(name__startswith=PREFIX).exists():
        print("[statutory bench] already seeded: reusing", flush=True)
        return
    started = time.monotonic()
    with transaction.atomic():
        _seed_rows(processes)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE statutory_process")
        cursor.execute("VACUUM ANALYZE statutory_step")
    print(f"[statutory bench] seeded {processes:,} processes and {Step.objects.count():,} steps "
          f"in {time.monotonic() - started:.0f} s", flush=True)


def _seed_rows(processes: int) -> None:
    councils = _councils()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_council (idx int PRIMARY KEY, org_id int, officer_ids int[])")
        cursor.executemany("INSERT INTO bench_council VALUES (%s, %s, %s)", councils)
        params = {"n": processes, "councils": COUNCILS, "assessments": processes // 7,
                  "admin": get_user_model().objects.filter(is_superuser=True).first().pk}
        # One statement at a time: PostgreSQL binds the parameters itself, which allows no more.
        for statement in filter(str.strip, _SEED_SQL.split(";\n")):
            cursor.execute(statement, params)


def _councils() -> list[tuple]:
    user_model = get_user_model()
    if not user_model.objects.filter(is_superuser=True).exists():
        user_model.objects.create_superuser("statutory-bench-admin", password=None)
    category = Category.objects.get(pk="process_delay")
    rows = []
    for idx in range(COUNCILS):
        council = Organisation.objects.create(name=f"{PREFIX} {idx + 1}")
        team = Team.objects.create(organisation=council, name="SEND statutory team")
        users = user_model.objects.bulk_create(
            [user_model(username=f"stat-bench-{idx}-{n}", first_name="Officer", last_name=f"{idx}-{n}")
             for n in range(OFFICERS_A_COUNCIL + 1)]
        )
        officers = Officer.objects.bulk_create(
            [Officer(user=user, team=team, is_manager=n == 0) for n, user in enumerate(users)]
        )
        team.manager = officers[0]
        team.save()
        RoutingRule.objects.create(organisation=council, category=category, team=team, position=10)
        rows.append((idx, council.pk, [officer.pk for officer in officers[1:]]))
    return rows


# One child a process. The first `assessments` are needs assessments received over the last 200 days (those
# whose dates have passed are done, four in five on time, the final plan issued at 16 to 24 weeks, one in
# twelve with its 20 weeks lifted by an exception); the rest are annual reviews whose meeting falls due over
# the next twelve months. `check_at` is the next moment the sweep acts: 09:00 a week before the date.
_SEED_SQL = """
WITH families AS (
    INSERT INTO casework_family (organisation_id, name)
    SELECT c.org_id, 'Bench family ' || g FROM generate_series(1, %(n)s) g JOIN bench_council c ON c.idx = g %% %(councils)s
    RETURNING id, organisation_id
), children AS (
    INSERT INTO casework_child (family_id, first_name, last_name, date_of_birth)
    SELECT id, 'Child', 'Bench ' || id, DATE '2014-01-01' + (id %% 3650)::int FROM families
    RETURNING id, family_id
), numbered AS (
    SELECT ch.id AS child_id, f.organisation_id, row_number() OVER (ORDER BY ch.id) AS g
    FROM children ch JOIN families f ON f.id = ch.family_id
)
INSERT INTO statutory_process (organisation_id, child_id, kind, status, received_on, requested_by, plan_dated_on,
                               transfer, coordinator_id, created_by_id, created_at)
SELECT n.organisation_id, n.child_id,
       CASE WHEN n.g <= %(assessments)s THEN 'needs_assessment' ELSE 'annual_review' END,
       'open',
       CASE WHEN n.g <= %(assessments)s THEN CURRENT_DATE - (n.g %% 200)::int ELSE CURRENT_DATE - (n.g %% 30)::int END,
       'parent',
       CASE WHEN n.g <= %(assessments)s THEN NULL ELSE CURRENT_DATE - (n.g %% 350)::int END,
       '',
       c.officer_ids[1 + n.g %% array_length(c.officer_ids, 1)], %(admin)s, now()
FROM numbered n JOIN bench_council c ON c.org_id = n.organisation_id;

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
WHERE p.kind = 'needs_assessment' AND p.organisation_id IN (SELECT org_id FROM bench_council);

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
WHERE p.kind = 'annual_review' AND p.organisation_id IN (SELECT org_id FROM bench_council);

-- Assessment dates already passed (or within the week) are done: most on time; final plans at 16 to 24 weeks.
UPDATE statutory_step s SET done_on = LEAST(CURRENT_DATE - 1, s.due_on - 7 + (s.id %% 10)::int),
       lifted = (s.key = 'final_plan' AND s.id %% 12 = 0),
       not_needed = false
FROM statutory_process p
WHERE p.id = s.process_id AND p.organisation_id IN (SELECT org_id FROM bench_council)
  AND s.due_on < CURRENT_DATE + 8;
UPDATE statutory_step s SET not_needed = true
FROM statutory_process p
WHERE p.id = s.process_id AND p.organisation_id IN (SELECT org_id FROM bench_council)
  AND s.key = 'notice_not_to_issue' AND s.done_on IS NOT NULL;
UPDATE statutory_step s SET check_at = ((s.due_on - 7)::timestamp + INTERVAL '9 hours') AT TIME ZONE 'Europe/London'
FROM statutory_process p
WHERE p.id = s.process_id AND p.organisation_id IN (SELECT org_id FROM bench_council)
  AND s.due_on IS NOT NULL AND s.done_on IS NULL AND NOT s.family_to_act;
"""


def make_due(due: int, t0) -> None:
    """`due` open steps fall due at T0: a third missed yesterday, a third due today, a third in 5 working days.

    Committed, so the sweep's runs can each start on vacuumed tables; what an earlier run made due is put
    back out of the way first.
    """
    today = t0.astimezone(UK_TIME).date()
    Step.objects.filter(check_at__lte=t0).update(check_at=t0 + timedelta(days=30))
    watched = Step.objects.filter(process__organisation__name__startswith=PREFIX, check_at__isnull=False)
    stride = max(1, watched.count() // due)
    open_steps = list(watched.order_by("id").values_list("pk", flat=True)[: due * stride: stride])
    thirds = [open_steps[i::3] for i in range(3)]
    for ids, due_on in zip(thirds, (today - timedelta(days=1), today, today + timedelta(days=7)), strict=True):
        Step.objects.filter(pk__in=ids).update(due_on=due_on, check_at=t0 - timedelta(minutes=1))


def bench_sweep(t0) -> dict:
    runs, result = [], None
    for _ in range(RUNS):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE statutory_step")
        with transaction.atomic():
            started = time.monotonic()
            result = statutory_sweep(now=t0)
            runs.append(time.monotonic() - started)
            transaction.set_rollback(True)
    acted = result.reminders + len(result.concerns)
    return {"seconds": round(statistics.median(runs), 2), "each": [round(r, 2) for r in runs],
            "reminders": result.reminders, "concerns": len(result.concerns),
            "ms_per_date": round(statistics.median(runs) * 1000 / acted, 1) if acted else None}


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
    parser.add_argument("--processes", type=int, default=700_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--report-only", action="store_true", help="time the report again, not the sweep")
    args = parser.parse_args()
    seed(args.processes)
    t0 = timezone.now().astimezone(UK_TIME).replace(hour=9, minute=0, second=30, microsecond=0)
    if not args.report_only:
        bench_the_sweep(args.due, t0)
    print("[statutory bench] timeliness report, England, last 12 months:",
          bench_report(t0.astimezone(UK_TIME).date()), flush=True)
    print(f"[statutory bench] processes: {Process.objects.count():,}", flush=True)


def bench_the_sweep(due: int, t0) -> None:
    make_due(due, t0)
    print(f"[statutory bench] open steps the sweep watches: "
          f"{Step.objects.filter(check_at__isnull=False).count():,}; due at T0: "
          f"{Step.objects.filter(check_at__lte=t0).count():,}", flush=True)
    print("[statutory bench] sweep:", bench_sweep(t0), flush=True)
    print("[statutory bench] the due read:\n" + explain_due(t0), flush=True)


if __name__ == "__main__":
    main()
