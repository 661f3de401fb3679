"""The clock tally (`ClockTally`): stopped clocks counted by report keys, kept in the transaction that changes them.

Every change that stops a shown clock, supersedes one, or moves a case to another
officer or team goes through `tally_clocks` (or `tally_moved`), in the caller's
transaction. The contribution of some clocks is worked out by the same query
that rebuilds the whole tally, so the two cannot drift apart.
"""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When
from django.db.models import Case as Choose
from django.db.models.functions import TruncDate

from core.time import UK_TIME

from ..models import Clock, ClockKind, ClockTally
from ..selectors import SHOWN_KINDS, age_code_when_logged, young_person_when_logged

KEYS = ("day", "team_id", "officer_id", "category_id", "kind", "young_person", "met", "minutes")
# Rows a statement upserts at once: well inside SQLite's limit on parameters.
BATCH = 500


def tally_clocks(clocks: QuerySet[Clock], *, sign: int) -> None:
    """Add (`sign` 1) or take away (-1) what these clocks count in the tally: their current, stopped, shown ones."""
    rows = [(*(row[key] for key in KEYS), sign * row["clocks"]) for row in tally_rows(clocks)]
    _upsert(sorted(rows))
    if sign < 0:
        ClockTally.objects.filter(clocks=0).delete()


@contextmanager
def tally_moved(case_ids: Iterable[int]):
    """The cases' clocks leave the tally under their old keys and come back under the new ones, after the block."""
    clocks = Clock.objects.filter(case_id__in=list(case_ids))
    tally_clocks(clocks, sign=-1)
    yield
    tally_clocks(clocks, sign=1)


def tally_rows(clocks: QuerySet[Clock]) -> list[dict]:
    """The tally's rows for these clocks: one per set of keys, with how many clocks share them."""
    met = Q(breached_at__isnull=True, stopped_at__lte=F("due_at"))
    counted = (
        clocks.filter(kind__in=SHOWN_KINDS, superseded_at__isnull=True, stopped_at__isnull=False)
        .alias(age_code=age_code_when_logged("case__"))
        .values(
            "kind",
            day=TruncDate("case__created_at", tzinfo=UK_TIME),
            team_id=F("case__team_id"),
            officer_id=F("case__accountable_officer_id"),
            category_id=F("case__category_id"),
            young_person=ExpressionWrapper(young_person_when_logged(), output_field=BooleanField()),
            met=ExpressionWrapper(met, output_field=BooleanField()),
            # Whole minutes, floored: a percentile of them is exact to the minute. Nothing shows a respond time.
            minutes=Choose(
                When(kind=ClockKind.RESPOND, then=Value(0)),
                default=F("working_seconds_taken") / Value(60),
                output_field=IntegerField(),
            ),
        )
        .annotate(clocks=Count("pk"))
        .order_by()
    )
    return [{**row, "young_person": bool(row["young_person"]), "met": bool(row["met"])} for row in counted]


@transaction.atomic
def tally_rebuild() -> int:
    """Write the tally again from the clocks. Returns how many rows it has."""
    ClockTally.objects.all().delete()
    rows = tally_rows(Clock.objects.all())
    ClockTally.objects.bulk_create(
        (ClockTally(**row, month=row["day"].replace(day=1)) for row in rows), batch_size=5000
    )
    return len(rows)


def _upsert(rows: list[tuple]) -> None:
    table = connection.ops.quote_name(ClockTally._meta.db_table)
    keys = ", ".join(connection.ops.quote_name(key) for key in KEYS)
    columns = f"{keys}, month, clocks"
    placeholders = ", ".join(["%s"] * (len(KEYS) + 2))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            values = ", ".join([f"({placeholders})"] * len(batch))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values} "
                f"ON CONFLICT ({keys}) DO UPDATE SET clocks = {table}.clocks + excluded.clocks",
                [value for row in batch for value in (*row[:-1], row[0].replace(day=1), row[-1])],
            )
