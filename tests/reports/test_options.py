"""An OPTIONS request on a report that can answer CSV describes it, as on every other endpoint."""

import pytest
from rest_framework.test import APIClient

CSV_REPORTS = [
    "/api/reports/sla/",
    "/api/reports/transition/",
    "/api/reports/accountability/",
    "/api/reports/age/",
    "/api/reports/escalations/",
    "/api/reports/provision/",
    "/api/reports/open-data/sla.json",
    "/api/reports/open-data/sla.csv",
]


@pytest.mark.parametrize("url", CSV_REPORTS)
def test_options_on_a_report_describes_it_as_json_for_a_manager(api, borough, url):
    response = api.as_user(borough.head_of_service.user).options(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["name"]


@pytest.mark.parametrize("url", CSV_REPORTS)
def test_options_on_a_report_answers_without_a_server_error_when_not_signed_in(db, url):
    response = APIClient().options(url)

    assert response.status_code in (200, 401)
    assert response["Content-Type"].startswith("application/json")


def test_options_asking_for_csv_still_answers_json(api, borough):
    response = api.as_user(borough.head_of_service.user).options("/api/reports/sla/?format=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")


def test_options_accepting_only_csv_still_answers_json(api, borough):
    response = api.as_user(borough.head_of_service.user).options("/api/reports/age/", HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
