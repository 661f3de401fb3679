"""UK time, and how a moment is written in words for people in England.

Every time the service stores is UTC (API.md); everything it shows, and every working day it counts,
is in UK time, so summer time is handled in one place.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

UK_TIME = ZoneInfo("Europe/London")


def in_uk_time(moment: datetime) -> datetime:
    if moment.utcoffset() is None:
        raise ValueError(f"{moment} has no time zone, so it is not clear when it is in the UK.")
    return moment.astimezone(UK_TIME)


def describe_moment(moment: datetime | None) -> str:
    """'5pm on Wednesday 25 November 2026' in UK time, as GOV.UK style writes a deadline."""
    if moment is None:
        return ""
    local = in_uk_time(moment)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{minutes}{suffix} on {local:%A} {local.day} {local:%B %Y}"


def short_moment(moment: datetime | None) -> str:
    """'25 Nov 2026, 5pm' in UK time: short enough for a table cell."""
    if moment is None:
        return ""
    local = in_uk_time(moment)
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{local.day} {local:%b %Y}, {local.hour % 12 or 12}{minutes}{'am' if local.hour < 12 else 'pm'}"


def first_day_of_twelve_months_ending(last_day: date) -> date:
    """The first day of the 12 months that end on `last_day`, both included: the day after the same
    date a year before (18 December 2026 gives 19 December 2025). A year before 29 February is
    28 February, so 29 February 2024 gives 1 March 2023."""
    try:
        a_year_before = last_day.replace(year=last_day.year - 1)
    except ValueError:
        a_year_before = last_day.replace(year=last_day.year - 1, day=28)
    return a_year_before + timedelta(days=1)
