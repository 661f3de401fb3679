"""Recording delivery through the API: who may see and record what, and bad input refused whole."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Case
from casework.services import case_log
from provision.models import Delivery
from provision.services import delivery_record
from tests.escalations.conftest import at, uk

TODAY = uk(2026, 11, 30, 10)  # a Monday in the second half of the autumn term


@pytest.fixture(autouse=True)
def monday_30_november():
    with at(TODAY):
        yield


def record(api, user, item, **body):
    return api.as_user(user).post(
        f"/api/provision/{item.pk}/deliveries/", {"on": "2026-11-23", "status": "delivered", **body}, format="json"
    )


# --- what provider staff see -------------------------------------------------------------------


def test_provider_staff_see_only_the_items_their_organisation_delivers(borough, bodies, api):
    items = api.as_user(bodies.therapist).get("/api/provision/").json()["results"]

    assert [item["id"] for item in items] == [bodies.therapy.pk]
    assert items[0]["child"]["display_name"] == borough.child1.display_name
    assert items[0]["provider"] == {"id": bodies.trust.pk, "name": "Community NHS Trust"}
    assert items[0]["amount"] == {"sessions": 1, "minutes": 60, "per": "week", "term_time_only": True}


def test_provider_staff_get_404_for_another_providers_item_and_its_records(borough, bodies, api):
    client = api.as_user(bodies.therapist)
    teaching = bodies.teaching

    assert client.get(f"/api/provision/{teaching.pk}/deliveries/").status_code == 404
    assert record(api, bodies.therapist, teaching).status_code == 404
    assert not Delivery.objects.exists()


def test_provider_staff_see_no_case_no_family_and_no_plan(borough, bodies, api):
    concern = case_log(
        actor=borough.parent1,
        child_id=borough.child1.pk,
        category_slug="provision_not_delivered",
        summary="No therapy",
        description="None since September",
        provision_item_id=bodies.therapy.pk,
    )
    client = api.as_user(bodies.therapist)

    assert client.get(f"/api/cases/{concern.pk}/").status_code == 404
    assert client.get(f"/api/cases/{concern.pk}/timeline/").status_code == 404
    assert client.get("/api/cases/").json()["count"] == 0
    assert client.get("/api/children/").json()["count"] == 0
    assert client.get("/api/me/").json()["role"] == "provider"


def test_a_provider_records_a_session_of_their_item(borough, bodies, api):
    answer = record(api, bodies.therapist, bodies.therapy, minutes=45)

    assert answer.status_code == 201
    body = answer.json()
    assert (body["on"], body["status"], body["minutes"], body["disputed"]) == ("2026-11-23", "delivered", 45, False)
    assert body["recorded_by"] == {"display_name": bodies.therapist.get_full_name()}


def test_a_delivered_session_without_minutes_takes_the_plans(borough, bodies, api):
    assert record(api, bodies.therapist, bodies.therapy).json()["minutes"] == 60


def test_staff_of_the_responsible_body_may_record_and_the_council_may_not_for_health(borough, bodies, api):
    assert record(api, bodies.dco_officer.user, bodies.therapy).status_code == 201
    # The council's officer can see the child's item but does not answer for it.
    assert record(api, borough.officer1.user, bodies.therapy, on="2026-11-24").status_code == 403
    assert record(api, borough.officer1.user, bodies.teaching).status_code == 201


def test_a_family_cannot_record_a_session(borough, bodies, api):
    answer = record(api, borough.parent1, bodies.teaching)

    assert answer.status_code == 403
    assert not Delivery.objects.exists()


def test_another_family_gets_404(borough, bodies, api):
    assert api.as_user(borough.parent2).get(f"/api/provision/{bodies.teaching.pk}/deliveries/").status_code == 404
    assert record(api, borough.parent2, bodies.teaching).status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"minutes": -5}, "minutes"),
        ({"on": "2026-08-28"}, "on"),  # before the item starts on 2 September
        ({"on": "2026-12-01"}, "on"),  # tomorrow
        ({"status": "postponed"}, "status"),
        ({"on": "not a date"}, "on"),
        ({"status": "missed"}, "reason"),  # a missed session needs a reason for the family
    ],
)
def test_bad_input_is_a_400_with_nothing_written(borough, bodies, api, body, field):
    answer = record(api, bodies.therapist, bodies.therapy, **body)

    assert answer.status_code == 400
    assert field in answer.json()
    assert not Delivery.objects.exists()


def test_the_same_day_twice_is_a_400(borough, bodies, api):
    record(api, bodies.therapist, bodies.therapy)
    answer = record(api, bodies.therapist, bodies.therapy, status="missed", reason="Therapist ill")

    assert answer.status_code == 400
    assert Delivery.objects.count() == 1


def test_the_family_sees_each_items_record_and_this_terms_count(borough, bodies, api):
    record(api, bodies.therapist, bodies.therapy, on="2026-11-16")
    record(api, bodies.therapist, bodies.therapy, on="2026-11-23", status="missed", reason="Therapist ill")

    items = {i["id"]: i for i in api.as_user(borough.parent1).get("/api/provision/").json()["results"]}
    # Autumn term from 2 September to today: weeks of 31 Aug to 19 Oct (8) and 2 to 30 November (5);
    # half term (w/c 26 October) owes nothing.
    assert items[bodies.therapy.pk]["delivery"] | {} == {
        "starts_on": "2026-09-02",
        "ends_on": "2026-11-30",
        "expected": 13,
        "delivered": 1,
        "missed": 1,
        "cancelled": 0,
        "make_up_owed": 12,
        "delivered_minutes": 60,
    }
    records = api.as_user(borough.parent1).get(f"/api/provision/{bodies.therapy.pk}/deliveries/").json()["results"]
    assert [(r["on"], r["status"], r["reason"]) for r in records] == [
        ("2026-11-23", "missed", "Therapist ill"),
        ("2026-11-16", "delivered", ""),
    ]


# --- the weekly register -----------------------------------------------------------------------


def entry(item, on, status="delivered", **more):
    return {"item": item.pk, "on": on, "status": status, **more}


def test_the_weekly_register_records_every_item_at_once(borough, bodies, api):
    answer = api.as_user(bodies.outreach_worker).post(
        "/api/provision/register/",
        {
            "entries": [
                entry(bodies.teaching, "2026-11-24"),
                entry(bodies.other_child_teaching, "2026-11-25", "cancelled", reason="Child ill"),
            ]
        },
        format="json",
    )

    assert answer.status_code == 201
    assert answer.json()["recorded"] == 2
    assert Delivery.objects.count() == 2


def test_one_bad_entry_refuses_the_whole_register_and_says_which(borough, bodies, api):
    answer = api.as_user(bodies.outreach_worker).post(
        "/api/provision/register/",
        {"entries": [entry(bodies.teaching, "2026-11-24"), entry(bodies.other_child_teaching, "2027-09-01")]},
        format="json",
    )

    assert answer.status_code == 400
    errors = answer.json()["entries"]
    assert errors[0] == {}
    assert "on" in errors[1]
    assert not Delivery.objects.exists()


def test_a_register_entry_for_another_providers_item_is_refused_without_saying_whose(borough, bodies, api):
    answer = api.as_user(bodies.outreach_worker).post(
        "/api/provision/register/",
        {"entries": [entry(bodies.teaching, "2026-11-24"), entry(bodies.therapy, "2026-11-24")]},
        format="json",
    )

    assert answer.status_code == 400
    assert answer.json()["entries"][1] == {"item": ["Choose one of your items."]}
    assert not Delivery.objects.exists()


# --- the family disputes a session --------------------------------------------------------------


def test_a_disputed_session_opens_a_concern_on_the_item_for_the_responsible_officer(borough, bodies, api):
    session = record(api, bodies.therapist, bodies.therapy).json()

    answer = api.as_user(borough.parent1).post(
        f"/api/provision/deliveries/{session['id']}/dispute/", {"text": "Nobody came that day."}, format="json"
    )

    assert answer.status_code == 201
    case = Case.objects.get(pk=answer.json()["id"])
    assert case.category_id == "provision_not_delivered"
    assert case.provision_item == bodies.therapy
    assert case.accountable_officer == bodies.dco_officer
    assert "Nobody came that day." in case.description
    assert api.as_user(bodies.dco_officer.user).get(f"/api/cases/{case.pk}/").status_code == 200
    records = api.as_user(borough.parent1).get(f"/api/provision/{bodies.therapy.pk}/deliveries/").json()["results"]
    assert records[0]["disputed"] is True
    assert records[0]["dispute_case"] == case.pk


def test_a_session_is_disputed_once_and_only_by_the_family(borough, bodies, api):
    session = record(api, bodies.therapist, bodies.therapy).json()
    url = f"/api/provision/deliveries/{session['id']}/dispute/"

    assert api.as_user(bodies.therapist).post(url, {"text": "x"}, format="json").status_code == 403
    assert api.as_user(borough.parent2).post(url, {"text": "x"}, format="json").status_code == 404
    assert api.as_user(borough.parent1).post(url, {"text": "Nobody came"}, format="json").status_code == 201
    assert api.as_user(borough.parent1).post(url, {"text": "Again"}, format="json").status_code == 409
    assert api.as_user(borough.parent1).post(url, {"text": ""}, format="json").status_code == 400
    assert Case.objects.count() == 1


def test_dates_are_checked_against_the_items_own_dates(borough, bodies, api):
    # The item ends on 21 July 2027; a session recorded on its first day is fine.
    assert record(api, bodies.therapist, bodies.therapy, on=str(date(2026, 9, 2))).status_code == 201


def test_the_register_asks_the_same_number_of_questions_however_many_items(borough, bodies, api):
    client = api.as_user(bodies.outreach_worker)
    with CaptureQueriesContext(connection) as one:
        client.post("/api/provision/register/", {"entries": [entry(bodies.teaching, "2026-11-16")]}, format="json")
    with CaptureQueriesContext(connection) as two:
        client.post(
            "/api/provision/register/",
            {"entries": [entry(bodies.teaching, "2026-11-23"), entry(bodies.other_child_teaching, "2026-11-23")]},
            format="json",
        )

    # The first also reads who the provider is; after that, a second item costs nothing more.
    assert len(two) <= len(one)
    assert Delivery.objects.count() == 3


def test_the_list_asks_the_same_number_of_questions_however_many_items_and_sessions(borough, bodies, api):
    director = borough.director.user
    with CaptureQueriesContext(connection) as few:
        api.as_user(bodies.therapist).get("/api/provision/")
    delivery_record(actor=bodies.therapist, item=bodies.therapy, on=date(2026, 11, 23), status="delivered")
    delivery_record(actor=director, item=bodies.teaching, on=date(2026, 11, 23), status="delivered")
    with CaptureQueriesContext(connection) as many:
        answer = api.as_user(director).get("/api/provision/")

    assert answer.json()["count"] == 5
    # The director's organisations take one more question than a provider's; items and sessions take none.
    assert len(many) <= len(few) + 1
