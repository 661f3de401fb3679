"""The SQL building blocks every report shares: UK dates, months, names and percentiles, worked out by the database."""

from datetime import date, datetime, time, timedelta
from math import floor

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Trim, TruncMonth

from core.time import UK_TIME

# The escalation ladder's levels: the team manager, the head of service, the director.
LEVELS = (1, 2, 3)



class Percentile(models.Aggregate):
    """The continuous percentile of a column (linear interpolation between the two nearest values).

    PostgreSQL has it built in as `percentile_cont`. SQLite has no such function,
    so the same calculation is registered on the connection as an aggregate, the
    way Django itself adds STDDEV_POP to SQLite: either way the query answers one
    number per group, never the values behind it.
    """

    function = "PERCENTILE_CONT"
    name = "Percentile"
    output_field = models.FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, fraction: float, **extra):
        if not 0 <= fraction <= 1:
            raise ValueError(f"A percentile is a fraction from 0 to 1, not {fraction!r}.")
        super().__init__(expression, fraction=float(fraction), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_aggregate("PERCENTILE_CONT", 2, _SqlitePercentile)
        # A copy with SQLite's calling form, so a `filter` still wraps it in FILTER (WHERE ...).
        sqlite_form = self.copy()
        sqlite_form.template = "%(function)s(%(expressions)s, %(fraction)s)"
        return sqlite_form.as_sql(compiler, connection, **extra_context)


class _SqlitePercentile:
    """PostgreSQL's `percentile_cont` for SQLite. Nulls are skipped, as every SQL aggregate skips them."""

    def __init__(self):
        self.values = []
        self.fraction = 0.5

    def step(self, value, fraction):
        self.fraction = fraction
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return percentile_cont(sorted(self.values), self.fraction)


def percentile_cont(ordered: list[float], fraction: float) -> float | None:
    """The value at `fraction` of the way along `ordered`, interpolating between neighbours."""
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    below = floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (rank - below) * (ordered[above] - ordered[below])


def display_name(user_path: str):
    """An officer's display name in SQL, as `Officer.display_name` gives it: full name, else username."""
    full_name = Trim(Concat(f"{user_path}__first_name", Value(" "), f"{user_path}__last_name"))
    return models.Case(
        models.When(
            Q(**{f"{user_path}__first_name": "", f"{user_path}__last_name": ""}), then=F(f"{user_path}__username")
        ),
        default=full_name,
        output_field=models.CharField(),
    )


def uk_month(path: str):
    return TruncMonth(path, tzinfo=UK_TIME)


def month_key(month: datetime) -> str:
    return f"{month:%Y-%m}"


def month_label(month: datetime) -> str:
    return f"{month:%B %Y}"


def round_or_none(value: float | None, places: int = 1) -> float | None:
    return None if value is None else round(value, places)


def seconds_in(seconds: float | None, unit_seconds: int) -> float | None:
    """`seconds` in hours or working days, rounded to one place; None stays None.

    A percentile is a linear interpolation, so the percentile of a column in
    seconds, divided, is the percentile of the column in the larger unit.
    """
    return round_or_none(None if seconds is None else seconds / unit_seconds)


def on_uk_dates(field: str, first_day: date, last_day: date) -> Q:
    """`field` falls on any UK date from `first_day` to `last_day`, both included.

    The last date there is (31 December 9999) has no day after it, so nothing bounds it from above.
    """
    condition = Q(**{f"{field}__gte": uk_midnight(first_day)})
    if last_day < date.max:
        condition &= Q(**{f"{field}__lt": uk_midnight(last_day + timedelta(days=1))})
    return condition


def uk_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UK_TIME)
