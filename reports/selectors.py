"""Which cases a manager's reports count, and in which period."""

from datetime import date

from django.db.models import QuerySet

from casework.models import Case
from casework.permissions import teams_reported_to

from .sql import on_uk_dates


def cases_reported_to(user) -> QuerySet[Case]:
    """The cases a manager's reports count: those of the teams they oversee. Check `may_read_reports` first."""
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(team__in=teams_reported_to(user))


def logged_between(cases: QuerySet[Case], first_day: date, last_day: date) -> QuerySet[Case]:
    """Cases logged on any UK date from `first_day` to `last_day`, both included."""
    return cases.filter(on_uk_dates("created_at", first_day, last_day))
