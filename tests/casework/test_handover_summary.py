"""The handover summary, and accountability on the case: its officers and how long the family waited after each
handover (DESIGN.md "Staff change")."""

from datetime import timedelta

import pytest

from casework.models import CaseEvent, CaseMessage
from tests.casework.staffing_helpers import LOGGED_AT, NOTE, case_officers, log
from tests.escalations.conftest import at, iso_utc, log_case, uk
from tests.factories import OfficerFactory


def hand_over(api, manager, case, officer, when, note=NOTE):
    with at(when):
        response = api.as_user(manager.user).post(
            f"/api/cases/{case.pk}/reassign/",
            {"officer": officer.pk, "note": note},
            format="json",
        )
    assert response.status_code == 200, response.content


def say(api, user, case, text, when, internal=False):
    with at(when):
        response = api.as_user(user).post(
            f"/api/cases/{case.pk}/messages/",
            {"text": text, "internal": internal},
            format="json",
        )
    assert response.status_code == 201, response.content


FIRST_HANDOVER_AT = uk(2026, 11, 23, 14, 0)
SECOND_HANDOVER_AT = uk(2026, 11, 25, 10, 0)


@pytest.fixture
def handed_over_twice(borough, api):
    """A case for child1 (with its EHCP provision item), messages and a note, handed over twice; and another case of the child."""
    manager = borough.north.manager
    case = log_case(borough, when=LOGGED_AT)  # provision_not_delivered, provision1
    first = case.accountable_officer
    other = log(borough, category="placement", when=LOGGED_AT + timedelta(minutes=5))
    second = next(o for o in case_officers(borough.north) if o.pk != first.pk)
    third = OfficerFactory(team=borough.north)
    say(
        api,
        borough.parent1,
        case,
        "Is anyone looking at this?",
        LOGGED_AT + timedelta(minutes=30),
    )
    say(
        api,
        first.user,
        case,
        "Yes: I have asked the therapy service.",
        LOGGED_AT + timedelta(minutes=45),
    )
    say(
        api,
        first.user,
        case,
        "Therapist off sick until January.",
        LOGGED_AT + timedelta(minutes=50),
        internal=True,
    )
    hand_over(api, manager, case, second, FIRST_HANDOVER_AT)
    hand_over(api, manager, case, third, SECOND_HANDOVER_AT)
    return case, other, (first, second, third)


def test_the_handover_summary_gives_staff_the_whole_story_in_one_place(
    borough, api, handed_over_twice
):
    case, other, (first, second, third) = handed_over_twice

    response = api.as_user(third.user).get(f"/api/cases/{case.pk}/handover/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["case"]["id"] == case.pk
        and body["case"]["accountable_officer"]["id"] == third.pk
    )
    assert body["child"]["id"] == borough.child1.pk
    assert body["child"]["display_name"] == borough.child1.display_name
    assert [item["id"] for item in body["child"]["ehcp"]["provision_items"]] == [
        borough.provision1.pk
    ]
    assert body["provision_item"]["id"] == borough.provision1.pk
    assert body["provision_item"]["description"] == borough.provision1.description
    # Every message, the internal note included.
    assert [(m["text"], m["internal"]) for m in body["messages"]] == [
        ("Is anyone looking at this?", False),
        ("Yes: I have asked the therapy service.", False),
        ("Therapist off sick until January.", True),
    ]
    assert len(body["messages"]) == CaseMessage.objects.filter(case=case).count()
    # The whole timeline, staff-only events included.
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds == list(
        CaseEvent.objects.filter(case=case)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds[0] == "logged" and kinds.count("reassigned") == 2 and "note" in kinds
    assert any(NOTE in e["text"] for e in body["timeline"] if e["internal"])
    # Every named officer, with when each held the case.
    owners = body["owners"]
    assert [o["officer"]["id"] for o in owners] == [first.pk, second.pk, third.pk]
    assert [o["since"] for o in owners] == [
        iso_utc(LOGGED_AT),
        iso_utc(FIRST_HANDOVER_AT),
        iso_utc(SECOND_HANDOVER_AT),
    ]
    assert [o["until"] for o in owners] == [
        iso_utc(FIRST_HANDOVER_AT),
        iso_utc(SECOND_HANDOVER_AT),
        None,
    ]
    # The child's other cases.
    assert [(c["id"], c["reference"]) for c in body["other_cases"]] == [
        (other.pk, other.reference)
    ]
    assert (
        body["other_cases"][0]["accountable_officer"]
        == other.accountable_officer.display_name
    )


def test_the_handover_summary_is_for_staff_and_only_those_who_can_see_the_case(
    borough, api, handed_over_twice
):
    case, _other, _officers = handed_over_twice

    assert (
        api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/handover/").status_code
        == 403
    )
    assert (
        api.as_user(borough.parent2).get(f"/api/cases/{case.pk}/handover/").status_code
        == 404
    )
    assert (
        api.as_user(borough.officer2.user)
        .get(f"/api/cases/{case.pk}/handover/")
        .status_code
        == 404
    )
    assert (
        api.as_user(borough.north.manager.user)
        .get(f"/api/cases/{case.pk}/handover/")
        .status_code
        == 200
    )


def test_the_handover_summary_lists_only_the_childs_cases_the_reader_may_open(borough, api, handed_over_twice):
    case, other, (_first, _second, third) = handed_over_twice
    transport_case = log(borough, category="transport", when=LOGGED_AT + timedelta(minutes=10))
    assert transport_case.team_id == borough.transport.pk

    for_north = api.as_user(third.user).get(f"/api/cases/{case.pk}/handover/").json()
    for_transport = api.as_user(transport_case.accountable_officer.user).get(
        f"/api/cases/{transport_case.pk}/handover/"
    ).json()
    for_head = api.as_user(borough.head_of_service.user).get(f"/api/cases/{case.pk}/handover/").json()

    assert [c["id"] for c in for_north["other_cases"]] == [other.pk]
    assert for_transport["other_cases"] == []
    assert [c["id"] for c in for_head["other_cases"]] == [transport_case.pk, other.pk]


# --- accountability on the case ----------------------------------------------------------------


def test_the_case_counts_its_officers_and_how_long_the_family_waited_after_each_handover(
    borough, api
):
    manager = borough.north.manager
    case = log(borough, when=uk(2026, 11, 23, 9, 30))
    first = case.accountable_officer
    second = next(o for o in case_officers(borough.north) if o.pk != first.pk)
    third = OfficerFactory(team=borough.north)

    def accountability():
        response = api.as_user(manager.user).get(f"/api/cases/{case.pk}/")
        assert response.status_code == 200, response.content
        return response.json()["accountability"]

    assert accountability() == {"officers": 1, "handovers": []}

    hand_over(api, manager, case, second, uk(2026, 11, 23, 10, 0))
    found = accountability()
    assert found["officers"] == 2
    assert len(found["handovers"]) == 1
    assert found["handovers"][0]["from_officer"]["id"] == first.pk
    assert found["handovers"][0]["to_officer"]["id"] == second.pk
    assert found["handovers"][0]["at"] == iso_utc(uk(2026, 11, 23, 10, 0))
    assert found["handovers"][0]["first_contact_at"] is None
    assert found["handovers"][0]["working_hours_to_first_contact"] is None

    # Someone else writing to the family, or the new officer writing a staff note, is not the new officer's contact.
    say(
        api,
        manager.user,
        case,
        "Your new officer will be in touch.",
        uk(2026, 11, 23, 12, 0),
    )
    say(
        api, second.user, case, "Read the file.", uk(2026, 11, 23, 15, 0), internal=True
    )
    assert accountability()["handovers"][0]["first_contact_at"] is None

    # Monday 10:00 to Tuesday 11:30: 7 working hours on Monday, 2.5 on Tuesday.
    say(
        api,
        second.user,
        case,
        "Hello, I am your new officer.",
        uk(2026, 11, 24, 11, 30),
    )
    found = accountability()
    assert found["handovers"][0]["first_contact_at"] == iso_utc(
        uk(2026, 11, 24, 11, 30)
    )
    assert found["handovers"][0]["working_hours_to_first_contact"] == 9.5

    hand_over(api, manager, case, third, uk(2026, 11, 25, 10, 0))
    found = accountability()
    assert found["officers"] == 3
    assert [
        (h["from_officer"]["id"], h["to_officer"]["id"]) for h in found["handovers"]
    ] == [
        (first.pk, second.pk),
        (second.pk, third.pk),
    ]
    assert found["handovers"][0]["first_contact_at"] == iso_utc(
        uk(2026, 11, 24, 11, 30)
    )
    assert found["handovers"][1]["first_contact_at"] is None

    # Wednesday 10:00 to Friday 14:00: 7 + 8 + 5 working hours.
    say(api, third.user, case, "Hello, I have taken over.", uk(2026, 11, 27, 14, 0))
    found = accountability()
    assert found["officers"] == 3
    assert found["handovers"][1]["first_contact_at"] == iso_utc(uk(2026, 11, 27, 14, 0))
    assert found["handovers"][1]["working_hours_to_first_contact"] == 20.0
    # The family sees the same count on their case.
    assert (
        api.as_user(borough.parent1)
        .get(f"/api/cases/{case.pk}/")
        .json()["accountability"]["officers"]
        == 3
    )
