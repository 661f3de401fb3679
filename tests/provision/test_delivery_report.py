"""The delivery report equals a count by hand of a small fixture, and is for managers only.

Recorded in November 2026 (the sweep then runs on Monday 30th):
- speech and language therapy (section G, the ICB answers, the NHS trust delivers, 60 minutes planned):
  delivered on 16th (45 minutes), missed on 23rd;
- child 1's specialist teaching (F, the council, outreach, 60 minutes): delivered 16th and 23rd (the plan's
  60 minutes each), called off on 25th;
- child 2's specialist teaching (F, the council, outreach): nothing.
By hand: the gap sweep finds three shortfalls over the four weeks to 29 November: therapy 1 of 4 delivered,
child 1's teaching 2 of the 3 still owed once one was called off, child 2's nothing recorded.
"""

from datetime import date

import pytest
from django.urls import reverse

from provision import services
from provision.gaps import provision_gap_sweep
from tests.escalations.conftest import at, uk

NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


@pytest.fixture
def november(borough, bodies):
    with at(uk(2026, 11, 30, 10)):
        record = services.delivery_record
        record(actor=bodies.therapist, item=bodies.therapy, on=date(2026, 11, 16), status="delivered", minutes=45)
        record(actor=bodies.therapist, item=bodies.therapy, on=date(2026, 11, 23), status="missed", reason="Ill")
        for day in (16, 23):
            record(actor=bodies.outreach_worker, item=bodies.teaching, on=date(2026, 11, day), status="delivered")
        record(
            actor=bodies.outreach_worker,
            item=bodies.teaching,
            on=date(2026, 11, 25),
            status="cancelled",
            reason="Child ill",
        )
        assert provision_gap_sweep() == 3
    return bodies


def report(api, user, **params):
    return api.as_user(user).get("/api/reports/delivery/", {**NOVEMBER, **params})


def figures(row):
    return {
        k: row[k]
        for k in (
            "items",
            "items_with_nothing_recorded",
            "delivered",
            "missed",
            "cancelled",
            "delivery_rate",
            "hours_delivered",
            "hours_owed",
            "gap_concerns",
        )
    }


def test_by_provider_it_equals_the_hand_count(borough, november, api):
    rows = {row["label"]: figures(row) for row in report(api, borough.head_of_service.user).json()["rows"]}

    assert rows == {
        "Community NHS Trust": {
            "items": 1,
            "items_with_nothing_recorded": 0,
            "delivered": 1,
            "missed": 1,
            "cancelled": 0,
            "delivery_rate": 0.5,
            "hours_delivered": 0.75,
            "hours_owed": 1.0,
            "gap_concerns": 1,
        },
        "Early Years Outreach": {
            "items": 2,
            "items_with_nothing_recorded": 1,
            "delivered": 2,
            "missed": 0,
            "cancelled": 1,
            "delivery_rate": 1.0,
            "hours_delivered": 2.0,
            "hours_owed": 0.0,
            "gap_concerns": 2,
        },
    }


def test_by_section_and_by_month(borough, november, api):
    by_section = {
        row["key"]: row for row in report(api, borough.head_of_service.user, group_by="section").json()["rows"]
    }
    assert (by_section["G"]["delivered"], by_section["G"]["missed"]) == (1, 1)
    assert (by_section["F"]["delivered"], by_section["F"]["cancelled"], by_section["F"]["items"]) == (2, 1, 2)

    (month,) = report(api, borough.head_of_service.user, group_by="month").json()["rows"]
    assert (month["key"], month["label"]) == ("2026-11", "November 2026")
    assert (month["delivered"], month["missed"], month["cancelled"], month["gap_concerns"]) == (3, 1, 1, 3)


def test_the_icbs_manager_sees_only_what_the_icb_answers_for(borough, november, api):
    rows = report(api, november.dco_team.manager.user, group_by="responsible_body").json()["rows"]

    assert [(row["label"], row["delivered"]) for row in rows] == [("Test Integrated Care Board", 1)]


def test_csv_has_a_line_a_group(borough, november, api):
    answer = report(api, borough.head_of_service.user, format="csv")

    assert answer["Content-Type"].startswith("text/csv")
    lines = answer.content.decode().splitlines()
    assert lines[0].startswith("key,label,items,items_with_nothing_recorded,delivered")
    assert len(lines) == 3


def test_officers_and_providers_cannot_read_it(borough, november, api):
    assert report(api, borough.officer1.user).status_code == 403
    assert report(api, november.therapist).status_code == 403


def test_the_managers_dashboard_shows_this_months_delivery_by_provider(borough, november, client):
    client.force_login(borough.head_of_service.user)
    with at(uk(2026, 11, 30, 12)):
        page = client.get(reverse("manager-dashboard"))

    text = page.content.decode()
    assert page.status_code == 200
    assert "Provision delivered this month, by provider" in text
    assert "Early Years Outreach" in text and "/api/reports/delivery/" in text


def test_the_published_open_data_counts_sessions_by_month_and_section_and_hides_small_numbers(borough, november, api):
    with at(uk(2026, 11, 30, 10)):
        for day in (7, 14, 21, 28, 30):
            services.delivery_record(
                actor=november.outreach_worker, item=november.teaching, on=date(2026, 9, day), status="delivered"
            )
    council = borough.organisation.pk
    assert api.get("/api/reports/open-data/delivery.json", {"organisation": council}).status_code == 404
    api.as_user(borough.head_of_service.user).post("/api/reports/open-data/publish/", {"published": True})
    api.force_authenticate(None)

    rows = api.get("/api/reports/open-data/delivery.json", {"organisation": council}).json()["rows"]

    assert rows == [
        {"month": "2026-09", "section": "F", "delivered": 5, "missed": 0, "cancelled": 0, "delivery_rate": 1.0},
        {
            "month": "2026-11",
            "section": "F",
            "delivered": "fewer than 5",
            "missed": 0,
            "cancelled": "fewer than 5",
            "delivery_rate": None,
        },
        {
            "month": "2026-11",
            "section": "G",
            "delivered": "fewer than 5",
            "missed": "fewer than 5",
            "cancelled": 0,
            "delivery_rate": None,
        },
    ]
    csv = api.get("/api/reports/open-data/delivery.csv", {"organisation": council}).content.decode()
    assert csv.splitlines()[0] == "month,section,delivered,missed,cancelled,delivery_rate"
