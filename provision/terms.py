"""School terms per council, and how many sessions a plan's amount owes over any stretch of days.

How the counting works (README "Provision delivery" says the same for families and staff):
- A *teaching day* is a Monday to Friday inside one of the council's term blocks that is
  not an England and Wales bank holiday.
- "N sessions a week": N for every Monday-to-Sunday week that has at least one day the
  provision runs inside the stretch (a teaching day if it is term time only, any day if
  not). So a half-term week owes nothing, and a week with a bank holiday Monday still owes
  its session, on another day.
- "N a year": N shared out over the school year's teaching days (term time only) or over
  the calendar year's days (all year), rounded down to whole sessions for the stretch.
  "N a term" is 3N a year.
Rounding is always down, so the service never says more is owed than the plan promises.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from functools import cache

import holidays

from casework.models import ProvisionItem

from .models import TermDate

ONE_DAY = timedelta(days=1)
Term = TermDate.Term

# The usual England pattern, for councils that have not entered their own. (term, first day, last day)
DEFAULT_TERMS = [
    (Term.AUTUMN, date(2025, 9, 3), date(2025, 10, 24)),
    (Term.AUTUMN, date(2025, 11, 3), date(2025, 12, 19)),
    (Term.SPRING, date(2026, 1, 5), date(2026, 2, 13)),
    (Term.SPRING, date(2026, 2, 23), date(2026, 3, 27)),
    (Term.SUMMER, date(2026, 4, 13), date(2026, 5, 22)),
    (Term.SUMMER, date(2026, 6, 1), date(2026, 7, 22)),
    (Term.AUTUMN, date(2026, 9, 2), date(2026, 10, 23)),
    (Term.AUTUMN, date(2026, 11, 2), date(2026, 12, 18)),
    (Term.SPRING, date(2027, 1, 4), date(2027, 2, 12)),
    (Term.SPRING, date(2027, 2, 22), date(2027, 3, 25)),
    (Term.SUMMER, date(2027, 4, 12), date(2027, 5, 28)),
    (Term.SUMMER, date(2027, 6, 7), date(2027, 7, 21)),
    (Term.AUTUMN, date(2027, 9, 1), date(2027, 10, 22)),
    (Term.AUTUMN, date(2027, 11, 1), date(2027, 12, 17)),
    (Term.SPRING, date(2028, 1, 4), date(2028, 2, 11)),
    (Term.SPRING, date(2028, 2, 21), date(2028, 3, 31)),
    (Term.SUMMER, date(2028, 4, 18), date(2028, 5, 26)),
    (Term.SUMMER, date(2028, 6, 5), date(2028, 7, 21)),
]


@dataclass(frozen=True)
class Block:
    term: str
    starts_on: date
    ends_on: date


def school_year_of(day: date) -> int:
    """The calendar year a school year starts in: 1 September to 31 August."""
    return day.year if day.month >= 9 else day.year - 1


class TermCalendar:
    """A council's term blocks, read once per school year; its own where it entered them, else the usual ones."""

    def __init__(self, organisation_id: int):
        self.organisation_id = organisation_id
        self._years: dict[int, list[Block]] = {}
        # The sweep asks about the same few weeks for every item of a council: each day is worked out once.
        self._teaching: dict[date, bool] = {}

    def blocks_of_year(self, year: int) -> list[Block]:
        if year not in self._years:
            own = [
                Block(row.term, row.starts_on, row.ends_on)
                for row in TermDate.objects.filter(
                    organisation_id=self.organisation_id,
                    starts_on__gte=date(year, 9, 1),
                    starts_on__lt=date(year + 1, 9, 1),
                ).order_by("starts_on")
            ]
            self._years[year] = own or [
                Block(term, starts, ends) for term, starts, ends in DEFAULT_TERMS if school_year_of(starts) == year
            ]
        return self._years[year]

    def block_on(self, day: date) -> Block | None:
        return next((b for b in self.blocks_of_year(school_year_of(day)) if b.starts_on <= day <= b.ends_on), None)

    def is_teaching_day(self, day: date) -> bool:
        if day not in self._teaching:
            self._teaching[day] = (
                day.weekday() < 5 and day not in _bank_holidays(day.year) and self.block_on(day) is not None
            )
        return self._teaching[day]

    def term_start(self, day: date) -> date | None:
        """The first day of the term (both halves) `day` is in, or of the last term before it in a holiday."""
        blocks = [b for b in self.blocks_of_year(school_year_of(day)) if b.starts_on <= day]
        if not blocks:
            blocks = self.blocks_of_year(school_year_of(day) - 1)
        if not blocks:
            return None
        term = blocks[-1].term
        first = blocks[-1]
        for block in reversed(blocks):
            if block.term != term:
                break
            first = block
        return first.starts_on

    def teaching_days_in_year(self, year: int) -> int:
        return sum(
            1
            for block in self.blocks_of_year(year)
            for day in _days(block.starts_on, block.ends_on)
            if day.weekday() < 5 and day not in _bank_holidays(day.year)
        )


def expected_sessions(item: ProvisionItem, start: date, end: date, calendar: TermCalendar) -> int:
    """How many sessions the plan owes from `start` to `end` (both included), inside the item's own dates.

    0 for an item without a structured amount: nothing can be counted against it.
    """
    if not (item.sessions and item.per and item.starts_on):
        return 0
    start = max(start, item.starts_on)
    if item.ends_on:
        end = min(end, item.ends_on)
    if end < start:
        return 0
    if item.per == ProvisionItem.Per.WEEK:
        return item.sessions * _weeks_with_provision(item, start, end, calendar)
    per_year = item.sessions * (3 if item.per == ProvisionItem.Per.TERM else 1)
    # Fractions, not floats: a third of the year's teaching days owes exactly one of three sessions, never 0.999.
    return int(sum((per_year * share for share in _shares_of_year(item, start, end, calendar)), Fraction(0)))


def _weeks_with_provision(item, start: date, end: date, calendar: TermCalendar) -> int:
    weeks = set()
    for day in _days(start, end):
        if not item.term_time_only or calendar.is_teaching_day(day):
            weeks.add(day - timedelta(days=day.weekday()))
    return len(weeks)


def _shares_of_year(item, start: date, end: date, calendar: TermCalendar):
    """For each school (or calendar) year the stretch touches: the part of that year's days it covers."""
    if not item.term_time_only:
        for year in range(start.year, end.year + 1):
            first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
            yield Fraction((last - first).days + 1, (date(year + 1, 1, 1) - date(year, 1, 1)).days)
        return
    for year in range(school_year_of(start), school_year_of(end) + 1):
        in_year = calendar.teaching_days_in_year(year)
        if not in_year:
            continue
        first, last = max(start, date(year, 9, 1)), min(end, date(year + 1, 8, 31))
        yield Fraction(sum(1 for day in _days(first, last) if calendar.is_teaching_day(day)), in_year)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += ONE_DAY


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # The same source as the working-day calendar (escalations.working_days): England and Wales.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))
