"""The clock tally (`ClockTally`): stopped clocks counted by report keys, kept in the transaction that changes them.

Every change that stops a shown clock, supersedes one, or moves a case to another
officer or team goes through `tally_clocks` (or `tally_moved`), in the caller's
transaction. The contribution of some clocks is worked out by the same query
that rebuilds the whole tally, so the two cannot drift apart.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models import Case as Choose
from django.db.models.functions import Coalesce, TruncDate, TruncMonth

from core.time import UK_TIME

from ..models import Clock, ClockKind, ClockTally
from ..selectors import SHOWN_KINDS, age_code_when_logged, young_person_when_logged

KEYS = ("day", "team_id", "officer_id", "category_id", "kind", "young_person", "met", "minutes")
COLUMNS = (*KEYS, "month", "clocks")
# Rows a statement upserts at once: well inside SQLite's limit on parameters.
BATCH = 500


def tally_clocks(clocks: QuerySet[Clock], *, sign: int) -> int:
    """Add (`sign` 1) or take away (-1) what these clocks count in the tally: their current, stopped, shown ones.

    Returns how many tally rows it changed: none costs one query, any number three at most.
    """
    rows = [(*(row[key] for key in KEYS), row["month"], sign * row["clocks"]) for row in tally_rows(clocks)]
    if not rows:
        return 0
    _upsert(sorted(rows))
    if sign < 0:
        ClockTally.objects.filter(clocks=0).delete()
    return len(rows)


@contextmanager
def tally_moved(case_ids: Iterable[int]):
    """The cases' clocks leave the tally under their old keys and come back under the new ones, after the block.

    Cases with no stopped clock have nothing in the tally before, and moving them stops none: one query.
    """
    clocks = Clock.objects.filter(case_id__in=list(case_ids))
    counted = tally_clocks(clocks, sign=-1)
    yield
    if counted:
        tally_clocks(clocks, sign=1)


def tally_rows(clocks: QuerySet[Clock]) -> list[dict]:
    """The tally's rows for these clocks: one per set of keys, with how many clocks share them."""
    return [
        {**row, "young_person": bool(row["young_person"]), "met": bool(row["met"])} for row in _counted(clocks)
    ]


@transaction.atomic
def tally_rebuild() -> int:
    """Write the tally again from the clocks, in the database (one INSERT ... SELECT). Returns its rows."""
    ClockTally.objects.all().delete()
    counted, params = _counted(Clock.objects.all()).query.sql_with_params()
    table = connection.ops.quote_name(ClockTally._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM ({counted}) AS counted", params)
    return ClockTally.objects.count()


def _counted(clocks: QuerySet[Clock]) -> QuerySet:
    met = Q(breached_at__isnull=True, stopped_at__lte=F("due_at"))
    return (
        clocks.filter(kind__in=SHOWN_KINDS, superseded_at__isnull=True, stopped_at__isnull=False)
        .alias(age_code=age_code_when_logged("case__"))
        .values(
            "kind",
            day=TruncDate("case__created_at", tzinfo=UK_TIME),
            month=TruncMonth("case__created_at", tzinfo=UK_TIME, output_field=DateField()),
            team_id=F("case__team_id"),
            officer_id=F("case__accountable_officer_id"),
            category_id=F("case__category_id"),
            young_person=ExpressionWrapper(young_person_when_logged(), output_field=BooleanField()),
            met=ExpressionWrapper(met, output_field=BooleanField()),
            # Whole minutes, floored: a percentile of them is exact to the minute. Nothing shows a respond time.
            # Only a clock stopped outside the services (written by hand) has no working time: it counts as 0.
            minutes=Choose(
                When(kind=ClockKind.RESPOND, then=Value(0)),
                default=Coalesce(F("working_seconds_taken"), Value(0)) / Value(60),
                output_field=IntegerField(),
            ),
        )
        .annotate(clocks=Count("pk"))
        .order_by()
    )


def _upsert(rows: list[tuple]) -> None:
    table = connection.ops.quote_name(ClockTally._meta.db_table)
    keys = ", ".join(connection.ops.quote_name(key) for key in KEYS)
    columns = ", ".join(connection.ops.quote_name(column) for column in COLUMNS)
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ", ".join([f"({placeholders})"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                f"ON CONFLICT ({keys}) DO UPDATE SET clocks = {table}.clocks + excluded.clocks",
                [value for row in batch for value in row],
            )
