"""The statutory process REST API as a client sees it (API.md "Statutory process")."""

from datetime import date

import pytest
import yaml

from casework.models import FamilyMember
from statutory.models import Decision, Process, StepException
from tests.escalations.conftest import at, uk
from tests.factories import ChildFactory, OrganisationFactory, UserFactory, make_team

from .conftest import start_assessment

CONTRACT = {
    "/api/statutory/": ["get", "post"],
    "/api/statutory/{id}/": ["get"],
    "/api/statutory/{id}/steps/{key}/": ["post"],
    "/api/statutory/{id}/decisions/": ["post"],
    "/api/statutory/{id}/exceptions/": ["post"],
}


@pytest.fixture
def process(borough):
    return start_assessment(borough)


def decision_body(process, **fields):
    return {
        "decision": "not_assess",
        "decided_on": "2027-01-20",
        "approved_by": process.coordinator.team.manager.pk,
        "panel": [process.coordinator.team.manager.pk, process.coordinator.pk],
        "reasons": "The school can meet Alex's needs from the support it already has.",
        **fields,
    }


def test_a_parent_asks_for_an_assessment_and_sees_its_legal_dates(borough, api):
    with at(uk(2026, 12, 18, 11)):
        response = api.as_user(borough.parent1).post(
            "/api/statutory/", {"child": borough.child1.pk, "kind": "needs_assessment"}, format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["received_on"] == "2026-12-18"
    assert body["child"] == {"id": borough.child1.pk, "display_name": borough.child1.display_name}
    assert body["coordinator"]["display_name"]
    steps = {step["key"]: step for step in body["steps"]}
    assert steps["decision_to_assess"]["due_on"] == "2027-01-29"
    assert steps["notice_not_to_issue"]["due_on"] == "2027-04-09"
    assert steps["final_plan"]["due_on"] == "2027-05-07"
    assert steps["final_plan"]["state"] == "due"
    assert set(steps["final_plan"]) >= {"key", "label", "regulation", "due_on", "done_on", "state"}


def test_a_parent_may_not_start_a_review_or_date_a_request_in_the_future(borough, api):
    client = api.as_user(borough.parent1)
    response = client.post("/api/statutory/", {"child": borough.child1.pk, "kind": "annual_review"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()
    response = client.post(
        "/api/statutory/", {"child": borough.child1.pk, "kind": "needs_assessment", "received_on": "2999-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "received_on" in response.json()
    response = client.post("/api/statutory/", {"child": borough.child1.pk, "kind": "adoption"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()
    assert not Process.objects.exists()


def test_another_familys_childs_process_is_not_found(borough, api, process):
    client = api.as_user(borough.parent2)
    assert client.get(f"/api/statutory/{process.pk}/").status_code == 404
    assert client.get("/api/statutory/").json()["count"] == 0
    assert client.post(f"/api/statutory/{process.pk}/decisions/", decision_body(process), format="json").status_code == 404
    response = client.post("/api/statutory/", {"child": borough.child1.pk, "kind": "needs_assessment"}, format="json")
    assert response.status_code == 400
    assert "child" in response.json()


def test_another_councils_staff_do_not_see_the_process(borough, api, process):
    elsewhere = make_team(OrganisationFactory(name="Another Borough"), "Their SEND team")
    client = api.as_user(elsewhere.manager.user)
    assert client.get(f"/api/statutory/{process.pk}/").status_code == 404
    assert client.get("/api/statutory/").json()["count"] == 0


def test_a_decision_without_an_approver_is_a_400_and_nothing_is_written(borough, api, process):
    body = decision_body(process)
    del body["approved_by"]
    with at(uk(2027, 1, 21, 12)):
        response = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/decisions/", body, format="json"
        )
    assert response.status_code == 400
    assert "approved_by" in response.json()
    assert not Decision.objects.exists()


def test_an_approver_from_another_council_is_a_400(borough, api, process):
    elsewhere = make_team(OrganisationFactory(name="Another Borough"), "Their SEND team").manager
    with at(uk(2027, 1, 21, 12)):
        response = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/decisions/", decision_body(process, approved_by=elsewhere.pk), format="json"
        )
    assert response.status_code == 400
    assert "approved_by" in response.json()
    assert not Decision.objects.exists()


def test_the_family_sees_who_decided_when_and_why_and_their_appeal_dates(borough, api, process):
    manager = process.coordinator.team.manager
    with at(uk(2027, 1, 21, 12)):
        response = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/decisions/", decision_body(process), format="json"
        )
    assert response.status_code == 201, response.content
    with at(uk(2027, 1, 22, 12)):
        seen = api.as_user(borough.parent1).get(f"/api/statutory/{process.pk}/").json()
    (decision,) = seen["decisions"]
    assert decision["approved_by"]["display_name"] == manager.display_name
    assert {member["id"] for member in decision["panel"]} == {manager.pk, process.coordinator.pk}
    assert decision["decided_on"] == "2027-01-20"
    assert decision["reasons"].startswith("The school can meet")
    assert decision["rights"] == {"mediation_by": "2027-03-20", "appeal_by": "2027-03-20"}
    assert seen["status"] == "finished"
    steps = {step["key"]: step for step in seen["steps"]}
    assert steps["decision_to_assess"]["state"] == "done_on_time"


def test_only_the_coordinator_or_a_manager_records_steps(borough, api, process):
    body = {"done_on": "2027-01-20"}
    with at(uk(2027, 1, 21, 12)):
        other = api.as_user(borough.officer2.user).post(
            f"/api/statutory/{process.pk}/steps/decision_to_assess/", body, format="json"
        )
        family = api.as_user(borough.parent1).post(
            f"/api/statutory/{process.pk}/steps/decision_to_assess/", body, format="json"
        )
        done = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/steps/decision_to_assess/", body, format="json"
        )
        again = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/steps/decision_to_assess/", body, format="json"
        )
        unknown = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/steps/no_such_step/", body, format="json"
        )
        future = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/steps/final_plan/", {"done_on": "2027-02-01"}, format="json"
        )
    assert (other.status_code, family.status_code, done.status_code) == (403, 403, 200)
    assert again.status_code == 409
    assert unknown.status_code == 400
    assert future.status_code == 400 and "done_on" in future.json()
    steps = {step["key"]: step for step in done.json()["steps"]}
    assert steps["decision_to_assess"]["done_on"] == "2027-01-20"


def test_an_exception_is_recorded_shown_to_the_family_and_can_be_withdrawn(borough, api, process):
    coordinator = api.as_user(process.coordinator.user)
    body = {"regulation": "13(3)(d)", "reason": "The family are abroad until March.", "starts_on": "2027-01-04"}
    with at(uk(2027, 1, 21, 12)):
        response = coordinator.post(f"/api/statutory/{process.pk}/exceptions/", body, format="json")
    assert response.status_code == 201, response.content
    (exception,) = response.json()["exceptions"]
    assert exception["step"] == "final_plan" and exception["in_force"]
    steps = {step["key"]: step for step in response.json()["steps"]}
    assert steps["final_plan"]["state"] == "excepted"
    with at(uk(2027, 1, 22, 12)):
        withdrawn = coordinator.post(f"/api/statutory/{process.pk}/exceptions/{exception['id']}/withdraw/")
    assert withdrawn.status_code == 200
    assert {step["key"]: step["state"] for step in withdrawn.json()["steps"]}["final_plan"] == "due"
    bad = coordinator.post(f"/api/statutory/{process.pk}/exceptions/", {**body, "regulation": "1(1)"}, format="json")
    assert bad.status_code == 400 and "regulation" in bad.json()
    assert StepException.objects.count() == 1


def test_the_list_filters_by_child_kind_mine_and_late(borough, api, process):
    start_assessment(borough, child=borough.child2)
    manager = api.as_user(borough.north.manager.user)
    assert manager.get("/api/statutory/").json()["count"] == 2
    assert manager.get(f"/api/statutory/?child={borough.child1.pk}").json()["count"] == 1
    assert manager.get("/api/statutory/?kind=annual_review").json()["count"] == 0
    mine = api.as_user(process.coordinator.user).get("/api/statutory/?mine=true").json()["results"]
    assert process.pk in {row["id"] for row in mine}
    with at(uk(2027, 1, 30, 12)):
        assert manager.get("/api/statutory/?late=true").json()["count"] == 2
    with at(uk(2027, 1, 29, 12)):
        assert manager.get("/api/statutory/?late=true").json()["count"] == 0
    assert manager.get("/api/statutory/?late=maybe").status_code == 400


def test_the_schema_describes_the_statutory_contract(api, borough):
    response = api.as_user(borough.parent1).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    paths = yaml.safe_load(response.content)["paths"]
    missing = [f"{m.upper()} {p}" for p, methods in CONTRACT.items() for m in methods if m not in paths.get(p, {})]
    assert missing == []


def test_a_decision_on_a_day_before_the_request_is_refused(borough, api, process):
    with at(uk(2027, 1, 21, 12)):
        response = api.as_user(process.coordinator.user).post(
            f"/api/statutory/{process.pk}/decisions/", decision_body(process, decided_on="2026-12-01"), format="json"
        )
    assert response.status_code == 400 and "decided_on" in response.json()
    assert date(2026, 12, 18) == Process.objects.get().received_on


def test_a_carer_invited_for_one_child_does_not_see_a_brother_or_sisters_process(borough, api, process):
    sibling = ChildFactory(family=borough.child1.family, first_name="Cal")
    sibling_process = start_assessment(borough, child=sibling, parent=borough.parent1)
    carer = UserFactory(username="carer-of-alex")
    FamilyMember.objects.create(family=borough.child1.family, user=carer, relationship="carer").children.add(
        borough.child1
    )
    client = api.as_user(carer)

    assert client.get(f"/api/statutory/{sibling_process.pk}/").status_code == 404
    assert [row["id"] for row in client.get("/api/statutory/").json()["results"]] == [process.pk]
    assert api.as_user(borough.parent1).get(f"/api/statutory/{sibling_process.pk}/").status_code == 200
