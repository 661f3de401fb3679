"""How this project talks to PostgreSQL, beyond what settings can say."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections, transaction
from psycopg.types.array import ListBinaryDumper

_reading_a_report = ContextVar("reading_a_report", default=False)


@contextmanager
def report_reads():
    """Inside this, reads go to `settings.REPORTS_DATABASE` (a replica when DATABASE_REPLICA_URL is set).

    For a report's figures only: a replica may be a moment behind the primary, which a report can
    bear and a change cannot (it must read what it is about to change where it changes it).
    """
    token = _reading_a_report.set(True)
    try:
        yield
    finally:
        _reading_a_report.reset(token)


@contextmanager
def report_memory(alias: str):
    """A cursor on `alias` whose statements may sort and hash in `settings.REPORT_WORK_MEM` before spilling to disk.

    PostgreSQL's default (4 MB) is sized for many small queries at once; a national report's histogram of a
    million clocks spilled to disk and took twice as long (README "Performance"). The setting lasts only for
    this transaction (`SET LOCAL`); inside a caller's transaction, until that one ends.
    """
    connection = connections[alias]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic(using=alias, savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.REPORT_WORK_MEM])
        yield cursor


class ReportReadsRouter:
    """Reports' reads to the replica, everything else to the primary; without a replica, all to the primary."""

    def db_for_read(self, model, **hints):
        return settings.REPORTS_DATABASE if _reading_a_report.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: an object read from either may point at one from the other.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


def send_lists_in_binary(sender, connection, **kwargs) -> None:
    """Send list parameters to PostgreSQL in its binary array format.

    Django writes a bulk insert as one array per column (`UNNEST`). psycopg's
    text format escapes each element of those arrays with regular expressions,
    in Python: a fifth of the SLA sweep's CPU at a million cases went on the
    outbox's message bodies alone (bench/README.md). The binary format copies
    each element as it is. Only the encoding changes: the same values arrive.
    """
    if connection.vendor == "postgresql":
        # The latest dumper registered for a type is the one `%s` uses.
        connection.connection.adapters.register_dumper(list, ListBinaryDumper)
