"""The legal dates against worked examples written from the regulations, not from the code.

Every date below was counted by hand on a calendar from the words of the law
(SI 2014/1530 and the Children and Families Act 2014). Calendar weeks and days
throughout: Christmas, New Year and Easter 2027 (26-29 March) change nothing.
"""

from datetime import date

import pytest

from statutory import rules

# Friday 18 December 2026: the issue's worked example, a request received a week before Christmas.
RECEIVED = date(2026, 12, 18)


def test_a_request_received_on_18_december_2026_is_due_a_decision_on_friday_29_january_2027():
    # Reg 5(1): 6 weeks = 42 days. 13 days take 18 December to 31 December; 29 more reach 29 January.
    assert rules.decision_to_assess_due(RECEIVED) == date(2027, 1, 29)
    assert rules.decision_to_assess_due(RECEIVED).weekday() == 4  # a Friday, like the day of the request


def test_the_same_request_is_due_a_notice_not_to_issue_by_9_april_2027():
    # Reg 10(1): 16 weeks = 112 days, Easter Monday (29 March 2027) notwithstanding.
    assert rules.notice_not_to_issue_due(RECEIVED) == date(2027, 4, 9)


def test_the_same_request_is_due_a_final_plan_by_friday_7_may_2027():
    # Reg 13(2): 20 weeks = 140 days.
    assert rules.final_plan_due(RECEIVED) == date(2027, 5, 7)
    assert rules.final_plan_due(RECEIVED).weekday() == 4


def test_advice_asked_for_is_due_six_weeks_after_the_request_for_it():
    # Reg 8(1): advice asked for on Monday 11 January 2027 is due by Monday 22 February 2027.
    assert rules.advice_due(date(2027, 1, 11)) == date(2027, 2, 22)


def test_fifteen_days_beginning_with_the_day_a_draft_is_served_include_that_day():
    # Reg 13(1)(a): served Monday 1 March 2027, day 1 is 1 March, day 15 is Monday 15 March.
    assert rules.draft_plan_comments_due(date(2027, 3, 1)) == date(2027, 3, 15)
    # Across a month end: served 20 February 2027 (day 1), 28 February is day 9, 6 March day 15.
    assert rules.draft_plan_comments_due(date(2027, 2, 20)) == date(2027, 3, 6)


def test_fifteen_days_to_comment_on_amendments_count_the_same_way():
    # Reg 22(2)(c): proposed amendments served Thursday 24 December 2026: day 15 is Thursday 7 January 2027.
    assert rules.amendment_comments_due(date(2026, 12, 24)) == date(2027, 1, 7)


def test_a_plan_made_on_29_february_2028_is_due_its_review_by_28_february_2029():
    # CFA 2014 s44(1): "the period of 12 months starting with the date on which the plan was first made".
    # 2029 has no 29 February, so the period runs to the end of February 2029.
    assert rules.review_due(date(2028, 2, 29)) == date(2029, 2, 28)


def test_a_review_period_ends_the_day_before_the_anniversary():
    # A plan made on 1 March 2027: the 12 months starting that day end on 29 February 2028 (a leap year).
    assert rules.review_due(date(2027, 3, 1)) == date(2028, 2, 29)
    # Made on 15 June 2026: the period ends on 14 June 2027.
    assert rules.review_due(date(2026, 6, 15)) == date(2027, 6, 14)


def test_an_annual_review_meeting_sets_its_own_dates():
    meeting = date(2027, 3, 10)  # a Wednesday
    # Regs 20(3): at least two weeks' notice, so invitations by Wednesday 24 February.
    assert rules.review_invitations_due(meeting) == date(2027, 2, 24)
    # Reg 20(7): the report within two weeks of the meeting.
    assert rules.review_report_due(meeting) == date(2027, 3, 24)
    # Reg 20(10): the decision to keep, amend or cease within 4 weeks of the meeting.
    assert rules.review_decision_due(meeting) == date(2027, 4, 7)


def test_an_amended_plan_is_due_eight_weeks_after_the_proposed_amendments():
    # Reg 22(3): amendments sent Wednesday 7 April 2027, final plan by Wednesday 2 June 2027.
    assert rules.amended_plan_due(date(2027, 4, 7)) == date(2027, 6, 2)


@pytest.mark.parametrize(
    "transfer",
    ["early_years_to_school", "infant_to_junior", "primary_to_middle", "primary_to_secondary", "middle_to_secondary"],
)
def test_a_transfer_between_school_phases_is_settled_before_15_february_of_the_year_of_transfer(transfer):
    # Reg 18(1)(b): "before 15 February in the calendar year of the child's transfer": 14 February at the latest.
    assert rules.phase_transfer_due(transfer, date(2027, 9, 1)) == date(2027, 2, 14)


def test_a_move_from_secondary_school_to_post16_is_settled_before_31_march():
    # Reg 18(1)(a): before 31 March in the calendar year of the transfer: 30 March at the latest.
    assert rules.phase_transfer_due("secondary_to_post16", date(2027, 9, 1)) == date(2027, 3, 30)


def test_a_move_between_post16_institutions_is_settled_five_months_before_it():
    # Reg 18(2): at least five months before a move on 6 January 2028: by 6 August 2027.
    assert rules.phase_transfer_due("between_post16", date(2028, 1, 6)) == date(2027, 8, 6)
    # 5 months before 31 July 2027 is the last day of February 2027.
    assert rules.phase_transfer_due("between_post16", date(2027, 7, 31)) == date(2027, 2, 28)


def test_an_unknown_transfer_is_a_mistake_in_the_calling_code():
    with pytest.raises(ValueError):
        rules.phase_transfer_due("primary_to_university", date(2027, 9, 1))


def test_the_appeal_window_is_two_months_from_the_decision_letter():
    # A refusal to assess dated 29 January 2027: appeal (and mediation advice) by 29 March 2027.
    assert rules.appeal_due(date(2027, 1, 29)) == date(2027, 3, 29)
    # A letter of 31 December 2026: there is no 31 February, so the window closes on 28 February 2027.
    assert rules.appeal_due(date(2026, 12, 31)) == date(2027, 2, 28)


def test_a_late_mediation_certificate_gives_a_month_from_the_certificate():
    # Letter 29 January 2027 (2 months: 29 March); certificate 20 March 2027 (1 month: 20 April). The later wins.
    assert rules.appeal_due(date(2027, 1, 29), mediation_certificate_on=date(2027, 3, 20)) == date(2027, 4, 20)


def test_an_early_mediation_certificate_leaves_the_two_months_from_the_letter():
    # Letter 29 January 2027 (29 March); certificate 10 February 2027 (10 March). The later is still 29 March.
    assert rules.appeal_due(date(2027, 1, 29), mediation_certificate_on=date(2027, 2, 10)) == date(2027, 3, 29)
