"""Starting a process, recording steps, decisions and exceptions: what each leaves on record."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from casework.models import Officer
from core.exceptions import Conflict, NotAllowed
from statutory.models import Decision, Process, Step, StepException
from statutory.services import decision_record, exception_record, exception_withdraw, process_start, step_record
from tests.escalations.conftest import at, uk
from tests.factories import OfficerFactory, OrganisationFactory, make_team

from .conftest import RECEIVED, start_assessment, step

ON_29_JANUARY = date(2027, 1, 29)


def record_decision(process, actor, **fields):
    defaults = {
        "decision": "assess",
        "decided_on": date(2027, 1, 20),
        "approved_by": process.coordinator.team.manager.pk,
        "reasons": "The school's evidence shows needs it cannot meet from its own resources.",
    }
    with at(uk(2027, 1, 21, 12)):
        return decision_record(actor=actor, process=process, **{**defaults, **fields})


def test_a_family_request_is_received_the_day_they_send_it_with_every_legal_date_from_the_law(borough, assessment):
    assert assessment.received_on == RECEIVED
    assert assessment.requested_by == Process.RequestedBy.PARENT
    dates = dict(assessment.steps.values_list("key", "due_on"))
    assert dates["decision_to_assess"] == date(2027, 1, 29)
    assert dates["notice_not_to_issue"] == date(2027, 4, 9)
    assert dates["final_plan"] == date(2027, 5, 7)
    # Dates counted from a later step wait for it.
    assert dates["advice"] is None
    assert dates["draft_plan_comments"] is None


def test_the_coordinator_is_an_active_officer_chosen_as_a_concern_would_be(borough, assessment):
    coordinator = assessment.coordinator
    assert coordinator.active
    assert coordinator.team == borough.north


def test_a_family_may_ask_only_for_an_assessment(borough):
    with pytest.raises(ValidationError) as refused:
        process_start(actor=borough.parent1, child_id=borough.child1.pk, kind="annual_review")
    assert "kind" in refused.value.message_dict
    assert not Process.objects.exists()


def test_a_family_cannot_start_a_process_for_another_familys_child(borough):
    with pytest.raises(ValidationError) as refused:
        process_start(actor=borough.parent1, child_id=borough.child2.pk, kind="needs_assessment")
    assert "child" in refused.value.message_dict


def test_a_request_cannot_be_received_in_the_future(borough):
    with at(uk(2026, 12, 18, 10)), pytest.raises(ValidationError) as refused:
        process_start(actor=borough.officer1.user, child_id=borough.child1.pk, kind="needs_assessment",
                      received_on=date(2026, 12, 19))
    assert "received_on" in refused.value.message_dict


def test_staff_start_a_review_due_within_12_months_of_the_plan(borough):
    with at(uk(2028, 3, 1, 10)):
        review = process_start(actor=borough.officer1.user, child_id=borough.child1.pk, kind="annual_review",
                               plan_dated_on=date(2028, 2, 29))
    assert step(review, "review_meeting").due_on == date(2029, 2, 28)


def test_a_phase_transfer_to_secondary_is_due_before_15_february(borough):
    with at(uk(2026, 10, 1, 10)):
        transfer = process_start(actor=borough.officer1.user, child_id=borough.child1.pk, kind="phase_transfer",
                                 transfer="primary_to_secondary", transfer_on=date(2027, 9, 1))
    assert step(transfer, "phase_transfer_plan").due_on == date(2027, 2, 14)


def test_the_draft_plan_starts_the_familys_15_days_and_ends_the_notice_not_to_issue(borough, assessment):
    coordinator = assessment.coordinator.user
    with at(uk(2027, 3, 1, 12)):
        step_record(actor=coordinator, process=assessment, key="draft_plan", done_on=date(2027, 3, 1))
        comments = step(assessment, "draft_plan_comments")
        assert comments.due_on == date(2027, 3, 15)
        assert comments.family_to_act
        assert step(assessment, "notice_not_to_issue").state_on(date(2027, 3, 1)) == Step.State.NOT_NEEDED


def test_a_step_is_done_once_and_only_by_the_coordinator_or_a_manager(borough, assessment):
    with at(uk(2027, 1, 25, 12)):
        with pytest.raises(NotAllowed):
            step_record(actor=borough.officer2.user, process=assessment, key="advice_requested",
                        done_on=date(2027, 1, 25))
        step_record(actor=assessment.coordinator.user, process=assessment, key="advice_requested",
                    done_on=date(2027, 1, 25))
        assert step(assessment, "advice").due_on == date(2027, 3, 8)
        with pytest.raises(Conflict):
            step_record(actor=borough.north.manager.user, process=assessment, key="advice_requested",
                        done_on=date(2027, 1, 25))


def test_a_step_done_after_its_date_is_done_late(borough, assessment):
    with at(uk(2027, 2, 3, 12)):
        step_record(actor=assessment.coordinator.user, process=assessment, key="decision_to_assess",
                    done_on=date(2027, 2, 2))
    assert step(assessment, "decision_to_assess").state_on(date(2027, 2, 3)) == Step.State.DONE_LATE


def test_a_decision_names_who_approved_it_and_the_panel_and_answers_its_step(borough, assessment):
    manager = borough.north.manager
    decision = record_decision(assessment, manager.user, panel=[manager.pk, borough.head_of_service.pk])
    assert decision.approved_by == manager
    assert set(decision.panel.all()) == {manager, borough.head_of_service}
    assert {row.history_user for row in decision.history.all()} == {manager.user}
    assert step(assessment, "decision_to_assess").done_on == date(2027, 1, 20)


def test_a_refusal_to_assess_ends_the_assessment_and_carries_the_right_to_appeal(borough, assessment):
    decision = record_decision(assessment, assessment.coordinator.user, decision="not_assess")
    assessment.refresh_from_db()
    assert assessment.status == Process.Status.FINISHED
    assert decision.appealable
    assert step(assessment, "final_plan").not_needed


def test_a_decision_without_an_approver_is_refused_and_nothing_is_written(borough, assessment):
    with pytest.raises(ValidationError) as refused:
        record_decision(assessment, assessment.coordinator.user, approved_by=None)
    assert "approved_by" in refused.value.message_dict
    assert not Decision.objects.exists()
    assert step(assessment, "decision_to_assess").done_on is None


def test_an_approver_or_panel_member_from_another_council_is_refused(borough, assessment):
    elsewhere = make_team(OrganisationFactory(name="Another Borough"), "Their SEND team").manager
    with pytest.raises(ValidationError) as refused:
        record_decision(assessment, assessment.coordinator.user, approved_by=elsewhere.pk)
    assert "approved_by" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        record_decision(assessment, assessment.coordinator.user, panel=[elsewhere.pk])
    assert "panel" in refused.value.message_dict
    assert not Decision.objects.exists()


def test_an_approver_who_has_left_is_refused(borough, assessment):
    leaver = OfficerFactory(team=borough.north, active=False)
    with pytest.raises(ValidationError):
        record_decision(assessment, assessment.coordinator.user, approved_by=leaver.pk)


def test_a_decision_is_never_edited_only_superseded_and_both_stay_on_record(borough, assessment):
    first = record_decision(assessment, assessment.coordinator.user, decision="funding_band", detail="Band C")
    second = record_decision(assessment, assessment.coordinator.user, decision="funding_band", detail="Band D",
                             supersedes=first.pk)
    assert second.supersedes == first
    assert Decision.objects.get(pk=first.pk).detail == "Band C"
    with pytest.raises(Conflict):
        record_decision(assessment, assessment.coordinator.user, decision="funding_band", supersedes=first.pk)


def test_an_exception_lifts_the_date_it_names_and_withdrawing_it_restores_the_date(borough, assessment):
    coordinator = assessment.coordinator.user
    with at(uk(2027, 3, 1, 12)):
        exception = exception_record(
            actor=coordinator, process=assessment, regulation="13(3)(c)",
            reason="The family asked us to pause while Alex was in hospital.", starts_on=date(2027, 2, 15),
        )
    final = step(assessment, "final_plan")
    assert final.lifted
    assert final.state_on(date(2027, 5, 10)) == Step.State.EXCEPTED
    assert final.check_at is None
    with at(uk(2027, 3, 2, 12)):
        exception_withdraw(actor=coordinator, exception=exception)
    final.refresh_from_db()
    assert not final.lifted
    assert final.state_on(date(2027, 5, 10)) == Step.State.LATE
    assert final.check_at is not None
    assert StepException.objects.get(pk=exception.pk).withdrawn_by == coordinator


def test_an_exception_must_name_a_regulation_that_allows_one(borough, assessment):
    with pytest.raises(ValidationError) as refused:
        exception_record(actor=assessment.coordinator.user, process=assessment, regulation="99(1)",
                         reason="Summer holidays", starts_on=date(2027, 1, 1))
    assert "regulation" in refused.value.message_dict
    assert not StepException.objects.exists()


def test_the_coordinator_may_be_chosen_but_only_from_the_childs_council(borough):
    elsewhere = make_team(OrganisationFactory(name="Another Borough"), "Their SEND team").manager
    with pytest.raises(ValidationError) as refused:
        process_start(actor=borough.officer1.user, child_id=borough.child1.pk, kind="needs_assessment",
                      coordinator_id=elsewhere.pk)
    assert "coordinator" in refused.value.message_dict
    chosen = Officer.objects.filter(team=borough.north, is_manager=False).last()
    process = process_start(actor=borough.officer1.user, child_id=borough.child1.pk, kind="needs_assessment",
                            coordinator_id=chosen.pk)
    assert process.coordinator == chosen
    assert start_assessment(borough, child=borough.child2).coordinator.active


def test_an_annual_review_that_amends_the_plan_finishes_only_with_the_amended_plan(borough):
    officer = borough.officer1.user
    with at(uk(2027, 3, 1, 10)):
        review = process_start(actor=officer, child_id=borough.child1.pk, kind="annual_review",
                               plan_dated_on=date(2026, 4, 1))
    coordinator = review.coordinator.user
    with at(uk(2027, 3, 20, 12)):
        step_record(actor=coordinator, process=review, key="review_meeting", done_on=date(2027, 3, 10))
        step_record(actor=coordinator, process=review, key="review_report", done_on=date(2027, 3, 20))
        decision_record(actor=coordinator, process=review, decision="amend", decided_on=date(2027, 3, 20),
                        approved_by=borough.north.manager.pk, reasons="Speech therapy needs to increase.")
    review.refresh_from_db()
    assert review.status == Process.Status.OPEN
    assert step(review, "review_decision").due_on == date(2027, 4, 7)  # 4 weeks from the meeting
    with at(uk(2027, 3, 22, 12)):
        step_record(actor=coordinator, process=review, key="amendment_notice", done_on=date(2027, 3, 22))
    assert step(review, "amended_plan").due_on == date(2027, 5, 17)  # 8 weeks from the notice
    assert step(review, "amendment_comments").due_on == date(2027, 4, 5)  # 15 days beginning with it
    review.refresh_from_db()
    assert review.status == Process.Status.OPEN
    with at(uk(2027, 5, 10, 12)):
        step_record(actor=coordinator, process=review, key="amended_plan", done_on=date(2027, 5, 10))
    review.refresh_from_db()
    assert review.status == Process.Status.FINISHED
    assert step(review, "amended_plan").state_on(date(2027, 5, 10)) == Step.State.DONE_ON_TIME
