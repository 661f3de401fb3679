"""Who may read the reports, what each manager's reports cover, and what bad input gets."""

import pytest
from django.contrib.auth import get_user_model

from casework.services import case_log
from tests.escalations.conftest import at, uk
from tests.reports.test_reports import NOW, PERIOD, build_scenario, get_report


@pytest.fixture
def scenario(borough):
    """The hand-built borough of test_reports.py."""
    return build_scenario(borough)


REPORT_PATHS = [
    "/api/reports/sla/?group_by=category&from=2026-11-01&to=2026-12-31",
    "/api/reports/transition/?group_by=category&from=2026-11-01&to=2026-12-31",
    "/api/reports/accountability/",
    "/api/reports/age/",
    "/api/reports/escalations/?from=2026-11-01&to=2026-12-31",
    "/api/reports/provision/?from=2026-11-01&to=2026-12-31",
]


@pytest.fixture
def logged(borough):
    """One concern for SEND North and one for Transport."""
    with at(uk(2026, 11, 23, 9)):
        case_log(actor=borough.parent1, child_id=borough.child1.pk, category_slug="other", summary="S", description="D")
        case_log(actor=borough.parent2, child_id=borough.child2.pk, category_slug="transport", summary="S", description="D")


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_families_and_case_officers_are_refused_reports(api, borough, logged, path):
    assert api.as_user(borough.parent1).get(path).status_code == 403
    assert api.as_user(borough.officer1.user).get(path).status_code == 403
    assert api.as_user(borough.officer1.user).get(path + "&format=csv" if "?" in path else path + "?format=csv").json() == {
        "detail": "Reports are for managers."
    }


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_anyone_not_signed_in_gets_401(api, borough, path):
    assert api.get(path).status_code == 401


@pytest.mark.parametrize("path", REPORT_PATHS)
def test_a_superuser_with_no_officer_record_reads_every_report(api, borough, logged, path):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")

    with at(uk(2026, 11, 24, 12)):
        assert api.as_user(admin).get(path).status_code == 200


def test_a_team_manager_sees_only_their_own_teams_cases(api, scenario):
    north_manager = scenario.borough.north.manager.user

    sla = get_report(api, north_manager, "sla", group_by="team", **PERIOD)
    accountability = get_report(api, north_manager, "accountability")
    escalations = get_report(api, north_manager, "escalations", **PERIOD)
    age = get_report(api, north_manager, "age")

    assert [(row["label"], row["total"]) for row in sla["rows"]] == [("SEND North", 6)]
    assert sla["overall"]["total"] == 6
    assert [row["officer"]["display_name"] for row in accountability["rows"]] == ["Nell Carter", "Nia Ashby", "Noel Baker"]
    assert [team["team"]["name"] for team in accountability["teams"]] == ["SEND North"]
    assert [case["reference"] for case in accountability["most_owners"]] == ["SEND-2026-000005", "SEND-2026-000008"]
    # Nia's five and Noel's four: O, C, F and T2 are North's cases.
    assert escalations["overall"] == {"key": "all", "label": "All months", "total": 9, "by_level": {"1": 5, "2": 2, "3": 2}}
    assert age["overall"]["total"] == 6


def test_the_transport_manager_sees_the_transport_team_only(api, scenario):
    transport_manager = scenario.borough.transport.manager.user

    sla = get_report(api, transport_manager, "sla", group_by="officer", **PERIOD)

    assert [(row["label"], row["total"]) for row in sla["rows"]] == [("Tara Evans", 4)]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("", {"group_by"}),
        ("from=2026-11-01&to=2026-12-31", {"group_by"}),
        ("from=2026-11-31&to=2026-12-31&group_by=team", {"from"}),
        ("from=01/11/2026&to=2026-12-31&group_by=team", {"from"}),
        ("from=2026-12-01&to=2026-11-01&group_by=team", {"to"}),
        ("from=2026-11-01&to=2026-12-31&group_by=family", {"group_by"}),
        ("from=2026-11-01&to=2026-12-31&group_by=team&clock=chase", {"clock"}),
        ("from=2026-11-01&to=2026-12-31&group_by=team&format=xml", {"format"}),
    ],
)
def test_bad_report_queries_get_400_naming_each_wrong_field(api, borough, query, errors):
    response = api.as_user(borough.head_of_service.user).get(f"/api/reports/sla/?{query}")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == errors


PERIOD_REPORTS = [
    ("sla", {"group_by": "category"}),
    ("transition", {"group_by": "category"}),
    ("escalations", {}),
    ("provision", {}),
]


@pytest.mark.parametrize(("report", "params"), PERIOD_REPORTS, ids=[report for report, _params in PERIOD_REPORTS])
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_period_to_the_last_day_the_calendar_has_counts_everything_from_the_first_day(
    api, borough, logged, report, params, fmt
):
    head = borough.head_of_service.user
    path = f"/api/reports/{report}/"

    with at(uk(2026, 11, 24, 12)):
        open_ended = api.as_user(head).get(path, {**params, "from": "2026-11-01", "to": "9999-12-31", "format": fmt})
        far_ahead = api.as_user(head).get(path, {**params, "from": "2026-11-01", "to": "2999-12-31", "format": fmt})

    assert open_ended.status_code == 200, open_ended.content[:300]
    assert without_the_last_day(open_ended, fmt) == without_the_last_day(far_ahead, fmt)


def without_the_last_day(response, fmt):
    """The figures, leaving out the `to` date that the SLA reports say back in JSON."""
    if fmt == "csv":
        return response.content
    return {name: value for name, value in response.json().items() if name != "to"}


def test_a_bad_query_asking_for_csv_still_gets_its_errors_as_json(api, borough):
    response = api.as_user(borough.head_of_service.user).get("/api/reports/escalations/?format=csv&from=2026-11-01")

    assert response.status_code == 400
    assert response.json() == {"to": ["This field is required."]}


def test_an_empty_period_gives_no_rows_and_null_figures(api, borough, logged):
    with at(NOW):
        report = api.as_user(borough.head_of_service.user).get(
            "/api/reports/sla/", {"from": "2025-01-01", "to": "2025-01-31", "group_by": "category"}
        ).json()

    assert report["rows"] == []
    assert report["overall"]["total"] == 0
    assert report["overall"]["compliance"] is None
    assert report["overall"]["median_working_hours_to_resolve"] is None
