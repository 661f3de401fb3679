"""Moving cases between officers: a manager's bulk reassignment, an officer handing over their own case, and
reassignment racing an offboarding (DESIGN.md "Staff change")."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError

from casework import services, staffing
from casework.models import Case, CaseEvent, Officer
from casework.services import transfer
from tests.casework.staffing_helpers import (
    NOTE,
    case_officers,
    director_of_another_council,
    log,
    officer_of_another_council,
    pin,
    told,
    written,
)
from tests.concurrency import in_threads
from tests.factories import OfficerFactory


@pytest.fixture
def north_cases(borough):
    """Three North cases held by officer1: two for child1's family, one for child2's."""
    officer1 = borough.officer1
    cases = [
        log(borough),
        log(borough, category="placement"),
        log(borough, child=borough.child2),
    ]
    return [pin(case, officer1) for case in cases]


def test_a_manager_moves_a_set_of_cases_to_one_officer_and_each_family_is_told(
    borough, api, north_cases
):
    manager = borough.north.manager
    target = case_officers(borough.north)[1]

    response = api.as_user(manager.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": target.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"reassigned": 3}
    for case in north_cases:
        case.refresh_from_db()
        assert case.accountable_officer_id == target.pk
        assert case.owner_count == 2
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REASSIGNED)
        assert (
            not event.internal
            and target.display_name in event.text
            and event.actor_id == manager.user_id
        )
        assert (
            CaseEvent.objects.filter(
                case=case, kind=CaseEvent.Kind.NOTE, internal=True, text__contains=NOTE
            ).count()
            == 1
        )
        parent = (
            borough.parent1 if case.child_id == borough.child1.pk else borough.parent2
        )
        assert told(target.user, "officer_case_handed_over", case).count() == 1
        assert (
            api.as_user(parent)
            .get(f"/api/cases/{case.pk}/")
            .json()["accountable_officer"]["id"]
            == target.pk
        )


    # Child1's family hears once of both its cases; child2's of its one.
    [both] = told(borough.parent1, "family_cases_new_officers")
    assert all(f"{case.reference}: {target.display_name}" in both.body for case in north_cases[:2])
    assert told(borough.parent1, "case_new_officer").count() == 0
    assert told(borough.parent2, "case_new_officer", north_cases[2]).get().context["officer_name"] == (
        target.display_name
    )


def test_bulk_reassignment_is_refused_to_an_officer_for_a_colleagues_cases(
    borough, api, north_cases
):
    colleague = case_officers(borough.north)[1]
    before = written()

    response = api.as_user(colleague.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 403, response.content
    assert written() == before


def test_bulk_reassignment_is_for_managers_even_for_an_officers_own_cases(
    borough, api, north_cases
):
    # The endpoint is "Managers: give a chosen set of cases to one officer"; a case officer hands over one case
    # at a time through /api/cases/{id}/reassign/.
    colleague = case_officers(borough.north)[1]
    before = written()

    response = api.as_user(borough.officer1.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 403, response.content
    assert written() == before


def test_bulk_reassignment_including_a_case_the_manager_cannot_see_is_a_400_and_moves_nothing(
    borough, api, north_cases
):
    transport_case = pin(
        log(borough, child=borough.child2, category="transport"), borough.officer2
    )
    before = written()

    response = api.as_user(borough.transport.manager.user).post(
        "/api/cases/reassign/",
        {
            "cases": [transport_case.pk, north_cases[0].pk],
            "officer": case_officers(borough.transport)[1].pk,
            "note": NOTE,
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "cases" in response.json()
    assert north_cases[0].reference not in response.content.decode()
    assert written() == before


@pytest.mark.parametrize("target", ["inactive", "unknown"])
def test_bulk_reassignment_to_an_officer_who_cannot_take_cases_is_a_400(
    borough, api, north_cases, target
):
    officer = (
        OfficerFactory(team=borough.north, active=False).pk
        if target == "inactive"
        else 999_999
    )
    before = written()

    response = api.as_user(borough.north.manager.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": officer, "note": NOTE},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "officer" in response.json()
    assert written() == before


@pytest.mark.parametrize("endpoint", ["bulk", "one"])
@pytest.mark.parametrize(
    "stranger",
    [officer_of_another_council, director_of_another_council],
    ids=["team-officer", "director"],
)
def test_cases_are_never_moved_to_staff_of_another_council(
    borough, api, north_cases, stranger, endpoint
):
    outsider = stranger()
    before = written()

    client = api.as_user(borough.north.manager.user)
    if endpoint == "bulk":
        body = {
            "cases": [c.pk for c in north_cases],
            "officer": outsider.pk,
            "note": NOTE,
        }
        response = client.post("/api/cases/reassign/", body, format="json")
    else:
        body = {"officer": outsider.pk, "note": NOTE}
        response = client.post(
            f"/api/cases/{north_cases[0].pk}/reassign/", body, format="json"
        )

    assert response.status_code == 400, response.content
    assert "officer" in response.json()
    assert written() == before


# --- one case, handed over by its officer ----------------------------------------------------------


def test_an_officer_may_hand_over_their_own_case(borough, api):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)

    response = api.as_user(owner.user).post(
        f"/api/cases/{case.pk}/reassign/",
        {"officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["accountable_officer"]["id"] == colleague.pk
    assert response.json()["owner_count"] == 2
    assert (
        CaseEvent.objects.filter(
            case=case, kind=CaseEvent.Kind.REASSIGNED, actor=owner.user
        ).count()
        == 1
    )
    assert told(borough.parent1, "case_new_officer", case).count() == 1


def test_an_officer_may_not_hand_over_a_colleagues_case(borough, api):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    before = written()

    response = api.as_user(colleague.user).post(
        f"/api/cases/{case.pk}/reassign/",
        {"officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 403, response.content
    assert written() == before


def _move_to(endpoint, actor, cases, officer):
    if endpoint == "bulk":
        return staffing.cases_reassign(actor=actor, case_ids=[c.pk for c in cases], officer=officer, note=NOTE)
    (case,) = cases
    return services.case_reassign(actor=actor, case=case, officer=officer, note=NOTE)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("endpoint", ["bulk", "one"])
def test_cases_moved_to_an_officer_while_they_are_offboarded_never_stay_with_them(
    borough, north_cases, monkeypatch, endpoint
):
    leaver = case_officers(borough.north)[1]
    manager = borough.north.manager.user
    moving = north_cases if endpoint == "bulk" else north_cases[:1]
    offboarding_nearly_done = threading.Event()
    real_deactivate = staffing._deactivate

    def slow_deactivate(officer, **kwargs):
        offboarding_nearly_done.set()
        time.sleep(1)  # the move runs now: it must wait for the offboarding, not slip its cases in before it ends
        real_deactivate(officer, **kwargs)

    monkeypatch.setattr(staffing, "_deactivate", slow_deactivate)

    def offboard():
        staffing.officer_offboard(actor=manager, officer=leaver, successor=borough.officer1, note=NOTE)

    def move():
        assert offboarding_nearly_done.wait(timeout=10)
        _move_to(endpoint, manager, moving, leaver)

    offboarded, moved = in_threads(offboard, move)

    assert offboarded is None
    assert isinstance(moved, ValidationError), moved
    assert "active officer" in moved.message_dict["officer"][0]
    assert not Officer.objects.get(pk=leaver.pk).active
    assert not Case.objects.filter(accountable_officer=leaver).exists()
    owners = Case.objects.filter(pk__in=[c.pk for c in north_cases]).values_list("accountable_officer", flat=True)
    assert set(owners) == {borough.officer1.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_case_handed_on_while_its_officer_is_offboarded_moves_once_without_a_deadlock(borough, monkeypatch):
    leaver, colleague = case_officers(borough.north)
    case = pin(log(borough), leaver)
    manager = borough.north.manager.user
    case_taken, officers_taken = threading.Event(), threading.Event()
    real_require_may_move = transfer.require_may_move
    real_lock_officers = staffing._lock_officers_of_council

    def hold_the_case(actor, locked_case):
        real_require_may_move(actor, locked_case)
        case_taken.set()
        officers_taken.wait(timeout=1)  # the offboarding now takes the officers' locks, then wants this case

    def lock_officers(*args):
        locked = real_lock_officers(*args)
        officers_taken.set()
        return locked

    monkeypatch.setattr(transfer, "require_may_move", hold_the_case)
    monkeypatch.setattr(staffing, "_lock_officers_of_council", lock_officers)

    def hand_on():
        services.case_reassign(actor=manager, case=case, officer=colleague, note=NOTE)

    def offboard():
        assert case_taken.wait(timeout=10)
        staffing.officer_offboard(actor=manager, officer=leaver, successor=borough.officer2, note=NOTE)

    handed_on, offboarded = in_threads(hand_on, offboard)

    assert handed_on is None and offboarded is None, (handed_on, offboarded)
    case.refresh_from_db()
    assert case.accountable_officer_id == colleague.pk
    assert case.events.filter(kind__in=[CaseEvent.Kind.REASSIGNED, CaseEvent.Kind.HANDOVER]).count() == 1
    assert not Officer.objects.get(pk=leaver.pk).active
