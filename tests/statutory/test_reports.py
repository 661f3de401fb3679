"""The timeliness report against a hand count (SEN2's way of counting), in JSON and CSV.

Three needs assessments, counted by hand:
- A: received Friday 18 December 2026, decision 20 January (on time), final plan Friday 7 May 2027:
  exactly 20 weeks (140 days), on time.
- B: received 18 December 2026, decision 5 February (late: due 29 January), exception under
  regulation 13(3)(c), final plan 21 May 2027: 22 weeks (154 days), late, but "with exceptions".
- C: received Monday 4 January 2027, decision 10 February (on time: due 15 February), final plan
  1 June 2027: 148 days, after its date (24 May), no exception.
For May and June 2027: 3 plans; 1 within 20 weeks (33.33%); 1 with an exception; excluding it,
1 of 2 within 20 weeks (50%); average (140 + 154 + 148) / 3 days = 21.0 weeks.
For January and February 2027: 3 decisions whether to assess, 2 within 6 weeks.
"""

import csv
import io
from datetime import date

import pytest

from statutory.services import exception_record, exception_withdraw, step_record
from tests.escalations.conftest import at, uk

from .conftest import start_assessment

MAY_JUNE = {"from": "2027-05-01", "to": "2027-06-30"}


def done(process, key, day):
    with at(uk(day.year, day.month, day.day, 16)):
        step_record(actor=process.coordinator.user, process=process, key=key, done_on=day)


@pytest.fixture
def assessments(borough):
    a = start_assessment(borough)
    b = start_assessment(borough, child=borough.child2)
    c = start_assessment(borough, on=date(2027, 1, 4))
    done(a, "decision_to_assess", date(2027, 1, 20))
    done(b, "decision_to_assess", date(2027, 2, 5))
    done(c, "decision_to_assess", date(2027, 2, 10))
    with at(uk(2027, 3, 1, 12)):
        exception_record(actor=b.coordinator.user, process=b, regulation="13(3)(c)",
                         reason="Bea was in hospital for six weeks.", starts_on=date(2027, 2, 15))
    done(a, "final_plan", date(2027, 5, 7))
    done(b, "final_plan", date(2027, 5, 21))
    done(c, "final_plan", date(2027, 6, 1))
    return a, b, c


def report(api, user, **params):
    return api.as_user(user).get("/api/statutory/reports/timeliness/", params)


def test_the_new_plans_figures_equal_the_hand_count(borough, api, assessments):
    with at(uk(2027, 7, 1, 12)):
        response = report(api, borough.north.manager.user, **MAY_JUNE, group_by="council")
    assert response.status_code == 200, response.content
    (row,) = response.json()["rows"]
    assert row["label"] == "Test Borough"
    assert row["plans_issued"] == 3
    assert row["plans_within_20_weeks"] == 1
    assert row["plans_with_exceptions"] == 1
    assert row["plans_within_20_weeks_excluding_exceptions"] == 1
    assert row["percent_within_20_weeks"] == pytest.approx(1 / 3, abs=1e-4)
    assert row["percent_within_20_weeks_excluding_exceptions"] == 0.5
    assert row["average_weeks_to_issue"] == 21.0


def test_decisions_to_assess_within_6_weeks_equal_the_hand_count(borough, api, assessments):
    with at(uk(2027, 7, 1, 12)):
        (row,) = report(api, borough.north.manager.user, **{"from": "2027-01-01", "to": "2027-02-28"}).json()["rows"]
    assert (row["decisions_to_assess"], row["decisions_within_6_weeks"]) == (3, 2)
    assert row["plans_issued"] == 0 and row["percent_within_20_weeks"] is None


def test_by_month_each_plan_counts_in_the_month_it_was_issued(borough, api, assessments):
    with at(uk(2027, 7, 1, 12)):
        rows = report(api, borough.north.manager.user, **MAY_JUNE, group_by="month").json()["rows"]
    assert {row["label"]: row["plans_issued"] for row in rows} == {"May 2027": 2, "June 2027": 1}


def test_the_csv_has_the_same_figures(borough, api, assessments):
    with at(uk(2027, 7, 1, 12)):
        response = report(api, borough.north.manager.user, **MAY_JUNE, format="csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    (row,) = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert (row["plans_issued"], row["plans_within_20_weeks"], row["plans_with_exceptions"]) == ("3", "1", "1")
    assert row["percent_within_20_weeks_excluding_exceptions"] == "0.5"
    assert row["average_weeks_to_issue"] == "21.0"


def test_open_data_hides_small_numbers(borough, api, assessments):
    with at(uk(2027, 7, 1, 12)):
        (row,) = report(api, borough.north.manager.user, **MAY_JUNE, open_data="true").json()["rows"]
    assert row["plans_issued"] == "c"
    assert row["percent_within_20_weeks"] == "c"
    assert row["reviews_due"] == 0


def test_removing_the_exception_counts_the_late_plan_without_exceptions(borough, api, assessments):
    _a, b, _c = assessments
    with at(uk(2027, 7, 1, 12)):
        exception_withdraw(actor=b.coordinator.user, exception=b.exceptions.get())
        (row,) = report(api, borough.north.manager.user, **MAY_JUNE).json()["rows"]
    assert row["plans_with_exceptions"] == 0
    assert row["percent_within_20_weeks_excluding_exceptions"] == pytest.approx(1 / 3, abs=1e-4)


def test_only_managers_see_the_report_and_bad_input_is_a_400(borough, api):
    assert report(api, borough.officer1.user, **MAY_JUNE).status_code == 403
    assert report(api, borough.parent1, **MAY_JUNE).status_code == 403
    manager = borough.north.manager.user
    assert report(api, manager, **{"from": "2027-06-30", "to": "2027-05-01"}).status_code == 400
    assert report(api, manager, **MAY_JUNE, group_by="planet").status_code == 400
    assert report(api, manager, **MAY_JUNE, format="pdf").status_code == 400
    assert report(api, manager, to="2027-05-01").status_code == 400
