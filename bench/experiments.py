"""`python bench/experiments.py`: the proposed fixes, tried on the seeded data and undone (indexes dropped, settings reset).

Each experiment prints a before and an after. Nothing here changes app code; it shows what a
change to it would do, so the figures in the reply can be checked.
"""

import sys
import time

from common import setup_django

setup_django()

from django.db import connection  # noqa: E402
from django.db.models import Q  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

import bench  # noqa: E402
from casework.models import Case, Officer  # noqa: E402
from casework.permissions import teams_of  # noqa: E402
from casework.selectors import covered_by  # noqa: E402


def clock(label, fn, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    print(f"  {label}: best {min(times) * 1000:.1f} ms of {repeat}", flush=True)
    return min(times)


def sql(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)


def main():
    parts = set(sys.argv[1].upper().split(",")) if len(sys.argv) > 1 else set("ABCDEF")
    meta = bench.load_meta()
    samples = meta["samples"]
    parent_token = samples["parents"][3][0]
    officer_token, officer_id = samples["officers"][3]

    def get(token, path):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        response = client.get(path)
        assert response.status_code == 200, response.status_code

    if "F" in parts:
        print("F. Logging a concern, one client, in-process, each rolled back (no queueing on the reference counter):",
              flush=True)
        parent_token_log, child = samples["parents"][5]

        def log_one():
            with bench.rolled_back():
                client = APIClient()
                client.credentials(HTTP_AUTHORIZATION=f"Token {parent_token_log}")
                response = client.post("/api/cases/", {"child": child, "category": "transport", "summary": "Bus",
                                                       "description": "The bus did not come."}, format="json")
                assert response.status_code == 201, response.content[:300]

        times = []
        for _ in range(20):
            started = time.perf_counter()
            log_one()
            times.append(time.perf_counter() - started)
        times.sort()
        print(f"  POST /api/cases/ one at a time: p50 {times[9] * 1000:.0f} ms, p95 {times[18] * 1000:.0f} ms", flush=True)
    if "A" in parts:
        print("A. A parent's list and an officer's queue, as they are, then with settings changed:", flush=True)
        sql("SET statement_timeout = '60s'")
        clock("parent list, as is", lambda: get(parent_token, "/api/cases/"))
        clock("queue, as is", lambda: get(officer_token, "/api/cases/?mine=true"))
        sql("SET jit = off")
        clock("parent list, jit off", lambda: get(parent_token, "/api/cases/"))
        clock("queue, jit off", lambda: get(officer_token, "/api/cases/?mine=true"))
        sql("SET join_collapse_limit = 20")
        sql("SET from_collapse_limit = 20")
        clock("parent list, jit off + join_collapse_limit 20", lambda: get(parent_token, "/api/cases/"))
        sql("RESET join_collapse_limit")
        sql("RESET from_collapse_limit")
    if "B" in parts:
        print("B. The queue's scope with team and officer ids read first (no subqueries in the OR):", flush=True)
        officer = Officer.objects.get(pk=officer_id)

        def scope_as_ids():
            teams = list(teams_of(officer).values_list("pk", flat=True))
            owners = [officer.pk, *covered_by(officer).values_list("pk", flat=True)]
            cases = Case.objects.filter(Q(team_id__in=teams) | Q(accountable_officer_id__in=owners)).filter(
                accountable_officer_id__in=owners)
            cases.count()
            list(cases.order_by("next_due_at", "created_at", "id").values_list("pk", flat=True)[:25])

        clock("queue scope by ids: count + first page of ids", scope_as_ids)
    if "C" in parts:
        print("C. A parent's scope without the pk__in wrapper and with fewer joins:", flush=True)
        from django.contrib.auth import get_user_model
        from knox.crypto import hash_token
        from knox.models import AuthToken

        parent = get_user_model().objects.get(pk=AuthToken.objects.get(digest=hash_token(parent_token)).user_id)

        def parent_direct():
            cases = (Case.objects.filter(child__family__memberships__user=parent)
                     .select_related("child", "category", "team", "accountable_officer__user")
                     .order_by("-created_at", "-id"))
            cases.count()
            list(cases[:25])

        clock("parent scope direct, 4 select_related", parent_direct)
        sql("RESET jit")
    if "D" in parts:
        print("D. The accountability report (all cases) with two expression indexes on handover events:", flush=True)
        superuser_token = samples["superuser"]["token"]
        sql("SET statement_timeout = '300s'")
        sql("CREATE INDEX IF NOT EXISTS bench_try_handover_to ON casework_caseevent "
            "(((data ->> 'to_officer_id')::bigint)) WHERE kind IN ('handover', 'reassigned')")
        sql("CREATE INDEX IF NOT EXISTS bench_try_handover_from ON casework_caseevent "
            "(((data ->> 'from_officer_id')::bigint)) WHERE kind IN ('handover', 'reassigned')")
        sql("ANALYZE casework_caseevent")
        try:
            clock("accountability, national, with the indexes", lambda: get(superuser_token, "/api/reports/accountability/"),
                  repeat=1)
        finally:
            sql("DROP INDEX IF EXISTS bench_try_handover_to")
            sql("DROP INDEX IF EXISTS bench_try_handover_from")
            sql("SET statement_timeout = 0")
    if "E" in parts:
        print("E. The SLA report (all cases, by team) with work_mem 256MB and jit off:", flush=True)
        path = dict(bench.report_paths(meta))["sla_by_team"]
        sql("SET statement_timeout = '300s'")
        clock("sla by team, as is", lambda: get(superuser_token, path), repeat=1)
        sql("SET work_mem = '256MB'")
        sql("SET jit = off")
        clock("sla by team, work_mem 256MB, jit off", lambda: get(superuser_token, path), repeat=1)
        sql("RESET work_mem")
        sql("RESET jit")
        sql("SET statement_timeout = 0")


if __name__ == "__main__":
    main()
