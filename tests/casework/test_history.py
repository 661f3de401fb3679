"""Every change is history (DESIGN.md invariant 2), every look by staff is logged (invariant 6), and the
timeline tells the family what happened, in order, without staff-only notes."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from casework import services, staffing
from casework.models import Case, CaseAccess, CaseEvent, CaseMessage
from tests.factories import ChildFactory, UserFactory, make_parent


def log_case(borough, parent=None, child=None):
    case = services.case_log(
        actor=parent or borough.parent1,
        child_id=(child or borough.child1).pk,
        category_slug="provision_not_delivered",
        summary="Speech and language therapy not delivered",
        description="No sessions since September.",
    )
    # Test set-up: pin the named officer, whoever routing chose (test_routing.py covers the choice).
    if case.accountable_officer_id != borough.officer1.pk:
        case.accountable_officer = borough.officer1
        case.team = borough.north
        case.save()
    return case


def token_client(username):
    client = APIClient()
    token = client.post("/api/auth/token/", {"username": username, "password": "password"}, format="json")
    assert token.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def latest_history(case):
    return Case.history.filter(id=case.pk).order_by("-history_id").first()


# --- who did it --------------------------------------------------------------------------


def test_logging_through_the_api_records_the_parent_in_the_history(borough, api):
    response = api.as_user(borough.parent1).post(
        "/api/cases/",
        {"child": borough.child1.pk, "category": "other", "summary": "s", "description": "d"},
        format="json",
    )
    assert response.status_code == 201
    rows = Case.history.filter(id=response.json()["id"])
    assert rows.exists()
    assert {row.history_user for row in rows} == {borough.parent1}
    assert rows.order_by("history_id").first().history_type == "+"


def test_an_action_through_the_api_records_the_acting_officer_in_the_history(borough, api):
    case = log_case(borough)
    response = api.as_user(borough.officer1.user).post(f"/api/cases/{case.pk}/acknowledge/", {}, format="json")
    assert response.status_code == 200
    row = latest_history(case)
    assert row.status == "acknowledged"
    assert row.history_user == borough.officer1.user
    assert row.history_change_reason


def test_an_action_with_a_token_records_the_token_holder_in_the_history(borough):
    case = log_case(borough)
    manager = borough.north.manager.user
    client = token_client(manager.username)

    response = client.post(f"/api/cases/{case.pk}/acknowledge/", {}, format="json")

    assert response.status_code == 200
    assert latest_history(case).history_user == manager


def test_a_parents_reply_with_a_token_records_the_parent_in_the_history(borough):
    case = log_case(borough)
    officer = borough.officer1.user
    services.case_acknowledge(actor=officer, case=case)
    services.case_start(actor=officer, case=case)
    services.case_await_parent(actor=officer, case=case, note="Which days?")

    response = token_client("parent1").post(f"/api/cases/{case.pk}/messages/", {"text": "Tuesdays."}, format="json")

    assert response.status_code == 201
    row = latest_history(case)
    assert row.status == "in_progress"
    assert row.history_user == borough.parent1


def test_direct_service_calls_record_the_actor_in_the_history_without_any_request(borough):
    case = log_case(borough)
    manager = borough.north.manager.user
    services.case_acknowledge(actor=borough.officer1.user, case=case)
    assert latest_history(case).history_user == borough.officer1.user
    services.case_close(actor=manager, case=case, outcome="Withdrawn by the family.")
    assert latest_history(case).history_user == manager
    first = Case.history.filter(id=case.pk).order_by("history_id").first()
    assert first.history_user == borough.parent1


def test_a_message_added_by_a_direct_service_call_records_its_author_in_the_history(borough):
    case = log_case(borough)

    message = services.case_message_add(actor=borough.parent1, case=case, text="Any news?")

    rows = CaseMessage.history.filter(id=message.pk)
    assert rows.count() == 1
    assert rows.get().history_user == borough.parent1


# --- the timeline ------------------------------------------------------------------------


def timeline(client, case):
    response = client.get(f"/api/cases/{case.pk}/timeline/")
    assert response.status_code == 200, response.content
    return response.json()


def test_the_timeline_lists_what_happened_oldest_first(borough, api):
    officer = borough.officer1.user
    case = log_case(borough)
    services.case_acknowledge(actor=officer, case=case)
    services.case_start(actor=officer, case=case)
    services.case_await_parent(actor=officer, case=case, note="Please send the school's letter.")
    services.case_message_add(actor=borough.parent1, case=case, text="Attached.")
    services.case_resolve(actor=officer, case=case, outcome="Sessions restart on Monday.")
    services.case_reopen(actor=borough.parent1, case=case, reason="They did not restart.")
    services.case_close(actor=officer, case=case, outcome="Moved to a new school.")

    events = timeline(api.as_user(borough.parent1), case)["results"]

    assert [event["kind"] for event in events] == [
        "logged",
        "acknowledged",
        "started",
        "awaiting_parent",
        "message",
        "resumed",
        "resolved",
        "reopened",
        "closed",
    ]
    moments = [datetime.fromisoformat(event["at"].replace("Z", "+00:00")) for event in events]
    assert moments == sorted(moments)
    assert all(moment.utcoffset() is not None for moment in moments)
    assert events[0]["actor"]["role"] == "parent"
    assert events[1]["actor"] == {"display_name": borough.officer1.display_name, "role": "officer"}
    assert events[6]["text"] == "Sessions restart on Monday."


def _administrator(borough):
    """A superuser with no officer record and no name on record: someone working in the admin site."""
    return UserFactory(username="cadmin-7", first_name="", last_name="", is_staff=True, is_superuser=True)


def _manager_with_no_name(borough):
    manager = borough.north.manager.user
    manager.first_name = manager.last_name = ""
    manager.save()
    return manager


@pytest.mark.parametrize("unnamed", [_administrator, _manager_with_no_name], ids=["administrator", "officer"])
def test_a_family_never_sees_a_staff_sign_in_name_for_who_did_something(borough, api, unnamed):
    staff = unnamed(borough)
    case = log_case(borough)
    colleague = borough.north.officers.filter(is_manager=False).exclude(pk=borough.officer1.pk).first()
    services.case_message_add(actor=staff, case=case, text="We have asked the school.")
    staffing.cases_reassign(actor=staff, case_ids=[case.pk], officer=colleague, note="Nearer the school")

    family = api.as_user(borough.parent1)
    events = timeline(family, case)["results"]
    inbox = family.get("/api/notifications/")

    by_staff = [event["actor"] for event in events if event["kind"] in ("message", "reassigned")]
    assert by_staff == [{"display_name": "Your council's SEND team", "role": "manager"}] * 2
    assert "Your council's SEND team has sent you a message" in inbox.content.decode()
    assert staff.username not in str(events) + inbox.content.decode()
    # Staff may still tell colleagues apart by their sign-in name.
    staff_view = timeline(api.as_user(borough.north.manager.user), case)["results"]
    assert {event["actor"]["display_name"] for event in staff_view if event["kind"] == "reassigned"} == {staff.username}


def test_a_carer_never_sees_another_carers_sign_in_name_for_who_did_something(borough, api, client):
    unnamed = make_parent(borough.child1, username="sam.jones@example.org", first_name="", last_name="")
    case = log_case(borough)
    services.case_message_add(actor=unnamed, case=case, text="The taxi came late again today.")

    events = timeline(api.as_user(borough.parent1), case)["results"]
    client.force_login(borough.parent1)
    page = client.get(f"/concerns/{case.pk}/").content.decode()

    reply = next(event for event in events if event["kind"] == "message")
    assert reply["actor"] == {"display_name": "A parent or carer", "role": "parent"}
    assert "A parent or carer" in page
    assert unnamed.username not in str(events) + page


def test_events_at_the_same_moment_keep_the_order_they_happened_in(borough, api):
    officer = borough.officer1.user
    with time_machine.travel(datetime(2026, 11, 24, 10, 0, tzinfo=UTC), tick=False):
        case = log_case(borough)
        services.case_acknowledge(actor=officer, case=case)
        services.case_start(actor=officer, case=case)
        services.case_message_add(actor=officer, case=case, text="I am on it.")

    events = timeline(api.as_user(borough.officer1.user), case)["results"]

    assert [event["kind"] for event in events] == ["logged", "acknowledged", "started", "message"]


def test_internal_notes_are_seen_by_staff_but_never_by_the_family(borough, api):
    case = log_case(borough)
    services.case_message_add(actor=borough.parent1, case=case, text="Any news?")

    note = api.as_user(borough.officer1.user).post(
        f"/api/cases/{case.pk}/messages/", {"text": "Provider is short of therapists.", "internal": True}, format="json"
    )
    assert note.status_code == 201
    assert note.json()["internal"] is True

    staff_view = timeline(api.as_user(borough.north.manager.user), case)
    assert [(event["kind"], event["internal"]) for event in staff_view["results"]] == [
        ("logged", False),
        ("message", False),
        ("note", True),
    ]
    assert staff_view["results"][-1]["text"] == "Provider is short of therapists."

    family_view = timeline(api.as_user(borough.parent1), case)
    assert [event["kind"] for event in family_view["results"]] == ["logged", "message"]
    assert family_view["count"] == 2
    assert "short of therapists" not in str(family_view)


def test_a_parent_may_not_post_an_internal_note(borough, api):
    case = log_case(borough)
    before = (CaseMessage.objects.count(), CaseEvent.objects.count(), Case.history.count())

    response = api.as_user(borough.parent1).post(
        f"/api/cases/{case.pk}/messages/", {"text": "Just between us", "internal": True}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["detail"]
    assert (CaseMessage.objects.count(), CaseEvent.objects.count(), Case.history.count()) == before


def test_the_handover_note_of_a_reassignment_is_internal(borough, api):
    case = log_case(borough)
    other = borough.north.officers.filter(is_manager=False).exclude(pk=borough.officer1.pk).get()
    services.case_reassign(actor=borough.north.manager.user, case=case, officer=other, note="Family prefer email.")

    family_kinds = [event["kind"] for event in timeline(api.as_user(borough.parent1), case)["results"]]
    staff = timeline(api.as_user(other.user), case)["results"]

    assert family_kinds == ["logged", "reassigned"]
    assert [event["kind"] for event in staff] == ["logged", "reassigned", "note"]
    assert "Family prefer email." in staff[-1]["text"]


# --- every look by staff is logged --------------------------------------------------------


@pytest.mark.parametrize("path, via", [("", "api:case"), ("timeline/", "api:timeline")])
@pytest.mark.parametrize("who", ["officer1", "north_manager", "head_of_service"])
def test_staff_opening_a_case_leaves_an_access_record(borough, api, path, via, who):
    user = {
        "officer1": borough.officer1.user,
        "north_manager": borough.north.manager.user,
        "head_of_service": borough.head_of_service.user,
    }[who]
    case = log_case(borough)
    started = timezone.now()

    response = api.as_user(user).get(f"/api/cases/{case.pk}/{path}")

    assert response.status_code == 200
    access = CaseAccess.objects.get(case=case)
    assert access.user == user
    assert access.via == via
    assert started <= access.at <= timezone.now()


@pytest.mark.parametrize("path", ["", "timeline/"])
def test_a_parent_opening_their_own_case_leaves_no_access_record(borough, api, path):
    case = log_case(borough)
    response = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/{path}")
    assert response.status_code == 200
    assert not CaseAccess.objects.exists()


def test_each_look_is_logged_separately(borough, api):
    case = log_case(borough)
    api.as_user(borough.officer1.user)
    for _ in range(3):
        assert api.get(f"/api/cases/{case.pk}/").status_code == 200
    assert CaseAccess.objects.filter(case=case, user=borough.officer1.user).count() == 3


def test_a_case_staff_cannot_see_leaves_no_access_record(borough, api):
    case = log_case(borough)
    response = api.as_user(borough.officer2.user).get(f"/api/cases/{case.pk}/")
    assert response.status_code == 404
    assert not CaseAccess.objects.exists()


# --- a fixed number of queries, whatever the size ------------------------------------------


def queries_for(client, path):
    client.get(path)  # warm any per-process caches first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def add_cases(borough, count):
    """`count` more cases, across several children, families and states."""
    officer = borough.officer1.user
    for index in range(count):
        child = ChildFactory(family__organisation=borough.organisation, family__area=borough.child1.family.area)
        case = log_case(borough, parent=make_parent(child), child=child)
        if index % 3 == 1:
            services.case_acknowledge(actor=officer, case=case)
        elif index % 3 == 2:
            services.case_message_add(actor=officer, case=case, text="On it.")


@pytest.mark.parametrize("who", ["officer1", "head_of_service"])
def test_the_case_list_uses_the_same_number_of_queries_for_3_cases_as_for_30(borough, api, who):
    user = borough.officer1.user if who == "officer1" else borough.head_of_service.user
    client = api.as_user(user)
    add_cases(borough, 3)
    few, page = queries_for(client, "/api/cases/")
    assert page["count"] == 3

    add_cases(borough, 27)
    many, page = queries_for(client, "/api/cases/")
    assert page["count"] == 30

    assert many == few


def test_a_parents_case_list_uses_the_same_number_of_queries_for_3_cases_as_for_30(borough, api):
    def add_for_child1(count):
        for _ in range(count):
            log_case(borough)

    client = api.as_user(borough.parent1)
    add_for_child1(3)
    few, page = queries_for(client, "/api/cases/")
    assert page["count"] == 3
    add_for_child1(27)
    many, page = queries_for(client, "/api/cases/")
    assert page["count"] == 30
    assert many == few


def add_events(borough, case, count):
    """`count` more timeline events by the family, the officer, a manager's internal note and the system."""
    for index in range(count):
        if index % 4 == 0:
            services.case_message_add(actor=borough.parent1, case=case, text=f"Family message {index}")
        elif index % 4 == 1:
            services.case_message_add(actor=borough.officer1.user, case=case, text=f"Officer reply {index}")
        elif index % 4 == 2:
            services.case_message_add(actor=borough.north.manager.user, case=case, text=f"Note {index}", internal=True)
        else:
            CaseEvent.objects.record(case=case, kind=CaseEvent.Kind.REMINDER, text=f"Reminder {index}", internal=True)


@pytest.mark.parametrize("who", ["officer1", "parent1"])
def test_the_timeline_uses_the_same_number_of_queries_for_3_events_as_for_30(borough, api, who):
    user = borough.officer1.user if who == "officer1" else borough.parent1
    client = api.as_user(user)
    case = log_case(borough)
    add_events(borough, case, 2)
    few, page = queries_for(client, f"/api/cases/{case.pk}/timeline/")

    add_events(borough, case, 60)
    many, page = queries_for(client, f"/api/cases/{case.pk}/timeline/")
    assert page["count"] >= 30

    assert many == few


# --- cases are never deleted -------------------------------------------------------------------


@pytest.mark.parametrize("method", ["delete", "put", "patch"])
@pytest.mark.parametrize("path", ["/api/cases/{id}/", "/api/cases/", "/api/cases/{id}/messages/"])
def test_cases_cannot_be_deleted_or_overwritten_through_the_api(borough, api, method, path):
    case = log_case(borough)
    services.case_message_add(actor=borough.parent1, case=case, text="Any news?")
    before = (Case.objects.count(), CaseEvent.objects.count(), CaseMessage.objects.count(), Case.history.count())

    client = api.as_user(borough.head_of_service.user)
    response = getattr(client, method)(path.format(id=case.pk), {"status": "closed"}, format="json")

    assert response.status_code == 405
    assert (Case.objects.count(), CaseEvent.objects.count(), CaseMessage.objects.count(), Case.history.count()) == before
