"""Each role's journey end to end, through the REST API only (API.md)."""

import re

import pytest
from rest_framework.test import APIClient

from casework.models import Case, CaseEvent, CaseMessage

REFERENCE = re.compile(r"SEND-\d{4}-\d{6}")
SLA_KEYS = {"acknowledge_due", "respond_due", "resolve_due", "paused", "breached", "next_escalation"}
# The eleven kinds of concern named in DESIGN.md ("Words of the domain").
CATEGORY_SLUGS = {
    "provision_not_delivered",
    "process_delay",
    "no_response",
    "transport",
    "transition",
    "placement",
    "inclusion",
    "health",
    "social_care",
    "panel_decision",
    "other",
}


def log_concern(api, parent, child, **fields):
    body = {
        "child": child.pk,
        "category": "provision_not_delivered",
        "summary": "Speech and language therapy not delivered since September",
        "description": "The therapist has not come to school for six weeks.",
        **fields,
    }
    response = api.as_user(parent).post("/api/cases/", body, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def pin_named_officer(case_id, officer):
    """Test set-up: make `officer` the named officer, whoever routing chose (routing has its own tests)."""
    case = Case.objects.get(pk=case_id)
    if case.accountable_officer_id != officer.pk:
        case.accountable_officer = officer
        case.team = officer.team
        case.save()


def timeline_kinds(api, user, case_id):
    response = api.as_user(user).get(f"/api/cases/{case_id}/timeline/")
    assert response.status_code == 200, response.content
    return [event["kind"] for event in response.json()["results"]]


def act(api, user, case_id, action, body=None):
    return api.as_user(user).post(f"/api/cases/{case_id}/{action}/", body or {}, format="json")


# --- the family ---------------------------------------------------------------------


def test_parent_logs_a_concern_and_it_has_a_reference_and_a_named_officer_at_once(borough, api):
    body = log_concern(api, borough.parent1, borough.child1, provision_item=borough.provision1.pk)

    assert REFERENCE.fullmatch(body["reference"])
    assert body["status"] == "new"
    assert body["child"] == {"id": borough.child1.pk, "display_name": borough.child1.display_name}
    assert body["category"] == "provision_not_delivered"
    assert body["provision_item"] == borough.provision1.pk
    assert body["safeguarding"] is False
    assert body["escalation_level"] == 0
    assert SLA_KEYS <= set(body["sla"])
    officer = body["accountable_officer"]
    assert set(officer) >= {"id", "display_name", "team"}
    assert officer["team"] == "SEND North"
    assert borough.north.officers.filter(pk=officer["id"], active=True).exists()
    case = Case.objects.get(pk=body["id"])
    assert case.reference == body["reference"]
    assert case.logged_by == borough.parent1
    assert case.logged_on_behalf is False
    assert case.events.filter(kind="logged").count() == 1


def test_parent_follows_their_concern_in_the_list_the_detail_and_the_timeline_and_sends_a_message(borough, api):
    created = log_concern(api, borough.parent1, borough.child1)
    case_id = created["id"]

    listed = api.as_user(borough.parent1).get("/api/cases/")
    assert listed.status_code == 200
    page = listed.json()
    assert set(page) >= {"count", "next", "previous", "results"}
    assert [case["id"] for case in page["results"]] == [case_id]

    detail = api.get(f"/api/cases/{case_id}/")
    assert detail.status_code == 200
    assert detail.json()["reference"] == created["reference"]
    assert detail.json()["accountable_officer"] == created["accountable_officer"]

    timeline = api.get(f"/api/cases/{case_id}/timeline/")
    assert timeline.status_code == 200
    events = timeline.json()["results"]
    assert [event["kind"] for event in events] == ["logged"]
    assert set(events[0]) >= {"id", "at", "kind", "actor", "text", "internal"}
    assert events[0]["actor"]["role"] == "parent"

    message = api.post(f"/api/cases/{case_id}/messages/", {"text": "Is there any news?"}, format="json")
    assert message.status_code == 201
    assert message.json()["text"] == "Is there any news?"
    assert message.json()["internal"] is False
    assert CaseMessage.objects.filter(case_id=case_id, author=borough.parent1).count() == 1
    assert timeline_kinds(api, borough.parent1, case_id) == ["logged", "message"]


# --- the named officer ------------------------------------------------------------------


def test_named_officer_works_a_concern_through_every_step_to_resolution(borough, api):
    case_id = log_concern(api, borough.parent1, borough.child1)["id"]
    officer = borough.officer1
    pin_named_officer(case_id, officer)

    steps = [
        ("acknowledge", {}, "acknowledged"),
        ("start", {"note": "I have asked the therapy service why sessions stopped."}, "in_progress"),
        ("await-parent", {"note": "Please send the letter from school."}, "awaiting_parent"),
        ("resume", {}, "in_progress"),
        ("resolve", {"outcome": "Sessions restart on Monday, with catch-up sessions."}, "resolved"),
    ]
    for action, body, status in steps:
        response = act(api, officer.user, case_id, action, body)
        assert response.status_code == 200, (action, response.content)
        assert response.json()["status"] == status, action
        assert response.json()["id"] == case_id

    case = Case.objects.get(pk=case_id)
    assert case.status == Case.Status.RESOLVED
    assert case.outcome == "Sessions restart on Monday, with catch-up sessions."
    assert case.acknowledged_at is not None and case.resolved_at is not None
    assert timeline_kinds(api, borough.parent1, case_id) == [
        "logged",
        "acknowledged",
        "started",
        "awaiting_parent",
        "resumed",
        "resolved",
    ]


def test_parents_reply_while_the_case_waits_on_them_starts_the_work_again(borough, api):
    case_id = log_concern(api, borough.parent1, borough.child1)["id"]
    officer = borough.officer1
    pin_named_officer(case_id, officer)
    for action in ("acknowledge", "start"):
        assert act(api, officer.user, case_id, action).status_code == 200
    assert act(api, officer.user, case_id, "await-parent", {"note": "Which days were missed?"}).status_code == 200

    reply = api.as_user(borough.parent1).post(
        f"/api/cases/{case_id}/messages/", {"text": "Every Tuesday since 1 September."}, format="json"
    )

    assert reply.status_code == 201
    assert api.get(f"/api/cases/{case_id}/").json()["status"] == "in_progress"
    assert timeline_kinds(api, borough.parent1, case_id)[-3:] == ["awaiting_parent", "message", "resumed"]


def test_a_case_waiting_on_the_family_is_waiting_for_family_to_staff_and_waiting_for_you_to_the_family(borough, api):
    case_id = log_concern(api, borough.parent1, borough.child1)["id"]
    officer = borough.officer1
    pin_named_officer(case_id, officer)
    assert act(api, officer.user, case_id, "acknowledge").status_code == 200

    answer = act(api, officer.user, case_id, "await-parent", {"note": "Which days were missed?"})

    assert answer.json()["status_label"] == "Waiting for family"
    assert api.as_user(officer.user).get(f"/api/cases/{case_id}/").json()["status_label"] == "Waiting for family"
    assert api.as_user(officer.user).get("/api/cases/").json()["results"][0]["status_label"] == "Waiting for family"
    assert api.as_user(borough.parent1).get(f"/api/cases/{case_id}/").json()["status_label"] == "Waiting for you"
    assert api.as_user(borough.parent1).get("/api/cases/").json()["results"][0]["status_label"] == "Waiting for you"


def test_parent_reopens_a_resolved_concern_with_a_reason_and_it_goes_back_in_progress(borough, api):
    case_id = log_concern(api, borough.parent1, borough.child1)["id"]
    officer = borough.officer1
    pin_named_officer(case_id, officer)
    assert act(api, officer.user, case_id, "acknowledge").status_code == 200
    assert act(api, officer.user, case_id, "resolve", {"outcome": "Therapy restarted."}).status_code == 200

    response = act(api, borough.parent1, case_id, "reopen", {"reason": "The therapist came once and stopped again."})

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["accountable_officer"]["id"] == officer.pk
    assert timeline_kinds(api, borough.parent1, case_id)[-1] == "reopened"


# --- the manager ---------------------------------------------------------------------


def test_manager_reassigns_a_case_the_family_sees_the_new_officer_and_the_old_one_can_no_longer_act(borough, api):
    case_id = log_concern(api, borough.parent1, borough.child1)["id"]
    old = borough.officer1
    new = borough.north.officers.filter(is_manager=False).exclude(pk=old.pk).get()
    pin_named_officer(case_id, old)

    response = act(api, borough.north.manager.user, case_id, "reassign", {"officer": new.pk, "note": "Old is on leave."})

    assert response.status_code == 200
    assert response.json()["accountable_officer"]["id"] == new.pk
    family_view = api.as_user(borough.parent1).get(f"/api/cases/{case_id}/").json()
    assert family_view["accountable_officer"] == {"id": new.pk, "display_name": new.display_name, "team": "SEND North"}
    family_timeline = api.get(f"/api/cases/{case_id}/timeline/").json()["results"]
    assert family_timeline[-1]["kind"] == "reassigned"
    assert new.display_name in family_timeline[-1]["text"]
    # The handover note is for staff; the family never sees it.
    assert all("Old is on leave." not in event["text"] for event in family_timeline)

    events_before = CaseEvent.objects.filter(case_id=case_id).count()
    assert act(api, old.user, case_id, "acknowledge").status_code == 403
    assert Case.objects.get(pk=case_id).status == Case.Status.NEW
    assert CaseEvent.objects.filter(case_id=case_id).count() == events_before
    assert act(api, new.user, case_id, "acknowledge").status_code == 200


# --- signing in, who am I, reference data ---------------------------------------------------


def test_token_from_username_and_password_authenticates_later_requests(borough):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "parent1", "password": "password"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert token

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "parent1"
    assert me.json()["role"] == "parent"


@pytest.mark.parametrize(
    "username, password",
    [("parent1", "wrong password"), ("nobody-by-this-name", "password"), ("parent1", "")],
)
def test_token_is_refused_with_a_400_for_a_wrong_username_or_password(borough, username, password):
    response = APIClient().post("/api/auth/token/", {"username": username, "password": password}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


@pytest.mark.parametrize(
    "who, role",
    [("parent1", "parent"), ("officer1", "officer"), ("north_manager", "manager"), ("head_of_service", "manager")],
)
def test_me_says_who_you_are_and_your_role(borough, api, who, role):
    user = {
        "parent1": borough.parent1,
        "officer1": borough.officer1.user,
        "north_manager": borough.north.manager.user,
        "head_of_service": borough.head_of_service.user,
    }[who]
    response = api.as_user(user).get("/api/me/")
    assert response.status_code == 200
    assert response.json()["id"] == user.pk
    assert response.json()["username"] == user.username
    assert response.json()["display_name"]
    assert response.json()["role"] == role


def test_categories_are_a_plain_list_of_the_eleven_kinds_of_concern(borough, api):
    response = api.as_user(borough.parent1).get("/api/categories/")
    assert response.status_code == 200
    categories = response.json()
    assert isinstance(categories, list)
    assert {category["slug"] for category in categories} == CATEGORY_SLUGS
    assert len(categories) == 11
    for category in categories:
        assert category["name"].strip()
        assert category["description"].strip()


def test_children_list_gives_a_parent_their_child_with_the_ehcp_and_its_provision_items(borough, api):
    response = api.as_user(borough.parent1).get("/api/children/")
    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1
    child = page["results"][0]
    assert child["id"] == borough.child1.pk
    assert child["display_name"] == borough.child1.display_name
    assert child["date_of_birth"] == borough.child1.date_of_birth.isoformat()
    ehcp = borough.child1.ehcp
    assert child["ehcp"]["id"] == ehcp.pk
    assert child["ehcp"]["reference"] == ehcp.reference
    [item] = child["ehcp"]["provision_items"]
    assert item["id"] == borough.provision1.pk
    assert item["section"] == "F"
    assert item["description"] == borough.provision1.description
    assert item["provider"] == borough.provision1.provider


# --- nobody signed in --------------------------------------------------------------------

ENDPOINTS = [
    ("get", "/api/me/"),
    ("get", "/api/children/"),
    ("get", "/api/categories/"),
    ("get", "/api/cases/"),
    ("post", "/api/cases/"),
    ("get", "/api/cases/{id}/"),
    ("get", "/api/cases/{id}/timeline/"),
    ("post", "/api/cases/{id}/messages/"),
    ("post", "/api/cases/{id}/acknowledge/"),
    ("post", "/api/cases/{id}/start/"),
    ("post", "/api/cases/{id}/await-parent/"),
    ("post", "/api/cases/{id}/resume/"),
    ("post", "/api/cases/{id}/resolve/"),
    ("post", "/api/cases/{id}/close/"),
    ("post", "/api/cases/{id}/reopen/"),
    ("post", "/api/cases/{id}/reassign/"),
    ("get", "/api/officers/"),
]


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_every_endpoint_answers_401_to_someone_not_signed_in(borough, api, method, path):
    case_id = log_concern(api, borough.parent1, borough.child1)["id"]
    counts = (Case.objects.count(), CaseEvent.objects.count(), CaseMessage.objects.count())
    anonymous = APIClient()
    body = {
        "child": borough.child1.pk,
        "category": "other",
        "summary": "s",
        "description": "d",
        "text": "t",
        "outcome": "o",
        "reason": "r",
        "officer": borough.officer1.pk,
        "note": "n",
    }

    url = path.format(id=case_id)
    response = anonymous.post(url, body, format="json") if method == "post" else anonymous.get(url)

    assert response.status_code == 401
    assert (Case.objects.count(), CaseEvent.objects.count(), CaseMessage.objects.count()) == counts
