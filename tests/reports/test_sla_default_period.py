"""Without `from` and `to` the SLA report covers the last 12 months, in UK dates, and says so."""

import pytest

from tests.escalations.conftest import at, uk
from tests.reports.test_reports import NOW, build_scenario, get_report


@pytest.fixture
def scenario(borough):
    return build_scenario(borough)


def test_without_dates_the_sla_report_covers_the_twelve_months_ending_today(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="category")

    # Read at noon on Friday 18 December 2026: the 12 months are 19 December 2025 to 18 December 2026.
    assert (report["from"], report["to"]) == ("2025-12-19", "2026-12-18")
    # Every case of the hand-built borough was logged in those months, case O (29 October) included.
    assert report["overall"]["total"] == 11


def test_without_dates_the_figures_are_those_of_the_same_period_asked_for_by_date(api, scenario):
    defaulted = get_report(api, scenario.head, "sla", group_by="team")
    asked = get_report(api, scenario.head, "sla", group_by="team", **{"from": "2025-12-19", "to": "2026-12-18"})

    assert defaulted == asked


def test_the_period_asked_for_is_said_in_the_answer(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="month", **{"from": "2026-11-01", "to": "2026-11-30"})

    assert (report["from"], report["to"]) == ("2026-11-01", "2026-11-30")


def test_the_default_period_ends_on_todays_uk_date_not_utcs(api, borough):
    # 00:30 on 1 July 2026 in London is still 30 June in UTC.
    with at(uk(2026, 7, 1, 0, 30)):
        response = api.as_user(borough.head_of_service.user).get("/api/reports/sla/", {"group_by": "team"})

    assert response.status_code == 200
    assert (response.json()["from"], response.json()["to"]) == ("2025-07-02", "2026-07-01")


def test_only_a_to_date_gives_the_twelve_months_ending_on_it(api, borough):
    with at(NOW):
        response = api.as_user(borough.head_of_service.user).get(
            "/api/reports/sla/", {"group_by": "team", "to": "2024-02-29"}
        )

    assert response.status_code == 200
    assert (response.json()["from"], response.json()["to"]) == ("2023-03-01", "2024-02-29")


def test_only_a_from_date_runs_to_today(api, borough):
    with at(NOW):
        response = api.as_user(borough.head_of_service.user).get(
            "/api/reports/sla/", {"group_by": "team", "from": "2026-12-01"}
        )

    assert (response.json()["from"], response.json()["to"]) == ("2026-12-01", "2026-12-18")


def test_a_from_date_after_today_without_a_to_date_is_a_400_on_to(api, borough):
    with at(NOW):
        response = api.as_user(borough.head_of_service.user).get(
            "/api/reports/sla/", {"group_by": "team", "from": "2027-01-05"}
        )

    assert response.status_code == 400
    assert "to" in response.json()


def test_the_csv_without_dates_is_named_after_the_period_it_covers(api, scenario):
    with at(NOW):
        response = api.as_user(scenario.head).get("/api/reports/sla/", {"group_by": "team", "format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="sla-report-team-2025-12-19-2026-12-18.csv"'
