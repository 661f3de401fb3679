"""Open data for the parent carer forum and the public: published only when a manager chooses,
with no personal data or free text, and small numbers hidden."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from casework.services import case_acknowledge, case_log, case_resolve
from escalations.models import OpenDataPublication
from tests.escalations.conftest import at, uk
from tests.factories import OrganisationFactory, TeamFactory
from tests.reports.test_reports import NOW, build_scenario


@pytest.fixture
def scenario(borough):
    """The hand-built borough of test_reports.py."""
    return build_scenario(borough)


JSON_URL = "/api/reports/open-data/sla.json"
CSV_URL = "/api/reports/open-data/sla.csv"
PUBLISH_URL = "/api/reports/open-data/publish/"


def publish(api, user, **body):
    return api.as_user(user).post(PUBLISH_URL, {"published": True, **body}, format="json")


def public_get(url, organisation, *, when=NOW, **headers):
    """A request from someone not signed in, as the public and the forum's tools make it."""
    with at(when):
        return APIClient().get(url, {"organisation": organisation.pk}, **headers)


# --- publishing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [JSON_URL, CSV_URL])
def test_open_data_answers_404_until_a_manager_publishes_it(api, borough, url):
    assert public_get(url, borough.organisation).status_code == 404

    response = publish(api, borough.head_of_service.user)

    assert response.status_code == 200
    assert public_get(url, borough.organisation).status_code == 200


def test_publishing_records_who_and_when_and_withdrawing_hides_the_data_again(api, borough):
    head = borough.head_of_service.user
    with at(uk(2026, 12, 1, 10)):
        published = publish(api, head).json()
    with at(uk(2026, 12, 2, 10)):
        withdrawn = api.as_user(head).post(PUBLISH_URL, {"published": False}, format="json").json()

    assert published == {
        "organisation": borough.organisation.pk,
        "published": True,
        "published_by": head.get_full_name(),
        "published_at": "2026-12-01T10:00:00Z",
    }
    assert withdrawn == {"organisation": borough.organisation.pk, "published": False, "published_by": None,
                         "published_at": None}
    assert public_get(JSON_URL, borough.organisation).status_code == 404
    history = OpenDataPublication.objects.get().history.order_by("history_date")
    assert [(row.published, row.history_user) for row in history] == [(True, head), (False, head)]


def test_the_admin_site_shows_who_published_but_cannot_publish_with_no_one_and_no_date(api, client, borough):
    administrator = get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password")
    client.force_login(administrator)
    publish(api, borough.head_of_service.user)
    publication = OpenDataPublication.objects.get()
    change = reverse("admin:escalations_opendatapublication_change", args=[publication.pk])

    listed = client.get(reverse("admin:escalations_opendatapublication_changelist"))
    added = client.post(
        reverse("admin:escalations_opendatapublication_add"), {"organisation": borough.organisation.pk, "published": "on"}
    )
    withdrawn = client.post(change, {"organisation": borough.organisation.pk})

    assert listed.status_code == 200 and borough.organisation.name in listed.content.decode()
    assert added.status_code == 403 and withdrawn.status_code == 403
    shown = public_get(JSON_URL, borough.organisation).json()
    assert shown["published_at"] is not None


def test_only_managers_may_publish(api, borough):
    assert publish(api, borough.parent1).status_code == 403
    assert publish(api, borough.officer1.user).status_code == 403
    assert api.as_user(None).post(PUBLISH_URL, {"published": True}, format="json").status_code == 401
    assert not OpenDataPublication.objects.exists()


def test_a_head_of_service_cannot_publish_another_councils_data(api, borough):
    other = OrganisationFactory(name="Elsewhere")

    response = publish(api, borough.head_of_service.user, organisation=other.pk)

    assert response.status_code == 400
    assert response.json() == {"organisation": ["Choose a council you direct or head a team of."]}
    assert public_get(JSON_URL, other).status_code == 404


def test_a_superuser_must_say_which_council_to_publish(api, borough):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    TeamFactory(organisation=OrganisationFactory(name="Elsewhere"))

    assert publish(api, admin).json() == {"organisation": ["Say which council's figures to publish."]}
    assert publish(api, admin, organisation=borough.organisation.pk).status_code == 200


def test_open_data_needs_a_council_and_ignores_a_bad_token(api, borough):
    publish(api, borough.head_of_service.user)

    assert APIClient().get(JSON_URL).json() == {"organisation": ["This field is required."]}
    assert public_get(JSON_URL, borough.organisation, HTTP_AUTHORIZATION="Token not-a-token").status_code == 200


# --- what is published ---------------------------------------------------------------------------------


@pytest.fixture
def small_council(api, borough):
    """Six 'something else' concerns on 2 November (five resolved next day) and one late transport concern."""
    officer = borough.officer1.user
    for number in range(6):
        with at(uk(2026, 11, 2, 9, number)):
            case = case_log(actor=borough.parent1, child_id=borough.child1.pk, category_slug="other",
                            summary="Summary", description="Description")
        if number < 5:
            with at(uk(2026, 11, 3, 10, number)):
                case_acknowledge(actor=officer, case=case)
                case_resolve(actor=officer, case=case, outcome="Fixed")
    with at(uk(2026, 11, 2, 10)):
        case_log(actor=borough.parent2, child_id=borough.child2.pk, category_slug="transport", summary="S",
                 description="D")
    publish(api, borough.head_of_service.user)
    return borough


NOVEMBER_20 = uk(2026, 11, 20, 12)


def test_open_data_hides_counts_from_1_to_4_and_the_compliance_they_feed(borough, small_council):
    body = public_get(JSON_URL, borough.organisation, when=NOVEMBER_20).json()

    assert body["organisation"] == {"id": borough.organisation.pk, "name": "Test Borough"}
    assert body["rows"] == [
        {"month": "2026-11", "category": "transport", "category_name": "Travel to school or college",
         "total": "fewer than 5", "met": "fewer than 5", "breached": "fewer than 5",
         "open_within": "fewer than 5", "open_breached": "fewer than 5", "compliance": None},
        {"month": "2026-11", "category": "other", "category_name": "Something else",
         "total": "withheld", "met": 5, "breached": 0, "open_within": "fewer than 5", "open_breached": 0,
         "compliance": 1.0},
    ]


def test_open_data_csv_has_the_same_rows_as_the_json(borough, small_council):
    body = public_get(JSON_URL, borough.organisation, when=NOVEMBER_20).json()
    response = public_get(CSV_URL, borough.organisation, when=NOVEMBER_20)

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="sla-open-data-{borough.organisation.pk}.csv"'
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert lines == [
        {name: "" if value is None else str(value) for name, value in row.items()} for row in body["rows"]
    ]


def test_open_data_holds_no_names_usernames_references_or_free_text(api, scenario):
    publish(api, scenario.head)
    cases = [scenario.case(key) for key in scenario.cases]
    people = [officer.user for officer in scenario.officers.values()] + [scenario.borough.parent1, scenario.borough.parent2]
    children = [scenario.borough.child1, scenario.borough.child2, scenario.child3]
    known = (
        [user.get_full_name() for user in people]
        + [user.username for user in people]
        + [child.display_name for child in children]
        + [case.reference for case in cases]
        + [case.summary for case in cases]
        + [case.description for case in cases]
        + [case.outcome for case in cases if case.outcome]
        + ["Speech and language therapy", "Community NHS Trust", "Riverside ICB", "therapist"]
    )

    json_body = public_get(JSON_URL, scenario.borough.organisation).content.decode("utf-8")
    csv_body = public_get(CSV_URL, scenario.borough.organisation).content.decode("utf-8")

    assert [text for text in known if text in json_body or text in csv_body] == []
    rows = public_get(JSON_URL, scenario.borough.organisation).json()["rows"]
    assert {key for row in rows for key in row} == {
        "month", "category", "category_name", "total", "met", "breached", "open_within", "open_breached", "compliance"
    }
    # Every group in the borough is small, so every non-zero count is hidden.
    assert {row[name] for row in rows for name in ("total", "met", "breached", "open_within", "open_breached")} <= {
        0, "fewer than 5", "withheld"
    }
