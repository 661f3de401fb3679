"""What a family sees of the clocks (`sla` on the case), chasing a late case, and the breached filter.

The case is provision not delivered, logged on Monday 23 November 2026 at 09:15: acknowledge
by Wednesday 25 November 17:00, respond by Monday 7 December, resolve by Monday 21 December.
"""

import pytest

from casework.models import CaseEvent
from escalations.models import Alert, Clock, ClockKind

from .conftest import at, events, iso_utc, log_case, outbox, sweep, uk

LOGGED = uk(2026, 11, 23, 9, 15)
ACKNOWLEDGE_DUE = uk(2026, 11, 25, 17)
# The first breach (Wednesday 25 November 17:00) + 5 working days.
LEVEL_TWO_AT = uk(2026, 12, 2, 17)


@pytest.fixture
def case(borough):
    return log_case(borough, when=LOGGED)


def get_case(api, user, case, *, when):
    with at(when):
        response = api.as_user(user).get(f"/api/cases/{case.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def chase(api, user, case, *, when, note=""):
    with at(when):
        return api.as_user(user).post(f"/api/cases/{case.pk}/chase/", {"note": note}, format="json")


# --- the sla block ---------------------------------------------------------------------------


def test_the_family_sees_due_dates_and_who_the_case_goes_to_next_if_nothing_happens(borough, api, case):
    manager = borough.north.manager

    sla = get_case(api, borough.parent1, case, when=uk(2026, 11, 23, 10))["sla"]

    assert sla["acknowledge_due"] == "2026-11-25T17:00:00Z"
    assert sla["respond_due"] == "2026-12-07T17:00:00Z"
    assert sla["resolve_due"] == "2026-12-21T17:00:00Z"
    assert sla["paused"] is False
    assert sla["breached"] == []
    assert sla["next_escalation"] == {
        "level": 1,
        "role": "team manager",
        "display_name": manager.display_name,
        "at": "2026-11-25T17:00:00Z",
    }


def test_after_a_breach_is_swept_the_family_sees_it_and_the_head_of_service_is_next(borough, api, case):
    sweep(uk(2026, 11, 25, 17, 1))

    body = get_case(api, borough.parent1, case, when=uk(2026, 11, 26, 10))

    assert body["sla"]["breached"] == ["acknowledge"]
    assert body["escalation_level"] == 1
    assert body["sla"]["next_escalation"] == {
        "level": 2,
        "role": "head of service",
        "display_name": borough.head_of_service.display_name,
        "at": iso_utc(LEVEL_TWO_AT),
    }


def test_a_breach_shows_to_the_family_even_before_the_sweep_runs(borough, api, case):
    body = get_case(api, borough.parent1, case, when=uk(2026, 11, 25, 17, 1))

    assert body["sla"]["breached"] == ["acknowledge"]


def test_a_resolved_case_has_no_next_escalation(borough, api, case):
    officer = case.accountable_officer.user
    sweep(uk(2026, 11, 25, 17, 1))
    with at(uk(2026, 11, 26, 10)):
        assert api.as_user(officer).post(f"/api/cases/{case.pk}/acknowledge/", {}, format="json").status_code == 200
        response = api.as_user(officer).post(
            f"/api/cases/{case.pk}/resolve/", {"outcome": "Therapy sessions restarted."}, format="json"
        )
    assert response.status_code == 200, response.content

    body = get_case(api, borough.parent1, case, when=uk(2026, 11, 26, 11))

    assert body["status"] == "resolved"
    assert body["sla"]["next_escalation"] is None
    # What was missed stays on the record.
    assert body["sla"]["breached"] == ["acknowledge"]



def test_a_safeguarding_case_shows_the_family_when_the_head_of_service_would_be_told_not_a_date_that_moves(
    borough, api
):
    # The team manager was told when it was logged; the head of service follows 5 working days after the
    # first date missed, if one is: the respond date, Tuesday 24 November 17:00, once acknowledged.
    case = log_case(borough, when=uk(2026, 11, 23, 10), category="other", safeguarding=True)
    with at(uk(2026, 11, 23, 10, 30)):
        acknowledged = api.as_user(case.accountable_officer.user).post(
            f"/api/cases/{case.pk}/acknowledge/", {}, format="json"
        )
    assert acknowledged.status_code == 200, acknowledged.content
    expected = {
        "level": 2,
        "role": "head of service",
        "display_name": borough.head_of_service.display_name,
        "at": iso_utc(uk(2026, 12, 1, 17)),
    }

    assert get_case(api, borough.parent1, case, when=uk(2026, 11, 23, 11))["sla"]["next_escalation"] == expected
    assert get_case(api, borough.parent1, case, when=uk(2026, 11, 24, 16))["sla"]["next_escalation"] == expected

# --- chasing ----------------------------------------------------------------------------------


def test_a_family_cannot_chase_before_any_date_has_passed(borough, api, case):
    response = chase(api, borough.parent1, case, when=uk(2026, 11, 25, 16, 59))

    assert response.status_code == 409
    assert "detail" in response.json()
    assert not Clock.objects.filter(case=case, kind=ClockKind.CHASE).exists()
    assert not events(case, CaseEvent.Kind.CHASED).exists()
    assert not outbox(borough.north.manager.user, "manager_chased").exists()


def test_a_family_chases_a_late_case_and_the_team_manager_must_reply_within_two_working_days(borough, api, case):
    sweep(uk(2026, 11, 25, 17, 1))

    response = chase(api, borough.parent1, case, when=uk(2026, 11, 26, 10), note="Nobody has been in touch.")

    assert response.status_code == 200, response.content
    chased = events(case, CaseEvent.Kind.CHASED).get()
    assert chased.actor == borough.parent1
    assert chased.internal is False
    assert chased.text == "Nobody has been in touch."
    rows = outbox(borough.north.manager.user, "manager_chased")
    assert rows.filter(channel="in_app").count() == 1
    assert rows.count() == rows.values("channel").distinct().count()
    chase_clock = Clock.objects.get(case=case, kind=ClockKind.CHASE)
    assert chase_clock.started_at == uk(2026, 11, 26, 10)
    assert chase_clock.due_at == uk(2026, 11, 30, 17)  # Thursday + 2 working days, over the weekend
    assert chase_clock.next_check_at == uk(2026, 11, 30, 9)
    with at(uk(2026, 11, 26, 10, 5)):
        kinds = [e["kind"] for e in api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/timeline/").json()["results"]]
    assert "chased" in kinds


def test_a_family_can_chase_again_only_after_five_working_days(borough, api, case):
    sweep(uk(2026, 11, 25, 17, 1))
    assert chase(api, borough.parent1, case, when=uk(2026, 11, 26, 10)).status_code == 200

    # Thursday 26 November + 5 working days is Thursday 3 December at 17:00.
    too_soon = chase(api, borough.parent1, case, when=uk(2026, 12, 3, 16, 59))
    again = chase(api, borough.parent1, case, when=uk(2026, 12, 3, 17))

    assert too_soon.status_code == 409
    assert again.status_code == 200, again.content
    assert Clock.objects.filter(case=case, kind=ClockKind.CHASE).count() == 2
    assert events(case, CaseEvent.Kind.CHASED).count() == 2


def test_after_a_chase_the_family_is_told_the_head_of_service_hears_when_the_reply_is_due(
    borough, api, client, case
):
    head = borough.head_of_service
    sweep(uk(2026, 11, 25, 17, 1))
    assert chase(api, borough.parent1, case, when=uk(2026, 11, 26, 10)).status_code == 200

    # The reply is due Monday 30 November 17:00, before the ladder's own point (Wednesday 2 December).
    body = get_case(api, borough.parent1, case, when=uk(2026, 11, 26, 11))
    with at(uk(2026, 11, 26, 11)):
        client.force_login(borough.parent1)
        page = client.get(f"/concerns/{case.pk}/").content.decode()

    assert body["sla"]["next_escalation"] == {
        "level": 2,
        "role": "head of service",
        "display_name": head.display_name,
        "at": iso_utc(uk(2026, 11, 30, 17)),
    }
    assert "If this is not dealt with by 5pm on Monday 30 November 2026, we will pass it to" in page
    # And that is when the sweep tells the head of service.
    sweep(uk(2026, 11, 30, 17))
    assert Alert.objects.get(case=case, kind=Alert.Kind.ESCALATION, level=2).recipient == head


def test_officers_cannot_chase(borough, api, case):
    sweep(uk(2026, 11, 25, 17, 1))

    by_officer = chase(api, case.accountable_officer.user, case, when=uk(2026, 11, 26, 10))
    by_manager = chase(api, borough.north.manager.user, case, when=uk(2026, 11, 26, 10))

    assert by_officer.status_code == 403
    assert by_manager.status_code == 403
    assert not Clock.objects.filter(case=case, kind=ClockKind.CHASE).exists()


def test_another_family_cannot_chase_or_even_see_the_case(borough, api, case):
    sweep(uk(2026, 11, 25, 17, 1))

    response = chase(api, borough.parent2, case, when=uk(2026, 11, 26, 10))

    assert response.status_code == 404
    assert not Clock.objects.filter(case=case, kind=ClockKind.CHASE).exists()


# --- the case list ----------------------------------------------------------------------------


@pytest.fixture
def four_cases(borough):
    """Four cases in SEND North, logged so that creation order and due order differ."""
    other = log_case(borough, when=uk(2026, 11, 23, 9), category="other")  # acknowledge by Wed 25 17:00
    safeguarding = log_case(
        borough, when=uk(2026, 11, 23, 9, 30), category="other", safeguarding=True
    )  # acknowledge by Mon 23 13:30
    answered = log_case(borough, when=uk(2026, 11, 23, 10), category="no_response")  # Tue 24 17:00
    ignored = log_case(borough, when=uk(2026, 11, 23, 10, 30), category="no_response", child=borough.child2)
    with at(uk(2026, 11, 23, 11)):
        from casework.services import case_acknowledge

        case_acknowledge(actor=answered.accountable_officer.user, case=answered)
    return {"other": other, "safeguarding": safeguarding, "answered": answered, "ignored": ignored}


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_breached_filter_lists_exactly_the_cases_with_a_date_passed(borough, api, four_cases):
    manager = borough.north.manager.user

    with at(uk(2026, 11, 25, 10)):
        breached = ids(api.as_user(manager).get("/api/cases/?breached=true"))
        not_breached = ids(api.as_user(manager).get("/api/cases/?breached=false"))

    assert sorted(breached) == sorted([four_cases["safeguarding"].pk, four_cases["ignored"].pk])
    assert sorted(not_breached) == sorted([four_cases["other"].pk, four_cases["answered"].pk])


def test_the_breached_filter_shows_a_family_only_their_own_breached_cases(borough, api, four_cases):
    with at(uk(2026, 11, 25, 10)):
        breached = ids(api.as_user(borough.parent1).get("/api/cases/?breached=true"))

    assert breached == [four_cases["safeguarding"].pk]


def test_staff_see_the_next_due_case_first_by_default(borough, api, four_cases):
    manager = borough.north.manager.user

    with at(uk(2026, 11, 23, 12)):
        default = ids(api.as_user(manager).get("/api/cases/"))
        newest_first = ids(api.as_user(manager).get("/api/cases/?ordering=-created"))

    # Next due: safeguarding (Mon 13:30), ignored (Tue 17:00), other (Wed 17:00), answered (respond Mon 30th).
    assert default == [
        four_cases["safeguarding"].pk,
        four_cases["ignored"].pk,
        four_cases["other"].pk,
        four_cases["answered"].pk,
    ]
    assert newest_first == [
        four_cases["ignored"].pk,
        four_cases["answered"].pk,
        four_cases["safeguarding"].pk,
        four_cases["other"].pk,
    ]
