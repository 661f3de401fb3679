"""A wait on the family ends at its own end moment, however late the task that ends it runs.

The worked example of test_sla_pause_extend.py: logged Monday 23 November 2026 09:15, acknowledged,
waiting on the family from Thursday 26 November 12:00. The wait ends by itself ten working days
later, at 17:00 on Thursday 10 December: ten working days and five hours (85 working hours) of waiting,
so the respond date moves from Monday 7 December 17:00 to Tuesday 22 December 14:00 and the resolve date
from Monday 21 December 17:00 to Friday 8 January 2027 14:00, whenever the wait is found to be over.
"""

import pytest

from casework.models import Case
from casework.tasks import resume_expired_pauses
from core.time import describe_moment
from escalations.models import Clock, ClockKind, Pause

from .conftest import at, iso_utc, log_case, uk

WAIT_ENDS = uk(2026, 12, 10, 17)
# The task that ends waits did not run for weeks (beat was down), then ran on Monday 4 January 2027.
LATE = uk(2027, 1, 4, 10)


@pytest.fixture
def waiting_case(borough, api):
    case = log_case(borough, when=uk(2026, 11, 23, 9, 15))
    officer = case.accountable_officer.user
    with at(uk(2026, 11, 23, 11)):
        api.as_user(officer).post(f"/api/cases/{case.pk}/acknowledge/", {}, format="json")
    with at(uk(2026, 11, 26, 12)):
        api.as_user(officer).post(f"/api/cases/{case.pk}/await-parent/", {"note": "Please send the letter."},
                                  format="json")
    return case


def due(case, kind):
    return Clock.objects.get(case=case, kind=kind).due_at


@pytest.mark.parametrize("processed_at", [WAIT_ENDS, uk(2026, 12, 11, 9, 30), LATE])
def test_the_wait_ends_at_its_own_end_moment_whenever_it_is_processed(waiting_case, processed_at):
    with at(processed_at):
        assert resume_expired_pauses.delay().get() == 1

    pause = Pause.objects.get(case=waiting_case)
    assert pause.ended_at == WAIT_ENDS
    assert pause.working_seconds == 85 * 3600
    assert due(waiting_case, ClockKind.RESPOND) == uk(2026, 12, 22, 14)
    assert due(waiting_case, ClockKind.RESOLVE) == uk(2027, 1, 8, 14)
    assert Case.objects.get(pk=waiting_case.pk).status == Case.Status.IN_PROGRESS


def test_the_timeline_says_the_wait_ended_when_it_did_not_when_it_was_processed(borough, api, waiting_case):
    with at(LATE):
        resume_expired_pauses.delay().get()
        timeline = api.as_user(borough.parent1).get(f"/api/cases/{waiting_case.pk}/timeline/").json()["results"]

    resumed = timeline[-1]
    assert resumed["kind"] == "resumed"
    assert resumed["at"] == iso_utc(WAIT_ENDS)


def test_the_familys_page_gives_the_real_end_of_the_wait(borough, client, waiting_case):
    with at(LATE):
        resume_expired_pauses.delay().get()
        client.force_login(borough.parent1)
        page = client.get(f"/concerns/{waiting_case.pk}/").content.decode()

    assert describe_moment(WAIT_ENDS) in page  # 5pm on Thursday 10 December 2026
    assert describe_moment(LATE) not in page
    assert "Our dates are on hold" not in page


def test_an_officer_who_resumes_after_the_limit_before_the_task_runs_gets_the_same_dates(api, waiting_case):
    officer = waiting_case.accountable_officer.user
    with at(uk(2026, 12, 14, 11)):
        response = api.as_user(officer).post(f"/api/cases/{waiting_case.pk}/resume/", {}, format="json")

    assert response.status_code == 200, response.content
    assert Pause.objects.get(case=waiting_case).ended_at == WAIT_ENDS
    assert due(waiting_case, ClockKind.RESOLVE) == uk(2027, 1, 8, 14)
