"""The sessions table, partitioned by month on PostgreSQL, and the upkeep that makes each month's partition ahead.

Nationally about 70 million sessions are recorded a year (600,000 plans, three items each, weekly). Every
read of them names a range of days: the gap sweep the last few weeks of its items, the reports a period, an
item's page its latest sessions. Partitioned by the day of the session, a month a partition, PostgreSQL
reads only the months a query asks for, and each month's indexes stay the size of a month; retention can
drop a month whole rather than delete millions of rows one by one.

PostgreSQL needs the partition key in every unique index, so the primary key is (id, on). Ids still come
from the one identity sequence, so `id` stays unique and Django goes on treating it as the key.

A default partition takes any session whose month has no partition of its own (a day before the first
month, or upkeep that fell behind), so recording a session never fails for want of a partition; when the
upkeep makes that month it moves such sessions into it. SQLite, for local runs and quick tests, keeps an
ordinary table, and the upkeep does nothing there.
"""

from datetime import date

from django.db import connection, transaction

TABLE = "provision_delivery"
DEFAULT_PARTITION = f"{TABLE}_default"
# Made a quarter ahead, by a daily task: months of missed upkeep before any session lands in the default.
MONTHS_AHEAD = 3


def month_of(day: date) -> date:
    return day.replace(day=1)


def month_after(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"{TABLE}_{month:%Y_%m}"


def sessions_partitioned(cursor) -> bool:
    """Whether the sessions table is partitioned: on PostgreSQL, once migration 0005 has run."""
    if connection.vendor != "postgresql":
        return False
    cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s))", [TABLE])
    return cursor.fetchone()[0]


def delivery_partitions_ensure(
    *, today: date, since: date | None = None, months_ahead: int = MONTHS_AHEAD
) -> list[str]:
    """Make the partition of each month from `since` (this month unless given) to `months_ahead` months after
    this one, those not made already; return the names of those made.

    Idempotent, and safe to run twice at once: each month is made in its own transaction, under a lock on the
    default partition, so a second run waits and then finds the month there. Sessions already in the default
    partition for a month made move into it in the same transaction.
    """
    made = []
    with connection.cursor() as cursor:
        if not sessions_partitioned(cursor):
            return made
        month, last = month_of(since or today), month_of(today)
        for _ in range(months_ahead):
            last = month_after(last)
        while month <= last:
            if _partition_make(cursor, month):
                made.append(partition_name(month))
            month = month_after(month)
    return made


@transaction.atomic
def _partition_make(cursor, month: date) -> bool:
    name = partition_name(month)
    # Orders concurrent upkeep, and keeps a session from landing in the default while its month is being made.
    cursor.execute(f'LOCK TABLE "{DEFAULT_PARTITION}" IN ACCESS EXCLUSIVE MODE')
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
    if cursor.fetchone()[0]:
        return False
    # Dates from `date` objects, written by isoformat: DDL takes no bound parameters.
    first, after = month.isoformat(), month_after(month).isoformat()
    cursor.execute(f'CREATE TABLE "{name}" (LIKE "{TABLE}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)')
    cursor.execute(
        f'WITH moved AS (DELETE FROM "{DEFAULT_PARTITION}" WHERE "on" >= %s AND "on" < %s RETURNING *) '
        f'INSERT INTO "{name}" SELECT * FROM moved',
        [first, after],
    )
    cursor.execute(f"ALTER TABLE \"{TABLE}\" ATTACH PARTITION \"{name}\" FOR VALUES FROM ('{first}') TO ('{after}')")
    return True
