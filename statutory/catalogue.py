"""Which steps each kind of statutory process has, what each is called, and how its legal date is found.

A step's date comes from the process (the day the request was received, the day the plan
was made, the transfer) or from the day an earlier step was done: the family's 15 days
start on the day the draft plan is served. A step whose date depends on a step not yet
done has no date yet; a milestone (sending the draft plan) has no legal date of its own.
Pure: no database, so the catalogue is tested on its own with `rules`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import rules

REGS = "SEND Regulations 2014"


@dataclass(frozen=True)
class Anchors:
    """What a process's dates are counted from: its own dates and the days its steps were done."""

    received_on: date
    plan_dated_on: date | None = None
    meeting_on: date | None = None
    transfer: str = ""
    transfer_on: date | None = None
    done: dict | None = None

    def done_on(self, key: str) -> date | None:
        return (self.done or {}).get(key)


@dataclass(frozen=True)
class StepRule:
    key: str
    label: str
    regulation: str
    due: Callable[[Anchors], date | None] | None = None
    # The family's own time (to comment on a draft) is shown, but missing it is not the council's delay.
    family_to_act: bool = False

    def due_on(self, anchors: Anchors) -> date | None:
        return self.due(anchors) if self.due else None


def _after(step_key: str, rule: Callable[[date], date]) -> Callable[[Anchors], date | None]:
    """A date counted from the day another step was done; none while it is not done."""

    def due(anchors: Anchors) -> date | None:
        done_on = anchors.done_on(step_key)
        return rule(done_on) if done_on else None

    return due


def _review_meeting_due(anchors: Anchors) -> date:
    return rules.review_due(anchors.plan_dated_on or anchors.received_on)


def _invitations_due(anchors: Anchors) -> date | None:
    return rules.review_invitations_due(anchors.meeting_on) if anchors.meeting_on else None


def _phase_transfer_due(anchors: Anchors) -> date | None:
    if not anchors.transfer or anchors.transfer_on is None:
        return None
    return rules.phase_transfer_due(anchors.transfer, anchors.transfer_on)


DECISION_TO_ASSESS = StepRule(
    "decision_to_assess", "Decide whether to carry out an assessment, and tell you", f"{REGS}, regulation 5(1)",
    lambda a: rules.decision_to_assess_due(a.received_on),
)
ADVICE_REQUESTED = StepRule(
    "advice_requested", "Ask for advice from education, health, social care and an educational psychologist",
    f"{REGS}, regulation 6(1)",
)
ADVICE = StepRule(
    "advice", "Advice received from everyone asked", f"{REGS}, regulation 8(1)",
    _after("advice_requested", rules.advice_due),
)
NOTICE_NOT_TO_ISSUE = StepRule(
    "notice_not_to_issue", "If no plan is to be issued, tell you so", f"{REGS}, regulation 10(1)",
    lambda a: rules.notice_not_to_issue_due(a.received_on),
)
DRAFT_PLAN = StepRule("draft_plan", "Send you the draft plan", f"{REGS}, regulation 13(1)")
DRAFT_PLAN_COMMENTS = StepRule(
    "draft_plan_comments", "Your 15 days to comment on the draft plan and ask for a school or college",
    f"{REGS}, regulation 13(1)(a)", _after("draft_plan", rules.draft_plan_comments_due), family_to_act=True,
)
FINAL_PLAN = StepRule(
    "final_plan", "Send you the final plan", f"{REGS}, regulation 13(2)",
    lambda a: rules.final_plan_due(a.received_on),
)

REVIEW_INVITATIONS = StepRule(
    "review_invitations", "Invite everyone to the review meeting, with two weeks' notice", f"{REGS}, regulation 20(3)",
    _invitations_due,
)
REVIEW_MEETING = StepRule(
    "review_meeting", "Hold the annual review meeting", "Children and Families Act 2014, section 44(1)",
    _review_meeting_due,
)
REVIEW_REPORT = StepRule(
    "review_report", "Send the review report", f"{REGS}, regulation 20(7)",
    _after("review_meeting", rules.review_report_due),
)
REVIEW_DECISION = StepRule(
    "review_decision", "Tell you whether the plan will be kept, changed or ended", f"{REGS}, regulation 20(10)",
    _after("review_meeting", rules.review_decision_due),
)
AMENDMENT_NOTICE = StepRule(
    "amendment_notice", "Send you the proposed changes to the plan", f"{REGS}, regulation 22(2)(a)",
)
AMENDMENT_COMMENTS = StepRule(
    "amendment_comments", "Your 15 days to comment on the proposed changes", f"{REGS}, regulation 22(2)(c)",
    _after("amendment_notice", rules.amendment_comments_due), family_to_act=True,
)
AMENDED_PLAN = StepRule(
    "amended_plan", "Send you the amended final plan", f"{REGS}, regulation 22(3)",
    _after("amendment_notice", rules.amended_plan_due),
)
PHASE_TRANSFER_PLAN = StepRule(
    "phase_transfer_plan", "Review the plan and name the next school or college", f"{REGS}, regulation 18",
    _phase_transfer_due,
)

STEPS_OF_KIND: dict[str, tuple[StepRule, ...]] = {
    "needs_assessment": (
        DECISION_TO_ASSESS, ADVICE_REQUESTED, ADVICE, NOTICE_NOT_TO_ISSUE, DRAFT_PLAN, DRAFT_PLAN_COMMENTS, FINAL_PLAN,
    ),
    # A reassessment follows the assessment's steps (regulation 26 applies regulations 6 to 8; 27 the plan's).
    "reassessment": (
        DECISION_TO_ASSESS, ADVICE_REQUESTED, ADVICE, NOTICE_NOT_TO_ISSUE, DRAFT_PLAN, DRAFT_PLAN_COMMENTS, FINAL_PLAN,
    ),
    "annual_review": (
        REVIEW_INVITATIONS, REVIEW_MEETING, REVIEW_REPORT, REVIEW_DECISION, AMENDMENT_NOTICE, AMENDMENT_COMMENTS,
        AMENDED_PLAN,
    ),
    "phase_transfer": (
        REVIEW_INVITATIONS, REVIEW_MEETING, REVIEW_REPORT, REVIEW_DECISION, AMENDMENT_NOTICE, AMENDMENT_COMMENTS,
        PHASE_TRANSFER_PLAN,
    ),
    # An amendment outside a review starts when the proposed changes are sent: `received_on` is that day.
    "amendment": (
        StepRule(
            "amendment_comments", AMENDMENT_COMMENTS.label, AMENDMENT_COMMENTS.regulation,
            lambda a: rules.amendment_comments_due(a.received_on), family_to_act=True,
        ),
        StepRule(
            "amended_plan", AMENDED_PLAN.label, AMENDED_PLAN.regulation,
            lambda a: rules.amended_plan_due(a.received_on),
        ),
    ),
}


# Steps that doing another makes unnecessary: a draft plan sent means a plan will be issued, so no
# notice that it will not be is owed; a final plan sent ends whatever of the assessment was not recorded.
STEP_ENDS = {
    "draft_plan": ("notice_not_to_issue",),
    "final_plan": ("notice_not_to_issue", "advice_requested", "advice", "draft_plan"),
    # Invitations not recorded by the time the meeting is held are past recording.
    "review_meeting": ("review_invitations",),
    # The plan names the next school or college: the transfer review is complete.
    "phase_transfer_plan": ("review_invitations", "review_meeting", "review_report", "review_decision",
                            "amendment_notice"),
    "amended_plan": ("amendment_notice",),
}


# The deadline each exception lifts, by the regulation that allows it (regs 5(4), 10(4), 13(3)),
# and the ground it names: regulation 13(3) lifts the 20 weeks for the grounds in 10(4)(a) to (d).
GROUNDS = {
    "a": "the school or college was closed for at least 4 weeks while its advice was asked for",
    "b": "the early years setting was closed for at least 4 weeks while its advice was asked for",
    "c": "exceptional personal circumstances affected the child or young person, or their family",
    "d": "the child or young person, or their family, was away from the area for at least 4 weeks",
}
EXCEPTION_LIFTS = {
    **{f"5(4)({letter})": "decision_to_assess" for letter in GROUNDS},
    **{f"10(4)({letter})": "notice_not_to_issue" for letter in GROUNDS},
    **{f"13(3)({letter})": "final_plan" for letter in GROUNDS},
}


def exception_ground(regulation: str) -> str:
    return GROUNDS[regulation[-2]]


# What each decision does to the steps: the step it completes, and the steps it makes unnecessary.
@dataclass(frozen=True)
class DecisionRule:
    label: str
    completes: str = ""
    ends: tuple[str, ...] = ()
    # A decision the family may take to mediation and the First-tier Tribunal (CFA 2014 s51).
    appealable: bool = False


ASSESSMENT_STEPS_AFTER_DECISION = ("advice_requested", "advice", "notice_not_to_issue", "draft_plan",
                                   "draft_plan_comments", "final_plan")
AMENDMENT_STEPS = ("amendment_notice", "amendment_comments", "amended_plan")
DECISIONS = {
    "assess": DecisionRule("To carry out an assessment", completes="decision_to_assess"),
    "not_assess": DecisionRule(
        "Not to carry out an assessment", completes="decision_to_assess", ends=ASSESSMENT_STEPS_AFTER_DECISION,
        appealable=True,
    ),
    "issue": DecisionRule("To issue a plan", ends=("notice_not_to_issue",)),
    "not_issue": DecisionRule(
        "Not to issue a plan", completes="notice_not_to_issue",
        ends=("advice_requested", "advice", "draft_plan", "draft_plan_comments", "final_plan"), appealable=True,
    ),
    "school_named": DecisionRule("The school or setting named in the plan", appealable=True),
    "funding_band": DecisionRule("The funding band"),
    "maintain": DecisionRule(
        "To keep the plan as it is", completes="review_decision", ends=AMENDMENT_STEPS, appealable=True
    ),
    "amend": DecisionRule("To change the plan", completes="review_decision"),
    "cease": DecisionRule(
        "To stop maintaining the plan", completes="review_decision", ends=(*AMENDMENT_STEPS, "phase_transfer_plan"),
        appealable=True,
    ),
}
