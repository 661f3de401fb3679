"""Provision delivery at scale: `.venv/bin/python bench/provision_bench.py` (PROVISION_BENCH_ITEMS=180000 by default).

Seeds its own database (`send_provision_bench` unless PROVISION_BENCH_DATABASE_URL says otherwise) with
councils, children and weekly provision items, a term of sessions each (12 an item, one in fifty missed)
written with COPY, into an ordinary sessions table (migration provision 0004). Then times, in process:
- the weekly register of a provider's 500 items, recorded in one request;
- the gap sweep over every item, a ninetieth of them due (the national figure: 20,000 of 1.8 million);
- a family's provision (`GET /api/provision/` and the page `/provision/`) and an item's sessions;
- the delivery report, by provider, for one council and for everyone;
and measures the sessions table, its indexes, and a BRIN index on the day as an alternative. Then it runs
migration 0005 (the table partitioned by month), timing it, and measures everything again: before and after.
Results go to bench/results/provision-N.md. README "Performance" records them.
"""

import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ["DATABASE_URL"] = os.environ.get(
    "PROVISION_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/send_provision_bench"
)
from common import RESULTS, setup_django  # noqa: E402

ITEMS = int(os.environ.get("PROVISION_BENCH_ITEMS", "180000"))
COUNCILS = 10
TODAY = date(2026, 11, 30)
TERM_START = date(2026, 9, 2)
REGISTER_ITEMS = 500
# One session in fifty missed: about one due item in thirteen has a miss in the last four weeks, a gap.
MISSED = 0.02
RANDOM_SEED = 2026
# How many times each timing is taken (the median is kept): fewer on a busy machine.
RUNS = int(os.environ.get("PROVISION_BENCH_RUNS", "3"))
UNPARTITIONED, PARTITIONED = "0004", "0005"
PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def create_database() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


def seed() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from casework.models import Officer, Organisation, RoutingRule, Team
    from provision.models import Delivery, ProviderStaff

    call_command("migrate", verbosity=0)
    # Before: the ordinary table. Going back from a partitioned table rebuilds it, which takes minutes.
    call_command("migrate", "provision", UNPARTITIONED, verbosity=0)
    if Delivery.objects.exists():
        return marks()
    rng = random.Random(RANDOM_SEED)
    User = get_user_model()
    councils = [Organisation.objects.create(name=f"Bench Council {n}") for n in range(COUNCILS)]
    icb = Organisation.objects.create(name="Bench ICB", kind=Organisation.Kind.ICB)
    trust = Organisation.objects.create(name="Bench NHS Trust", kind=Organisation.Kind.NHS_TRUST)
    register_provider = Organisation.objects.create(name="Bench Register Service", kind=Organisation.Kind.OUTREACH)
    for body in [*councils, icb]:
        team = Team.objects.create(organisation=body, name=f"{body.name} team")
        for n in range(5):
            Officer.objects.create(user=User.objects.create(username=f"o{body.pk}-{n}"), team=team)
        RoutingRule.objects.create(organisation=body, team=team)
    provider_user = User.objects.create(username="bench-provider")
    ProviderStaff.objects.create(user=provider_user, organisation=register_provider)
    recorder = User.objects.create(username="bench-recorder", is_superuser=True)
    children = ITEMS // 3
    with connection.cursor() as cursor:
        copy(cursor, "casework_family", ["id", "organisation_id", "name"],
             ((n, councils[n % COUNCILS].pk, f"F{n}") for n in range(1, children + 1)))
        copy(cursor, "casework_child", ["id", "family_id", "first_name", "last_name", "date_of_birth"],
             ((n, n, "Child", f"N{n}", "2016-05-01") for n in range(1, children + 1)))
        copy(cursor, "casework_ehcp", ["id", "child_id", "reference"],
             ((n, n, f"B-{n}") for n in range(1, children + 1)))
        items = []
        for n in range(1, ITEMS + 1):
            child = (n - 1) // 3 + 1
            section = "G" if n % 3 == 0 else "F"
            body = icb.pk if section == "G" else councils[child % COUNCILS].pk
            provider = register_provider.pk if n <= REGISTER_ITEMS else trust.pk
            items.append((n, child, section, "Weekly support", "", "", "", body, provider, 1, 60, "week", True,
                          TERM_START, "2027-07-21"))
        copy(cursor, "casework_provisionitem",
             ["id", "ehcp_id", "section", "description", "amount", "frequency", "provider", "responsible_body_id",
              "provider_organisation_id", "sessions", "minutes", "per", "term_time_only", "starts_on", "ends_on"],
             items)
        weeks = [TERM_START + timedelta(days=7 * w) for w in range(13) if w != 8]  # w/c 26 Oct is half term
        due = set(rng.sample(range(REGISTER_ITEMS + 1, ITEMS + 1), ITEMS // 90))
        copy(cursor, "provision_deliverycheck", ["item_id", "due_on", "counts_from"],
             ((n, TODAY if n in due else TODAY + timedelta(days=7), TERM_START) for n in range(1, ITEMS + 1)))
        copy(cursor, "provision_delivery",
             ["item_id", "on", "status", "minutes", "reason", "recorded_by_id", "recorded_at"],
             ((n, day, "missed" if rng.random() < MISSED else "delivered", 60, "", recorder.pk, "2026-11-30T09:00Z")
              for n in range(REGISTER_ITEMS + 1, ITEMS + 1) for day in weeks if day < TODAY))
        for table in ("casework_family", "casework_child", "casework_ehcp", "casework_provisionitem"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cursor.execute("VACUUM ANALYZE")
    return marks()


def copy(cursor, table: str, columns: list[str], rows, chunk: int = 100_000) -> None:
    """COPY the rows in, a chunk at a time, so memory stays small."""
    names = ", ".join(f'"{column}"' for column in columns)
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as pipe:
        buffer = io.StringIO()
        for number, row in enumerate(rows, 1):
            buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
            if number % chunk == 0:
                pipe.write(buffer.getvalue())
                buffer = io.StringIO()
        pipe.write(buffer.getvalue())


def marks() -> dict:
    from django.contrib.auth import get_user_model

    from casework.models import Child, FamilyMember, Organisation

    User = get_user_model()
    parent, made = User.objects.get_or_create(username="bench-parent")
    if made:
        FamilyMember.objects.create(family=Child.objects.get(pk=2).family, user=parent)
    return {
        "provider": User.objects.get(username="bench-provider"),
        "parent": parent,
        "manager": User.objects.get(username="bench-recorder"),
        "council": Organisation.objects.get(name="Bench Council 0"),
    }


class Shown(list):
    """The figures, each printed as it is taken, so a long run shows what it has so far."""

    def append(self, row):
        print(" | ".join(row), flush=True)
        super().append(row)


def timed(fn, runs=1):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], result


def run(people: dict) -> list[tuple[str, str]]:
    import time_machine
    from django.conf import settings
    from django.db import transaction
    from django.test import Client, override_settings
    from rest_framework.test import APIClient

    from casework.models import ProvisionItem
    from provision.gaps import provision_gap_sweep
    from provision.models import Delivery
    from reports.delivery import delivery_report

    def client(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    rows = Shown()
    with time_machine.travel(date(2026, 11, 30), tick=True):
        register = {"entries": [{"item": n, "on": "2026-11-24", "status": "delivered"}
                                for n in range(1, REGISTER_ITEMS + 1)]}

        def record_week():
            with transaction.atomic():
                answer = client(people["provider"]).post("/api/provision/register/", register, format="json")
                assert answer.status_code == 201, answer.content[:300]
                transaction.set_rollback(True)

        seconds, _ = timed(record_week, runs=RUNS)
        rows.append(("A provider's register of 500 items, one request", f"{seconds:.2f} s (median of {RUNS})"))

        def sweep():
            with transaction.atomic():
                raised = provision_gap_sweep(today=TODAY)
                transaction.set_rollback(True)
            return raised

        seconds, raised = timed(sweep, runs=RUNS)
        rows.append((f"Gap sweep: {ITEMS:,} items watched, {ITEMS // 90:,} due", f"{seconds:.2f} s (median of {RUNS}); "
                     f"{raised} concerns raised"))
        family = client(people["parent"])
        seconds, _ = timed(lambda: family.get("/api/provision/"), runs=RUNS)
        rows.append(("A family's provision, `GET /api/provision/`", f"{seconds * 1000:.0f} ms (median of {RUNS})"))
        page = Client()
        page.force_login(people["parent"])
        # Static files unbuilt: the page's asset links come from plain storage, not the production manifest.
        with override_settings(STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}):
            assert page.get("/provision/").status_code == 200
            seconds, _ = timed(lambda: page.get("/provision/"), runs=RUNS)
        rows.append(("A family's provision page, `/provision/`", f"{seconds * 1000:.0f} ms (median of {RUNS})"))
        item = ProvisionItem.objects.filter(ehcp__child__family__memberships__user=people["parent"]).first()
        seconds, _ = timed(lambda: family.get(f"/api/provision/{item.pk}/deliveries/"), runs=RUNS)
        rows.append(("An item's sessions, `GET /api/provision/{id}/deliveries/`", f"{seconds * 1000:.0f} ms"))
        everyone = ProvisionItem.objects.all()
        one_council = ProvisionItem.objects.filter(ehcp__child__family__organisation=people["council"])
        for label, items in (("one council", one_council), ("everyone", everyone)):
            seconds, _ = timed(lambda: delivery_report(items=items, first_day=TERM_START, last_day=TODAY,
                                                        group_by="provider"), runs=RUNS)
            rows.append((f"Delivery report by provider, the autumn term, {label}", f"{seconds:.2f} s (median of {RUNS})"))
    assert Delivery.objects.exists()
    return rows


def table_size() -> tuple[str, str]:
    """The sessions table: its rows and indexes, over every partition when it is partitioned."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), pg_size_pretty(sum(pg_table_size(relid))), "
                       "pg_size_pretty(sum(pg_indexes_size(relid))) FROM (SELECT relid FROM "
                       "pg_partition_tree('provision_delivery') UNION SELECT 'provision_delivery'::regclass) tree")
        tables, table, indexes = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM provision_delivery")
        count = cursor.fetchone()[0]
    kept_in = f"{tables - 1} partitions" if tables > 1 else "one table"
    return ("Sessions table", f"{count:,} rows in {kept_in}: {table} of rows, {indexes} of indexes (the primary "
            "key, the unique item and day, which serves every read of an item, and disputes)")


def index_on_the_day_alone() -> tuple[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX IF NOT EXISTS bench_delivery_on_brin ON provision_delivery USING brin (\"on\")")
        cursor.execute("CREATE INDEX IF NOT EXISTS bench_delivery_on_btree ON provision_delivery (\"on\")")
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('bench_delivery_on_brin')), "
                       "pg_size_pretty(pg_relation_size('bench_delivery_on_btree'))")
        brin, btree = cursor.fetchone()
        cursor.execute("DROP INDEX bench_delivery_on_brin; DROP INDEX bench_delivery_on_btree")
    return ("An index on the day alone", f"BRIN {brin}, B-tree {btree}")


def partition() -> tuple[str, str]:
    """Migration 0005 on the seeded sessions, timed: what upgrading a service with a term of records costs."""
    from django.core.management import call_command
    from django.db import connection

    start = time.perf_counter()
    call_command("migrate", "provision", PARTITIONED, verbosity=0)
    seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE provision_delivery")
    return ("Migration 0005: the table rebuilt partitioned by month", f"{seconds:.0f} s")


def main() -> None:
    create_database()
    setup_django()
    from report import yardstick

    machine = f"Yardstick {yardstick()} (lower is faster); load average {os.getloadavg()[0]:.1f} at the start."
    start = time.perf_counter()
    people = seed()
    seeded = time.perf_counter() - start
    before = run(people)
    before += [table_size(), index_on_the_day_alone()]
    migration, took = partition()
    print(f"{migration}: {took}", flush=True)
    after = run(people)
    after.append(table_size())
    after = dict(after)
    lines = [f"# Provision delivery bench: {ITEMS:,} items", "", f"Seeded (or found) in {seeded:.0f} s. {migration}: "
             f"{took}.", machine, "", "| What | Before: one table | After: a partition a month |", "| --- | --- | --- |",
             *(f"| {what} | {result} | {after.get(what, '')} |" for what, result in before)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"provision-{ITEMS}.md"
    path.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
