"""The legal dates of the statutory EHC process, as pure functions of dates.

Every time limit here is in calendar weeks, days or months, never working days
(DESIGN.md "Counting time"): Christmas and bank holidays do not stop them. The
regulations are the Special Educational Needs and Disability Regulations 2014
(SI 2014/1530, "the SEND Regulations") and the Children and Families Act 2014
("CFA 2014"). Each rule names the provision it applies, so a reader can check
the arithmetic against the law.

How the law's words are counted:
- "within N weeks of" a day ends N x 7 days after it: 6 weeks of Friday
  18 December 2026 is Friday 29 January 2027.
- "N days beginning with" a day counts that day as the first: 15 days
  beginning with Monday 1 March end on Monday 15 March (14 days after it).
- "a period of N months starting with" a day ends the day before the same
  date N months on. Where that date does not exist (29 February in a common
  year, 31 April), the period runs to the last day of the shorter month: 12
  months starting with 29 February 2028 end on 28 February 2029.
- "within N months of" (or "after") a day ends on the same date N months on,
  or the last day of that month when the date does not exist.
- "before 15 February" means by 14 February at the latest.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def weeks_after(day: date, weeks: int) -> date:
    """The last day of a period of `weeks` weeks from `day`: "within 6 weeks of" a request."""
    return day + timedelta(weeks=weeks)


def days_beginning_with(day: date, days: int) -> date:
    """The last day of `days` days beginning with `day`: `day` is the first of them."""
    return day + timedelta(days=days - 1)


def months_after(day: date, months: int) -> date:
    """The same date `months` months on, or the last day of that month when it is shorter.

    Negative `months` count back: 5 months before 1 September is 1 April.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_starting_with(day: date, months: int) -> date:
    """The last day of a period of `months` months starting with `day` (CFA 2014 s44(1)'s words).

    The period ends the day before the same date `months` months on. 29 February has no such date in
    a common year: the period then runs to the end of February, as a month starting with 31 January
    runs to the end of February.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day_of_month = calendar.monthrange(year, month)[1]
    if day.day > last_day_of_month:
        return date(year, month, last_day_of_month)
    return date(year, month, day.day) - timedelta(days=1)


# --- EHC needs assessment (SEND Regulations Part 2) ------------------------------------------------


def decision_to_assess_due(received_on: date) -> date:
    """Reg 5(1): the decision whether to assess is notified within 6 weeks of receiving the request."""
    return weeks_after(received_on, 6)


def advice_due(requested_on: date) -> date:
    """Reg 8(1): those asked for advice for an assessment answer within 6 weeks of the request for it."""
    return weeks_after(requested_on, 6)


def notice_not_to_issue_due(received_on: date) -> date:
    """Reg 10(1): a decision not to issue a plan is notified within 16 weeks of the request."""
    return weeks_after(received_on, 16)


def draft_plan_comments_due(served_on: date) -> date:
    """Reg 13(1)(a): at least 15 days, beginning with the day the draft is served, to comment and name a school.

    The same 15 days apply to a plan's proposed amendments after a review (reg 22(2)(c)).
    """
    return days_beginning_with(served_on, 15)


def final_plan_due(received_on: date) -> date:
    """Reg 13(2): the final plan is sent within 20 weeks of the request (or of becoming responsible)."""
    return weeks_after(received_on, 20)


# --- annual review (CFA 2014 s44, SEND Regulations 18-22) ------------------------------------------


def review_due(plan_made_or_last_reviewed_on: date) -> date:
    """CFA 2014 s44(1): a plan is reviewed in each period of 12 months starting with the day it was made or last reviewed."""
    return months_starting_with(plan_made_or_last_reviewed_on, 12)


def review_invitations_due(meeting_on: date) -> date:
    """Regs 20(3) and 21(3): at least two weeks' notice of the meeting, so invitations go by 14 days before it."""
    return meeting_on - timedelta(weeks=2)


def review_report_due(meeting_on: date) -> date:
    """Regs 20(7) and 21(7): the review report within two weeks of the meeting."""
    return weeks_after(meeting_on, 2)


def review_decision_due(meeting_on: date) -> date:
    """Regs 20(10) and 21(8): the decision to keep, amend or cease the plan within 4 weeks of the meeting."""
    return weeks_after(meeting_on, 4)


def amendment_comments_due(notice_sent_on: date) -> date:
    """Reg 22(2)(c): at least 15 days, beginning with the day the proposed amendments are served."""
    return days_beginning_with(notice_sent_on, 15)


def amended_plan_due(notice_sent_on: date) -> date:
    """Reg 22(3): the amended final plan within 8 weeks of sending the proposed amendments."""
    return weeks_after(notice_sent_on, 8)


# --- phase transfer (reg 18) -----------------------------------------------------------------------


@dataclass(frozen=True)
class Transfer:
    key: str
    label: str


# Reg 2(1) "transfer between phases of education", and reg 18(2) for moves between post-16 institutions.
EARLY_YEARS_TO_SCHOOL = Transfer("early_years_to_school", "Early years to school")
INFANT_TO_JUNIOR = Transfer("infant_to_junior", "Infant to junior school")
PRIMARY_TO_MIDDLE = Transfer("primary_to_middle", "Primary to middle school")
PRIMARY_TO_SECONDARY = Transfer("primary_to_secondary", "Primary to secondary school")
MIDDLE_TO_SECONDARY = Transfer("middle_to_secondary", "Middle to secondary school")
SECONDARY_TO_POST16 = Transfer("secondary_to_post16", "Secondary school to a college or sixth form (post-16)")
BETWEEN_POST16 = Transfer("between_post16", "From one post-16 institution to another")
TRANSFERS = {
    transfer.key: transfer
    for transfer in (
        EARLY_YEARS_TO_SCHOOL,
        INFANT_TO_JUNIOR,
        PRIMARY_TO_MIDDLE,
        PRIMARY_TO_SECONDARY,
        MIDDLE_TO_SECONDARY,
        SECONDARY_TO_POST16,
        BETWEEN_POST16,
    )
}


def phase_transfer_due(transfer_key: str, transfer_on: date) -> date:
    """The last day the plan may be reviewed and amended to name the next school or college (reg 18).

    Reg 18(1)(a): before 31 March in the calendar year of a move from secondary school to post-16.
    Reg 18(1)(b): before 15 February in the calendar year of any other transfer between phases.
    Reg 18(2): at least 5 months before a move from one post-16 institution to another.
    """
    if transfer_key not in TRANSFERS:
        raise ValueError(f"No transfer between phases called {transfer_key!r}.")
    if transfer_key == BETWEEN_POST16.key:
        return months_after(transfer_on, -5)
    if transfer_key == SECONDARY_TO_POST16.key:
        return date(transfer_on.year, 3, 30)
    return date(transfer_on.year, 2, 14)


# --- rights after a decision -----------------------------------------------------------------------


def appeal_due(decision_letter_on: date, mediation_certificate_on: date | None = None) -> date:
    """The last day to appeal to the First-tier Tribunal (SEND).

    Tribunal Procedure (First-tier Tribunal) (Health, Education and Social Care Chamber) Rules 2008
    r20(1)(c), with CFA 2014 s55: 2 months after the decision letter, or 1 month after the mediation
    certificate, whichever is later. Mediation advice must be sought (and the certificate obtained)
    within the same 2 months, so the family's page gives that date for mediation too.
    """
    after_letter = months_after(decision_letter_on, 2)
    if mediation_certificate_on is None:
        return after_letter
    return max(after_letter, months_after(mediation_certificate_on, 1))
