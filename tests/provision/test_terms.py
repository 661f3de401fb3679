"""Expected sessions from a council's term dates. Each worked example is counted by hand from the rule
(provision/terms.py): a weekly session is owed for every Monday-to-Sunday week with a teaching day in it.

The council's own summer 2026: 13 April to 22 May, half term 25 to 29 May (Monday 25 May is the spring bank
holiday), 1 June to 22 July; its autumn starts on Thursday 3 September. Monday 4 May is the early May bank
holiday. The usual dates (no rows of its own) put the autumn half term a week later than this council does.
"""

from datetime import date

import pytest

from casework.models import ProvisionItem
from provision.models import TermDate
from provision.terms import TermCalendar, expected_sessions
from tests.factories import OrganisationFactory, ProvisionItemFactory

Term = TermDate.Term


@pytest.fixture
def council(db):
    council = OrganisationFactory(name="Termly Borough")
    for term, starts, ends in [
        (Term.SUMMER, date(2026, 4, 13), date(2026, 5, 22)),
        (Term.SUMMER, date(2026, 6, 1), date(2026, 7, 22)),
        (Term.AUTUMN, date(2026, 9, 3), date(2026, 10, 16)),
        (Term.AUTUMN, date(2026, 10, 26), date(2026, 12, 18)),
    ]:
        TermDate.objects.create(organisation=council, term=term, starts_on=starts, ends_on=ends)
    return council


def item(**amount):
    fields = {
        "sessions": 1,
        "minutes": 60,
        "per": ProvisionItem.Per.WEEK,
        "term_time_only": True,
        "starts_on": date(2026, 1, 1),
        "ends_on": None,
        **amount,
    }
    return ProvisionItemFactory.build(**fields)


def expected(council, start, end, **amount):
    return expected_sessions(item(**amount), start, end, TermCalendar(council.pk))


def test_a_week_with_a_bank_holiday_monday_still_owes_its_weekly_session(council):
    # w/c 27 April: five teaching days; w/c 4 May: Tuesday to Friday. Two weeks, two sessions.
    assert expected(council, date(2026, 4, 27), date(2026, 5, 10)) == 2


def test_half_term_owes_nothing(council):
    # w/c 18 May: term to Friday 22 May (1); w/c 25 May: half term and a bank holiday (0); w/c 1 June (1).
    assert expected(council, date(2026, 5, 18), date(2026, 6, 7)) == 2
    assert expected(council, date(2026, 5, 25), date(2026, 5, 31)) == 0


def test_the_summer_holiday_owes_nothing_but_its_part_weeks_do(council):
    # w/c 20 July: term ends Wednesday 22 (1); 27 July to 30 August: holiday (0); w/c 31 August: term starts
    # Thursday 3 September (1); w/c 7 September (1).
    assert expected(council, date(2026, 7, 20), date(2026, 9, 13)) == 3
    assert expected(council, date(2026, 7, 27), date(2026, 8, 30)) == 0


def test_all_year_provision_is_owed_through_the_holidays(council):
    # Eight Monday-to-Sunday weeks from 20 July to 13 September, term or not.
    assert expected(council, date(2026, 7, 20), date(2026, 9, 13), term_time_only=False) == 8


def test_twice_weekly_owes_two_a_week(council):
    assert expected(council, date(2026, 4, 27), date(2026, 5, 10), sessions=2) == 4


def test_the_councils_own_half_term_is_used_not_the_usual_one(council):
    usual = OrganisationFactory(name="Usual Borough")
    week_of_19_october = (date(2026, 10, 19), date(2026, 10, 25))
    week_of_26_october = (date(2026, 10, 26), date(2026, 11, 1))
    # This council's half term is w/c 19 October; the usual one is w/c 26 October.
    assert expected(council, *week_of_19_october) == 0
    assert expected(council, *week_of_26_october) == 1
    assert expected(usual, *week_of_19_october) == 1
    assert expected(usual, *week_of_26_october) == 0


def test_nothing_is_owed_outside_the_items_own_dates(council):
    assert expected(council, date(2026, 4, 27), date(2026, 5, 10), starts_on=date(2026, 5, 4)) == 1
    assert expected(council, date(2026, 4, 27), date(2026, 5, 10), ends_on=date(2026, 4, 26)) == 0


def test_per_term_shares_the_school_year_and_rounds_down(db):
    usual = OrganisationFactory(name="Usual Borough")
    # Three sessions a term is nine a year; the whole usual school year 2026/27 owes exactly nine.
    year = (date(2026, 9, 1), date(2027, 8, 31))
    assert expected(usual, *year, sessions=3, per=ProvisionItem.Per.TERM) == 9
    # Counted by hand: autumn 38 + 35, spring 30 + 24, summer 34 (less the 3 May bank holiday) + 33 = 194
    # teaching days (the usual dates leave out schools' own training days). The first half of the autumn term
    # is 38 of them: 9 x 38 / 194 = 1.76, so 1.
    calendar = TermCalendar(usual.pk)
    assert calendar.teaching_days_in_year(2026) == 194
    assert expected(usual, date(2026, 9, 1), date(2026, 10, 23), sessions=3, per=ProvisionItem.Per.TERM) == 1


def test_an_item_without_an_amount_owes_nothing_countable(council):
    assert expected(council, date(2026, 4, 27), date(2026, 5, 10), sessions=None, per="") == 0
