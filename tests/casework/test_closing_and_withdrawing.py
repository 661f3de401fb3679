"""Closing without resolving (issue 23.4): a case nobody has worked on yet is closed only by a manager, or
withdrawn by the family themselves, with a reason the named officer is told."""

import pytest

from casework.models import Case, CaseEvent
from notifications.models import Notification
from tests.casework.web.family_pages import log

pytestmark = pytest.mark.django_db


def footprint(case):
    case.refresh_from_db()
    return (case.status, case.outcome, case.events.count(), case.history.count())


def test_a_manager_closes_a_new_case_straight_away(borough, api):
    case = log(borough.parent1, borough.child1)

    response = api.as_user(case.team.manager.user).post(
        f"/api/cases/{case.pk}/close/", {"outcome": "A duplicate of a concern already open."}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"


def test_the_family_withdraws_their_concern_with_a_reason_and_the_named_officer_is_told(borough, api):
    case = log(borough.parent1, borough.child1)

    response = api.as_user(borough.parent1).post(
        f"/api/cases/{case.pk}/withdraw/", {"reason": "The school sorted it out this morning."}, format="json"
    )

    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.outcome == "Withdrawn by the family: The school sorted it out this morning."
    closed = case.events.get(kind=CaseEvent.Kind.CLOSED)
    assert (closed.actor, closed.data) == (borough.parent1, {"withdrawn": True})
    told = Notification.objects.filter(recipient=case.accountable_officer.user).order_by("pk").last()
    assert "The school sorted it out this morning." in told.body


def test_withdrawing_without_a_reason_is_a_400_on_reason_and_writes_nothing(borough, api):
    case = log(borough.parent1, borough.child1)
    before = footprint(case)

    response = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/withdraw/", {"reason": "  "}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert footprint(case) == before


def test_another_family_cannot_withdraw_a_concern_and_learns_nothing_of_it(borough, api):
    case = log(borough.parent1, borough.child1)
    before = footprint(case)

    response = api.as_user(borough.parent2).post(f"/api/cases/{case.pk}/withdraw/", {"reason": "Gone"}, format="json")

    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    assert footprint(case) == before


def test_staff_cannot_withdraw_a_familys_concern(borough, api):
    case = log(borough.parent1, borough.child1)
    before = footprint(case)

    response = api.as_user(case.accountable_officer.user).post(
        f"/api/cases/{case.pk}/withdraw/", {"reason": "They rang to say it is fixed."}, format="json"
    )

    assert response.status_code == 403
    assert footprint(case) == before


def test_a_closed_concern_cannot_be_withdrawn_again(borough, api):
    case = log(borough.parent1, borough.child1)
    client = api.as_user(borough.parent1)
    client.post(f"/api/cases/{case.pk}/withdraw/", {"reason": "Sorted."}, format="json")
    before = footprint(case)

    response = client.post(f"/api/cases/{case.pk}/withdraw/", {"reason": "Sorted, again."}, format="json")

    assert response.status_code == 409
    assert footprint(case) == before


def test_the_family_withdraws_from_their_concerns_page(borough, client):
    case = log(borough.parent1, borough.child1)
    client.force_login(borough.parent1)
    url = f"/concerns/{case.pk}/"
    assert "Withdraw this concern" in client.get(url).content.decode()

    refused = client.post(f"{url}withdraw/", {"reason": ""})
    assert refused.status_code == 400
    assert "Tell us why you want to withdraw this concern" in refused.content.decode()
    assert footprint(case)[0] == Case.Status.NEW

    done = client.post(f"{url}withdraw/", {"reason": "It is fixed now."}, follow=True)
    page = done.content.decode()
    assert "You have withdrawn this concern." in page
    assert "Withdraw this concern" not in page
    assert footprint(case)[0] == Case.Status.CLOSED
