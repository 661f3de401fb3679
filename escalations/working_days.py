"""The working-day calendar: what counts as working time, and SLA arithmetic on it.

Working days are Monday to Friday except England and Wales bank holidays (from
the `holidays` package) and the closure days an administrator adds. Working
hours are 09:00 to 17:00 UK time. See DESIGN.md, invariant 5 and "Counting time".

Every function accepts aware datetimes in any time zone and returns aware
datetimes in UK time. For many calculations at once (a sweep, a report), make
one `WorkingCalendar` and reuse it: it reads closure days from the database
once for a span of years. The module-level functions make a fresh calendar on
each call, so each costs at most one query.
"""

from datetime import date, datetime, time, timedelta, timezone
from functools import cache

import holidays

from core.read_mostly import read_mostly
from core.time import UK_TIME, in_uk_time

from .models import ClosureDay

WORKING_DAY_STARTS = time(9)
WORKING_DAY_ENDS = time(17)
# UK clocks change at 01:00 UTC on a Sunday, so every working day is exactly
# eight hours long and wall-clock arithmetic inside one is exact.
WORKING_DAY_LENGTH = timedelta(hours=8)
ONE_DAY = timedelta(days=1)


def start_of_working_day(day: date) -> datetime:
    """09:00 UK time on `day`: when the reminder for a clock due that day is sent.

    It does not check that `day` is a working day; a due date always is one.
    """
    return datetime.combine(day, WORKING_DAY_STARTS, tzinfo=UK_TIME)


def end_of_working_day(day: date) -> datetime:
    """17:00 UK time on `day`: when a clock counted in working days falls due."""
    return datetime.combine(day, WORKING_DAY_ENDS, tzinfo=UK_TIME)


class WorkingCalendar:
    """Working days and working time, with closure days read once per span of years.

    A calendar is a snapshot: it does not see a closure day added after it read
    that year. Make one for a request, a task or a sweep, not one per process.
    """

    def __init__(self) -> None:
        self._closure_days: set[date] = set()
        self._years_read = range(0)

    def is_working_day(self, day: date) -> bool:
        """True if `day` is Monday to Friday, not a bank holiday in England and not a closure day."""
        return day.weekday() < 5 and day not in _bank_holidays(day.year) and not self._is_closure_day(day)

    def next_working_day(self, day: date) -> date:
        """The first working day after `day`; never `day` itself."""
        day += ONE_DAY
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def previous_working_day(self, day: date) -> date:
        """The last working day before `day`; never `day` itself."""
        day -= ONE_DAY
        while not self.is_working_day(day):
            day -= ONE_DAY
        return day

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """17:00 UK time on the `days`-th working day after the UK date of `moment`.

        The day `moment` falls on never counts, even if it is a working day: Friday
        16:59 plus one working day is Monday 17:00. Zero days means "the same working
        day": 17:00 on the day of `moment` if that is a working day and `moment` is
        before 17:00, otherwise 17:00 on the next working day.

        Raises ValueError if `days` is negative or not a whole number.
        """
        _check_count(days)
        local = in_uk_time(moment)
        day = local.date()
        if days == 0:
            if self.is_working_day(day) and local.time() < WORKING_DAY_ENDS:
                return end_of_working_day(day)
            days = 1
        for _ in range(days):
            day = self.next_working_day(day)
        return end_of_working_day(day)

    def add_working_hours(self, moment: datetime, hours: int) -> datetime:
        """The moment `hours` of working time after `moment`; see `add_working_seconds`.

        Raises ValueError if `hours` is negative or not a whole number.
        """
        _check_count(hours)
        return self.add_working_seconds(moment, hours * 3600)

    def add_working_seconds(self, moment: datetime, seconds: int) -> datetime:
        """The moment `seconds` of working time after `moment`.

        Only time inside working hours on working days counts. When the time runs
        out exactly at the end of a working day the answer is 17:00 that day, not
        09:00 on the next, so 17:00 plus eight working hours is 17:00 on the next
        working day. Zero seconds gives back `moment` itself, in UK time.

        Raises ValueError if `seconds` is negative or not a whole number.
        """
        _check_count(seconds)
        local = in_uk_time(moment)
        remaining = timedelta(seconds=seconds)
        if not remaining:
            return local
        day = local.date()
        if self.is_working_day(day) and local.time() < WORKING_DAY_ENDS:
            start = max(local, start_of_working_day(day))
            left_today = end_of_working_day(day) - start
            if remaining <= left_today:
                return start + remaining
            remaining -= left_today
        day = self.next_working_day(day)
        while remaining > WORKING_DAY_LENGTH:
            remaining -= WORKING_DAY_LENGTH
            day = self.next_working_day(day)
        return start_of_working_day(day) + remaining

    def subtract_working_hours(self, moment: datetime, hours: int) -> datetime:
        """The moment `hours` of working time before `moment`, for reminders on clocks counted in hours.

        When the time runs out exactly at the start of a working day the answer is
        09:00 that day, not 17:00 on the one before. Zero hours gives back `moment`
        itself, in UK time.

        Raises ValueError if `hours` is negative or not a whole number.
        """
        _check_count(hours)
        local = in_uk_time(moment)
        remaining = timedelta(hours=hours)
        if not remaining:
            return local
        day = local.date()
        if self.is_working_day(day) and local.time() > WORKING_DAY_STARTS:
            end = min(local, end_of_working_day(day))
            done_today = end - start_of_working_day(day)
            if remaining <= done_today:
                return end - remaining
            remaining -= done_today
        day = self.previous_working_day(day)
        while remaining > WORKING_DAY_LENGTH:
            remaining -= WORKING_DAY_LENGTH
            day = self.previous_working_day(day)
        return end_of_working_day(day) - remaining

    def working_seconds_between(self, start: datetime, end: datetime) -> int:
        """Whole seconds of working time from `start` to `end`, rounded down.

        Adding the answer to a due date with `add_working_seconds` moves it on by
        the working time a case spent paused.

        Raises ValueError if `end` is before `start`.
        """
        # Compared in UTC: two UK times in the repeated October hour compare wrongly by wall clock.
        if end.astimezone(timezone.utc) < start.astimezone(timezone.utc):
            raise ValueError(f"The end of a period of working time ({end}) is before its start ({start}).")
        start, end = in_uk_time(start), in_uk_time(end)
        total = timedelta()
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                opens = max(start, start_of_working_day(day))
                closes = min(end, end_of_working_day(day))
                if closes > opens:
                    total += closes - opens
            day += ONE_DAY
        return int(total.total_seconds())

    def _is_closure_day(self, day: date) -> bool:
        if day.year not in self._years_read:
            self._read_closure_days(day.year)
        return day in self._closure_days

    def _read_closure_days(self, year: int) -> None:
        # Reading the year asked for and the next in one query covers any deadline
        # of the default policies, even one that runs over New Year.
        if not self._years_read:
            wanted = range(year, year + 2)
        elif year >= self._years_read.stop:
            wanted = range(self._years_read.stop, year + 2)
        else:
            wanted = range(year, self._years_read.start)
        # From the cache (core.read_mostly): every concern logged reads them, an administrator adds a few a year.
        self._closure_days.update(
            read_mostly(
                "closure-days",
                f"{wanted.start}-{wanted.stop}",
                lambda: frozenset(
                    ClosureDay.objects.filter(
                        date__range=(date(wanted.start, 1, 1), date(wanted.stop - 1, 12, 31))
                    ).values_list("date", flat=True)
                ),
            )
        )
        read = self._years_read or wanted
        self._years_read = range(min(read.start, wanted.start), max(read.stop, wanted.stop))


def is_working_day(day: date) -> bool:
    """True if `day` is Monday to Friday, not a bank holiday in England and not a closure day."""
    return WorkingCalendar().is_working_day(day)


def next_working_day(day: date) -> date:
    """The first working day after `day`; never `day` itself."""
    return WorkingCalendar().next_working_day(day)


def add_working_days(moment: datetime, days: int) -> datetime:
    """17:00 UK time on the `days`-th working day after the UK date of `moment`.

    See `WorkingCalendar.add_working_days`, including what zero days means.
    """
    return WorkingCalendar().add_working_days(moment, days)


def add_working_hours(moment: datetime, hours: int) -> datetime:
    """The moment `hours` of working time after `moment`; see `WorkingCalendar.add_working_seconds`."""
    return WorkingCalendar().add_working_hours(moment, hours)


def add_working_seconds(moment: datetime, seconds: int) -> datetime:
    """The moment `seconds` of working time after `moment`; see `WorkingCalendar.add_working_seconds`."""
    return WorkingCalendar().add_working_seconds(moment, seconds)


def subtract_working_hours(moment: datetime, hours: int) -> datetime:
    """The moment `hours` of working time before `moment`; see `WorkingCalendar.subtract_working_hours`."""
    return WorkingCalendar().subtract_working_hours(moment, hours)


def working_seconds_between(start: datetime, end: datetime) -> int:
    """Whole seconds of working time from `start` to `end`; raises ValueError if `end` is before `start`."""
    return WorkingCalendar().working_seconds_between(start, end)


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    # Bank holidays cannot change while the process runs, and the package builds
    # each year in Python, so build it once.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _check_count(count: int) -> None:
    # True is an int to Python, but passing it as a count of working time is a mistake.
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"A count of working time must be a whole number, zero or more, not {count!r}.")
