"""Which cases a manager's reports count, and in which period."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from casework.models import Case, Team
from casework.permissions import teams_reported_to
from escalations.models import ClockTally
from escalations.selectors import age_code_when_logged, young_person_when_logged

from .sql import on_uk_dates

TRANSITION_CATEGORY = "transition"


def cases_reported_to(user) -> QuerySet[Case]:
    """The cases a manager's reports count: those of the teams they oversee. Check `may_read_reports` first."""
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(team__in=teams_reported_to(user))


def logged_between(cases: QuerySet[Case], first_day: date, last_day: date) -> QuerySet[Case]:
    """Cases logged on any UK date from `first_day` to `last_day`, both included."""
    return cases.filter(on_uk_dates("created_at", first_day, last_day))


def transition_cases(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Transition concerns, and every concern about a young person aged 16 to 25 on the day it was logged."""
    return cases.alias(age_code=age_code_when_logged()).filter(
        Q(category_id=TRANSITION_CATEGORY) | young_person_when_logged()
    )


@dataclass(frozen=True)
class SlaScope:
    """The cases an SLA report counts: a manager's teams (every team for a superuser), logged in a period,
    and for the transition report only transition cases. Read as cases (for the clocks still running) and
    as the clock tally (for the stopped ones)."""

    teams: QuerySet[Team] | None
    first_day: date
    last_day: date
    transition: bool = False

    def cases(self) -> QuerySet[Case]:
        cases = Case.objects.all() if self.teams is None else Case.objects.filter(team__in=self.teams)
        cases = logged_between(cases, self.first_day, self.last_day)
        return transition_cases(cases) if self.transition else cases

    def tallies(self) -> QuerySet[ClockTally]:
        tallies = ClockTally.objects.filter(day__gte=self.first_day, day__lte=self.last_day)
        if self.teams is not None:
            tallies = tallies.filter(team__in=self.teams)
        if self.transition:
            tallies = tallies.filter(Q(category_id=TRANSITION_CATEGORY) | Q(young_person=True))
        return tallies


def sla_scope_of(user, first_day: date, last_day: date, *, transition: bool = False) -> SlaScope:
    teams = None if user.is_superuser else teams_reported_to(user)
    return SlaScope(teams=teams, first_day=first_day, last_day=last_day, transition=transition)
