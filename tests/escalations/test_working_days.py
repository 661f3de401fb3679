from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from escalations.models import ClosureDay
from escalations.working_days import (
    WorkingCalendar,
    add_working_days,
    add_working_hours,
    add_working_seconds,
    end_of_working_day,
    is_working_day,
    next_working_day,
    start_of_working_day,
    subtract_working_hours,
    working_seconds_between,
)

# Every public function reads closure days, so every test touches the database.
pytestmark = pytest.mark.django_db

UK = ZoneInfo("Europe/London")


def uk(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def utc(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# Friday 13 November 2026 to Tuesday 17 November 2026 has no bank holiday.


def test_concern_logged_at_1659_on_a_friday_is_due_one_working_day_later_on_monday_at_1700():
    assert add_working_days(uk(2026, 11, 13, 16, 59), 1) == uk(2026, 11, 16, 17)


def test_concern_logged_at_1701_on_a_friday_is_due_one_working_day_later_on_monday_at_1700():
    assert add_working_days(uk(2026, 11, 13, 17, 1), 1) == uk(2026, 11, 16, 17)


def test_concern_logged_on_a_saturday_night_is_due_one_working_day_later_on_monday_at_1700():
    assert add_working_days(uk(2026, 11, 14, 23), 1) == uk(2026, 11, 16, 17)


def test_the_day_a_concern_is_logged_never_counts_even_before_working_hours():
    assert add_working_days(uk(2026, 11, 16, 8), 1) == uk(2026, 11, 17, 17)


def test_five_working_days_from_a_friday_skip_the_weekend():
    assert add_working_days(uk(2026, 11, 13, 10), 5) == uk(2026, 11, 20, 17)


def test_zero_working_days_is_1700_the_same_day_when_logged_during_a_working_day():
    assert add_working_days(uk(2026, 11, 17, 10), 0) == uk(2026, 11, 17, 17)


def test_zero_working_days_is_the_next_working_day_when_logged_after_1700():
    assert add_working_days(uk(2026, 11, 13, 17, 1), 0) == uk(2026, 11, 16, 17)


def test_zero_working_days_is_the_next_working_day_when_logged_on_a_saturday_night():
    assert add_working_days(uk(2026, 11, 14, 23), 0) == uk(2026, 11, 16, 17)


def test_four_working_hours_from_1600_on_a_friday_end_at_1200_on_monday():
    assert add_working_hours(uk(2026, 11, 13, 16), 4) == uk(2026, 11, 16, 12)


def test_four_working_hours_from_1659_on_a_friday_end_at_1259_on_monday():
    assert add_working_hours(uk(2026, 11, 13, 16, 59), 4) == uk(2026, 11, 16, 12, 59)


def test_four_working_hours_from_1701_on_a_friday_end_at_1300_on_monday():
    assert add_working_hours(uk(2026, 11, 13, 17, 1), 4) == uk(2026, 11, 16, 13)


def test_four_working_hours_from_a_saturday_night_end_at_1300_on_monday():
    assert add_working_hours(uk(2026, 11, 14, 22), 4) == uk(2026, 11, 16, 13)


def test_four_working_hours_inside_one_working_day_end_the_same_day():
    assert add_working_hours(uk(2026, 11, 17, 10), 4) == uk(2026, 11, 17, 14)


def test_working_hours_from_before_0900_start_counting_at_0900():
    assert add_working_hours(uk(2026, 11, 17, 7, 30), 4) == uk(2026, 11, 17, 13)


def test_the_holidays_package_gives_christmas_2026_on_friday_and_boxing_day_on_monday_28th():
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))
    assert is_working_day(date(2026, 12, 24))
    assert is_working_day(date(2026, 12, 29))
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 29)


def test_one_working_day_from_christmas_eve_2026_is_tuesday_29_december():
    assert add_working_days(uk(2026, 12, 24, 10), 1) == uk(2026, 12, 29, 17)


def test_four_working_hours_from_1600_on_christmas_eve_2026_end_at_1200_on_29_december():
    assert add_working_hours(uk(2026, 12, 24, 16), 4) == uk(2026, 12, 29, 12)


def test_one_working_day_from_the_thursday_before_easter_2027_is_the_tuesday_after():
    assert not is_working_day(date(2027, 3, 26))
    assert not is_working_day(date(2027, 3, 29))
    assert add_working_days(uk(2027, 3, 25, 12), 1) == uk(2027, 3, 30, 17)


def test_four_working_hours_from_1500_before_easter_2027_end_at_1100_on_the_tuesday_after():
    assert add_working_hours(uk(2027, 3, 25, 15), 4) == uk(2027, 3, 30, 11)


def test_a_working_day_ending_after_the_clocks_go_forward_in_march_2027_ends_at_1600_utc():
    assert add_working_days(utc(2027, 3, 25, 17, 30), 1) == utc(2027, 3, 30, 16)


def test_working_hours_across_the_clocks_going_forward_in_march_2027_count_uk_working_hours():
    assert add_working_hours(utc(2027, 3, 25, 16), 2) == utc(2027, 3, 30, 9)


def test_a_working_day_ending_after_the_clocks_go_back_in_october_2026_ends_at_1700_utc():
    assert add_working_days(utc(2026, 10, 23, 11), 1) == utc(2026, 10, 26, 17)


def test_working_hours_across_the_clocks_going_back_in_october_2026_count_uk_working_hours():
    assert add_working_hours(utc(2026, 10, 23, 15), 2) == utc(2026, 10, 26, 10)


def test_working_time_across_the_clocks_going_back_in_october_2026_counts_uk_working_hours():
    assert working_seconds_between(utc(2026, 10, 23, 15), utc(2026, 10, 26, 10)) == 2 * 3600


def test_start_of_a_working_day_is_0900_uk_time_in_summer_and_winter():
    assert start_of_working_day(date(2027, 3, 30)) == utc(2027, 3, 30, 8)
    assert start_of_working_day(date(2026, 10, 26)) == utc(2026, 10, 26, 9)


def test_end_of_a_working_day_is_1700_uk_time_in_summer_and_winter():
    assert end_of_working_day(date(2027, 3, 30)) == utc(2027, 3, 30, 16)
    assert end_of_working_day(date(2026, 10, 26)) == utc(2026, 10, 26, 17)


def test_a_moment_in_another_time_zone_is_counted_from_its_uk_date_and_answered_in_uk_time():
    # 19:30 in New York on Thursday is 00:30 on Friday in London.
    new_york_evening = datetime(2026, 11, 12, 19, 30, tzinfo=ZoneInfo("America/New_York"))
    due = add_working_days(new_york_evening, 1)
    assert due == uk(2026, 11, 16, 17)
    assert due.tzinfo == UK


def test_a_moment_without_a_time_zone_is_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 11, 13, 10), 1)


@pytest.mark.parametrize("add", [add_working_days, add_working_hours, add_working_seconds, subtract_working_hours])
@pytest.mark.parametrize("count", [-1, 1.5, True, "1"])
def test_a_negative_or_fractional_count_is_refused(add, count):
    with pytest.raises(ValueError):
        add(uk(2026, 11, 17, 10), count)


def test_an_administrator_closure_day_is_not_a_working_day():
    ClosureDay.objects.create(date=date(2026, 12, 29), reason="Christmas closure")
    assert not is_working_day(date(2026, 12, 29))
    assert next_working_day(date(2026, 12, 24)) == date(2026, 12, 30)


def test_one_working_day_skips_an_administrator_closure_day():
    ClosureDay.objects.create(date=date(2026, 12, 29), reason="Christmas closure")
    assert add_working_days(uk(2026, 12, 24, 10), 1) == uk(2026, 12, 30, 17)


def test_working_hours_skip_an_administrator_closure_day():
    ClosureDay.objects.create(date=date(2026, 12, 29), reason="Christmas closure")
    assert add_working_hours(uk(2026, 12, 24, 16), 4) == uk(2026, 12, 30, 12)


def test_working_time_between_two_moments_skips_a_weekend():
    assert working_seconds_between(uk(2026, 11, 13, 16), uk(2026, 11, 16, 10)) == 2 * 3600


def test_working_time_between_two_moments_skips_christmas_bank_holidays():
    assert working_seconds_between(uk(2026, 12, 24, 16), uk(2026, 12, 29, 10)) == 2 * 3600


def test_working_time_between_two_moments_in_one_working_day_is_the_time_between_them():
    assert working_seconds_between(uk(2026, 11, 17, 10), uk(2026, 11, 17, 11, 30)) == 90 * 60


def test_working_time_between_two_moments_outside_working_hours_is_zero():
    assert working_seconds_between(uk(2026, 11, 13, 17, 1), uk(2026, 11, 16, 8)) == 0


def test_working_time_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        working_seconds_between(uk(2026, 11, 17, 11), uk(2026, 11, 17, 10))


def test_a_due_date_moves_later_by_the_working_time_a_case_spent_paused():
    paused_for = working_seconds_between(uk(2026, 11, 17, 10), uk(2026, 11, 18, 11))
    assert paused_for == 9 * 3600
    # Due on Thursday at 17:00: a full working Friday, then one hour on Monday.
    assert add_working_seconds(uk(2026, 11, 19, 17), paused_for) == uk(2026, 11, 23, 10)


def test_eight_working_hours_from_1700_end_at_1700_on_the_next_working_day():
    assert add_working_seconds(uk(2026, 11, 13, 17), 8 * 3600) == uk(2026, 11, 16, 17)
    assert add_working_hours(uk(2026, 11, 17, 17), 8) == uk(2026, 11, 18, 17)


def test_working_seconds_that_end_exactly_at_1700_end_that_day():
    assert add_working_seconds(uk(2026, 11, 17, 9), 8 * 3600) == uk(2026, 11, 17, 17)


def test_a_pause_with_no_working_time_leaves_the_due_date_alone():
    assert add_working_seconds(uk(2026, 11, 14, 23), 0) == uk(2026, 11, 14, 23)


def test_one_working_hour_before_a_due_time_early_on_monday_is_on_friday_afternoon():
    assert subtract_working_hours(uk(2026, 11, 16, 9, 30), 1) == uk(2026, 11, 13, 16, 30)


def test_one_working_hour_before_1000_is_0900_the_same_day():
    assert subtract_working_hours(uk(2026, 11, 16, 10), 1) == uk(2026, 11, 16, 9)


def test_one_working_hour_before_1700_is_1600_the_same_day():
    assert subtract_working_hours(uk(2026, 11, 17, 17), 1) == uk(2026, 11, 17, 16)


def test_working_hours_before_a_moment_skip_christmas_bank_holidays():
    assert subtract_working_hours(uk(2026, 12, 29, 10), 2) == uk(2026, 12, 24, 16)


def test_adding_twenty_working_days_reads_closure_days_in_at_most_one_query(django_assert_max_num_queries):
    ClosureDay.objects.create(date=date(2027, 1, 4), reason="New Year closure")
    with django_assert_max_num_queries(1):
        due = add_working_days(uk(2026, 12, 14, 10), 20)
    # 14 December plus 20 working days, less three bank holidays and the closure day.
    assert due == uk(2027, 1, 15, 17)


def test_one_calendar_reads_closure_days_once_for_many_calculations(django_assert_max_num_queries):
    calendar = WorkingCalendar()
    with django_assert_max_num_queries(1):
        for day in range(1, 29):
            calendar.add_working_days(uk(2026, 2, day, 12), 10)
            calendar.add_working_hours(uk(2026, 2, day, 12), 4)
