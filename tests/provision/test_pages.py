"""The provision pages: what each person sees, recording a session, the register and a family's dispute."""

from datetime import date

import pytest
from django.test import Client

from casework.models import Case
from provision.models import Delivery
from provision.services import delivery_record
from tests.escalations.conftest import at, uk

TODAY = uk(2026, 11, 30, 10)


@pytest.fixture(autouse=True)
def monday_30_november():
    with at(TODAY):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_family_sees_each_items_duty_and_this_terms_count(borough, bodies):
    page = signed_in(borough.parent1).get("/provision/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Test Integrated Care Board must arrange this health care" in text
    assert "Sessions due since 2 September" in text
    assert "Specialist teaching" in text and borough.child2.display_name not in text


def test_an_item_without_its_amount_shows_the_gap_to_staff(borough, bodies):
    page = signed_in(borough.officer1.user).get(f"/provision/{borough.provision1.pk}/")

    assert page.status_code == 200
    assert "have not been recorded yet" in page.content.decode()


def test_a_provider_records_a_session_on_the_items_page(borough, bodies):
    client = signed_in(bodies.therapist)

    page = client.post(f"/provision/{bodies.therapy.pk}/", {"on": "23/11/2026", "status": "delivered"})

    assert page.status_code == 302
    assert Delivery.objects.get().on == date(2026, 11, 23)


def test_a_missed_session_without_a_reason_is_refused_on_the_page(borough, bodies):
    page = signed_in(bodies.therapist).post(
        f"/provision/{bodies.therapy.pk}/", {"on": "23/11/2026", "status": "missed"}
    )

    assert page.status_code == 400
    assert "Say why the session did not happen" in page.content.decode()
    assert not Delivery.objects.exists()


def test_a_provider_gets_404_for_another_providers_item_page(borough, bodies):
    assert signed_in(bodies.therapist).get(f"/provision/{bodies.teaching.pk}/").status_code == 404


def test_the_register_records_the_week_for_every_item(borough, bodies):
    client = signed_in(bodies.outreach_worker)
    teaching, other = bodies.teaching.pk, bodies.other_child_teaching.pk

    page = client.get("/provision/register/?week=2026-11-23")
    assert page.status_code == 200 and "Register for the week of Monday 23 November 2026" in page.content.decode()
    page = client.post(
        "/provision/register/?week=2026-11-23",
        {
            f"status-{teaching}": "delivered",
            f"on-{teaching}": "2026-11-24",
            f"status-{other}": "missed",
            f"on-{other}": "2026-11-25",
            f"reason-{other}": "Teacher ill",
        },
    )

    assert page.status_code == 302
    assert Delivery.objects.count() == 2


def test_a_register_with_one_bad_row_records_nothing_and_says_which(borough, bodies):
    client = signed_in(bodies.outreach_worker)
    teaching, other = bodies.teaching.pk, bodies.other_child_teaching.pk

    page = client.post(
        "/provision/register/?week=2026-11-23",
        {
            f"status-{teaching}": "delivered",
            f"on-{teaching}": "2026-11-24",
            f"status-{other}": "missed",
            f"on-{other}": "2026-11-25",
        },
    )

    assert page.status_code == 400
    assert "Say why the session did not happen" in page.content.decode()
    assert not Delivery.objects.exists()


def test_a_family_cannot_open_the_register(borough, bodies):
    assert signed_in(borough.parent1).get("/provision/register/").status_code == 403


def test_a_family_says_a_session_did_not_happen_and_a_concern_is_raised(borough, bodies):
    session = delivery_record(actor=bodies.therapist, item=bodies.therapy, on=date(2026, 11, 23), status="delivered")
    client = signed_in(borough.parent1)

    assert "This did not happen" in client.get(f"/provision/{bodies.therapy.pk}/").content.decode()
    page = client.post(f"/provision/sessions/{session.pk}/not-delivered/", {"text": "Nobody came."})

    case = Case.objects.get()
    assert page.status_code == 302 and page["Location"] == f"/cases/{case.pk}/"
    assert case.accountable_officer == bodies.dco_officer


def test_the_register_is_for_providers_and_a_councils_officer_is_refused(borough, bodies):
    assert signed_in(borough.officer1.user).get("/provision/register/").status_code == 403


def test_only_staff_of_the_responsible_body_set_the_plans_amount(borough, bodies, api):
    body = {
        "responsible_body": bodies.icb.pk,
        "sessions": 2,
        "per": "week",
        "term_time_only": True,
        "starts_on": "2026-09-02",
    }

    assert (
        api.as_user(bodies.therapist)
        .put(f"/api/provision/{bodies.therapy.pk}/obligation/", body, format="json")
        .status_code
        == 403
    )
    assert (
        api.as_user(borough.officer1.user)
        .put(f"/api/provision/{bodies.therapy.pk}/obligation/", body, format="json")
        .status_code
        == 403
    )
    answer = api.as_user(bodies.dco_officer.user).put(
        f"/api/provision/{bodies.therapy.pk}/obligation/", body, format="json"
    )
    assert answer.status_code == 200
    assert answer.json()["amount"]["sessions"] == 2


def test_staff_fill_in_an_items_amount_and_a_wrong_body_is_refused_in_words(borough, bodies):
    client = signed_in(borough.officer1.user)
    item = borough.provision1
    form = {
        "responsible_body": bodies.icb.pk,
        "sessions": "1",
        "per": "week",
        "minutes": "60",
        "term_time_only": "on",
        "starts_on": "2/9/2026",
    }

    assert "Record the plan's amount and dates" in client.get(f"/provision/{item.pk}/").content.decode()
    refused = client.post(f"/provision/{item.pk}/amount/", form)
    assert refused.status_code == 400
    assert "makes section F provision the duty of the council. Choose the council, not Test Integrated" in (
        refused.content.decode()
    )

    saved = client.post(f"/provision/{item.pk}/amount/", {**form, "responsible_body": borough.organisation.pk})
    assert saved.status_code == 302
    item.refresh_from_db()
    assert item.is_structured and item.starts_on == date(2026, 9, 2)
    assert signed_in(bodies.therapist).get(f"/provision/{item.pk}/amount/").status_code == 404
