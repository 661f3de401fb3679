"""The safety net (DESIGN.md invariant 1): a periodic check finds any case whose owner became inactive
by another route than offboarding, re-routes it and alerts the manager."""

import logging
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from casework import services, staffing
from casework.models import Case, CaseEvent, Officer
from casework.services import transfer
from casework.tasks import reroute_orphaned_cases
from notifications.models import Notification
from tests.concurrency import in_threads
from tests.factories import make_team


def log(parent, child, category="other"):
    return services.case_log(
        actor=parent,
        child_id=child.pk,
        category_slug=category,
        summary="Support not delivered",
        description="Since May.",
    )


def deactivate_behind_the_services_back(officer):
    Officer.objects.filter(pk=officer.pk).update(active=False)


def written():
    return (
        dict(Case.objects.values_list("pk", "accountable_officer_id")),
        CaseEvent.objects.count(),
        Case.history.count(),
        Notification.objects.count(),
    )


def told(user, template, case):
    return Notification.objects.filter(
        recipient=user,
        template=template,
        link=f"/cases/{case.pk}/",
        channel=Notification.Channel.IN_APP,
    )


def test_the_safety_net_runs_periodically():
    assert "casework.reroute_orphaned_cases" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


def test_a_case_whose_officer_was_deactivated_directly_in_the_database_is_rerouted_and_everyone_told(
    borough, api
):
    case = log(borough.parent1, borough.child1)
    orphaned_by = case.accountable_officer
    deactivate_behind_the_services_back(orphaned_by)

    repaired = reroute_orphaned_cases.delay().get()

    assert repaired == 1
    case.refresh_from_db()
    new_owner = case.accountable_officer
    assert new_owner.active and new_owner.pk != orphaned_by.pk
    assert new_owner.team_id == borough.north.pk and not new_owner.is_manager
    assert case.owner_count == 2
    # A handover on the timeline, by the system, saying why.
    handover = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.HANDOVER)
    assert handover.actor is None and not handover.internal
    assert handover.data == {
        "from_officer_id": orphaned_by.pk,
        "to_officer_id": new_owner.pk,
    }
    assert new_owner.display_name in handover.text
    # The team manager is alerted, the family told the new name, the new officer told they have it.
    alert = told(borough.north.manager.user, "manager_orphan_rerouted", case).get()
    assert alert.context["officer_name"] == new_owner.display_name
    assert alert.context["previous_officer_name"] == orphaned_by.display_name
    family = told(borough.parent1, "case_new_officer", case).get()
    assert family.context["officer_name"] == new_owner.display_name
    assert told(new_owner.user, "officer_case_handed_over", case).exists()
    # What the family sees.
    detail = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
    assert detail["accountable_officer"]["id"] == new_owner.pk
    kinds = [
        e["kind"]
        for e in api.as_user(borough.parent1)
        .get(f"/api/cases/{case.pk}/timeline/")
        .json()["results"]
    ]
    assert kinds == ["logged", "handover"]

    # Run again: nothing left to repair, nothing written.
    before = written()
    assert reroute_orphaned_cases() == 0
    assert written() == before


def test_with_nothing_to_repair_the_safety_net_does_nothing(borough):
    log(borough.parent1, borough.child1)
    log(borough.parent2, borough.child2, category="transport")
    before = written()

    assert reroute_orphaned_cases.delay().get() == 0
    assert written() == before


def test_resolved_cases_are_repaired_too_but_closed_ones_are_left_alone(borough):
    resolved = log(borough.parent1, borough.child1)
    closed = log(borough.parent2, borough.child2)
    owner_user = resolved.accountable_officer.user
    Case.objects.filter(pk__in=[resolved.pk, closed.pk]).update(
        accountable_officer=resolved.accountable_officer
    )
    Case.objects.filter(pk=resolved.pk).update(status=Case.Status.RESOLVED)
    Case.objects.filter(pk=closed.pk).update(status=Case.Status.CLOSED)
    deactivate_behind_the_services_back(owner_user.officer)

    assert reroute_orphaned_cases() == 1

    resolved.refresh_from_db()
    closed.refresh_from_db()
    assert resolved.accountable_officer.active
    assert closed.accountable_officer_id == owner_user.officer.pk


def test_a_case_nobody_in_its_team_can_take_goes_up_its_ladder_stays_in_the_team_and_its_new_owner_is_told_why(
    borough, api, caplog
):
    tiny = make_team(borough.organisation, "Tiny Team", officers=1)
    tiny.manager = None
    tiny.head_of_service = borough.head_of_service
    tiny.save()
    # A head of service with a team of their own still holds the case for the team it belongs to.
    borough.head_of_service.team = borough.north
    borough.head_of_service.save()
    stuck_owner = tiny.officers.get(is_manager=False)
    case = log(borough.parent1, borough.child1)
    Case.objects.filter(pk=case.pk).update(accountable_officer=stuck_owner, team=tiny)
    deactivate_behind_the_services_back(stuck_owner)

    with caplog.at_level(logging.WARNING, logger="casework.services"):
        assert reroute_orphaned_cases() == 1

    case.refresh_from_db()
    assert case.accountable_officer == borough.head_of_service
    assert case.team == tiny
    assert case.reference in caplog.text and "Test Borough" in caplog.text
    told_why = told(borough.head_of_service.user, "manager_case_fallback", case).get()
    assert "nobody in Tiny Team can take it" in told_why.body
    assert told(borough.head_of_service.user, "officer_case_handed_over", case).exists()
    assert told(borough.parent1, "case_new_officer", case).get().context["officer_name"] == (
        borough.head_of_service.display_name
    )
    # The family sees the handover, not why it went up the ladder.
    kinds = [e["kind"] for e in api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/timeline/").json()["results"]]
    assert kinds == ["logged", "handover"]


def test_a_case_nobody_can_take_is_logged_for_an_administrator_and_the_rest_are_still_repaired(
    borough, caplog
):
    tiny = make_team(borough.organisation, "Tiny Team", officers=1)
    tiny.manager = None
    tiny.save()
    # Nobody above the team either: no head of service (make_team sets none) and no director.
    borough.organisation.director = None
    borough.organisation.save()
    stuck_owner = tiny.officers.get(is_manager=False)
    stuck = log(borough.parent1, borough.child1)
    Case.objects.filter(pk=stuck.pk).update(accountable_officer=stuck_owner, team=tiny)
    fixable = log(borough.parent2, borough.child2)
    deactivate_behind_the_services_back(stuck_owner)
    deactivate_behind_the_services_back(fixable.accountable_officer)

    with caplog.at_level(logging.ERROR, logger="casework.staffing"):
        assert reroute_orphaned_cases() == 1

    stuck.refresh_from_db()
    fixable.refresh_from_db()
    assert fixable.accountable_officer.active
    assert stuck.accountable_officer_id == stuck_owner.pk
    assert not CaseEvent.objects.filter(
        case=stuck, kind=CaseEvent.Kind.HANDOVER
    ).exists()
    assert stuck.reference in caplog.text


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_safety_net_and_a_manager_moving_the_same_case_do_not_deadlock(borough, monkeypatch):
    case = log(borough.parent1, borough.child1)
    orphaned_by = case.accountable_officer
    (colleague,) = borough.north.officers.filter(is_manager=False).exclude(pk=orphaned_by.pk)
    deactivate_behind_the_services_back(orphaned_by)
    net_holds_the_case, manager_holds_the_officer = threading.Event(), threading.Event()
    real_choose = staffing.officer_choose_in_team
    real_lock_officer = services.lock_active_officer

    def choose_slowly(**kwargs):
        net_holds_the_case.set()
        manager_holds_the_officer.wait(timeout=1)  # the manager's move now takes its locks, if it can
        return real_choose(**kwargs)

    def lock_officer(officer):
        locked = real_lock_officer(officer)
        manager_holds_the_officer.set()
        return locked

    monkeypatch.setattr(staffing, "officer_choose_in_team", choose_slowly)
    monkeypatch.setattr(transfer, "lock_active_officer", lock_officer)
    repaired = []

    def net():
        repaired.append(staffing.cases_reroute_orphans())

    def move():
        assert net_holds_the_case.wait(timeout=10)
        services.case_reassign(actor=borough.north.manager.user, case=case, officer=colleague, note="Over to you.")

    net_raised, move_raised = in_threads(net, move)

    assert net_raised is None and repaired == [1]
    # The move waited for the safety net, which had given the case to the only officer left in the team.
    assert isinstance(move_raised, ValidationError), move_raised
    assert "already the named officer" in move_raised.message_dict["officer"][0]
    case.refresh_from_db()
    assert case.accountable_officer_id == colleague.pk
    assert case.events.filter(kind=CaseEvent.Kind.HANDOVER).count() == 1
