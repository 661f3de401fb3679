"""A reopened case is a new promise: its escalation ladder starts again from the team manager.

Cases are provision not delivered, logged on Monday 23 November 2026 at 09:15. The acknowledge date
(Wednesday 25 November 17:00) is missed, so the team manager is told then, the head of service on
Wednesday 2 December and the director on Wednesday 9 December, unless the case is resolved first.
The reopened case's new resolve date is 20 working days after the reopening, skipping Christmas Day,
the Boxing Day substitute (Monday 28 December) and New Year's Day.
"""

from datetime import timedelta

from django.utils.html import escape

from casework.models import CaseEvent
from casework.services import case_acknowledge, case_message_add, case_reopen, case_resolve, case_start
from escalations.models import Alert, ClockKind

from .conftest import at, events, iso_utc, log_case, outbox, sweep, uk

LOGGED = uk(2026, 11, 23, 9, 15)
FIRST_BREACH = uk(2026, 11, 25, 17)
OLD_LEVEL_TWO_AT = uk(2026, 12, 2, 17)
OLD_LEVEL_THREE_AT = uk(2026, 12, 9, 17)

# Reopened before the old ladder reached the head of service.
REOPENED_EARLY = uk(2026, 12, 1, 10)
EARLY_RESOLVE_DUE = uk(2026, 12, 31, 17)

# Reopened after the old ladder reached the director.
REOPENED_LATE = uk(2026, 12, 11, 10)
LATE_RESOLVE_DUE = uk(2027, 1, 13, 17)
LATE_LEVEL_TWO_AT = uk(2027, 1, 20, 17)
LATE_LEVEL_THREE_AT = uk(2027, 1, 27, 17)


def escalations(case, **filters):
    return Alert.objects.filter(case=case, kind=Alert.Kind.ESCALATION, **filters)


def told(officer):
    """How many escalations reached this person, counted once each (not once a channel)."""
    return outbox(officer.user, "manager_escalation").values("dedupe_key").distinct().count()


def reopened_after_the_team_manager_was_told(borough):
    case = log_case(borough, when=LOGGED)
    officer = case.accountable_officer.user
    sweep(FIRST_BREACH + timedelta(minutes=1))
    with at(uk(2026, 11, 26, 10)):
        case_acknowledge(actor=officer, case=case)
        case_start(actor=officer, case=case)
        case_message_add(actor=officer, case=case, text="I have asked the provider what went wrong and will put it right.")
        case_resolve(actor=officer, case=case, outcome="Therapy sessions restarted.")
    with at(REOPENED_EARLY):
        case_reopen(actor=borough.parent1, case=case, reason="The therapist stopped coming again.")
    return case


def reopened_after_the_director_was_told(borough):
    case = log_case(borough, when=LOGGED)
    officer = case.accountable_officer.user
    sweep(FIRST_BREACH + timedelta(minutes=1))
    with at(uk(2026, 11, 26, 10)):
        case_acknowledge(actor=officer, case=case)
        case_start(actor=officer, case=case)
        case_message_add(actor=officer, case=case, text="I have asked the provider what went wrong and will put it right.")
    sweep(OLD_LEVEL_TWO_AT + timedelta(minutes=1))
    sweep(OLD_LEVEL_THREE_AT + timedelta(minutes=1))
    with at(uk(2026, 12, 10, 10)):
        case_resolve(actor=officer, case=case, outcome="Therapy sessions restarted.")
    with at(REOPENED_LATE):
        case_reopen(actor=borough.parent1, case=case, reason="The therapist stopped coming again.")
    assert escalations(case).count() == 3
    return case


def get_case(api, user, case, *, when):
    with at(when):
        response = api.as_user(user).get(f"/api/cases/{case.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


# --- the sweep ------------------------------------------------------------------------------


def test_a_reopened_case_tells_the_team_manager_first_when_its_new_date_is_missed_and_climbs_from_there(borough):
    manager, head, director = borough.north.manager, borough.head_of_service, borough.director
    case = reopened_after_the_team_manager_was_told(borough)

    sweep(EARLY_RESOLVE_DUE + timedelta(minutes=1))
    sweep(EARLY_RESOLVE_DUE + timedelta(minutes=2))
    sweep(uk(2027, 1, 8, 16, 59))

    # The team manager hears of the new date as they did of the first; nobody above them yet.
    new_breach = escalations(case, clock__kind=ClockKind.RESOLVE).get()
    assert (new_breach.level, new_breach.recipient, new_breach.created_at) == (
        1,
        manager,
        EARLY_RESOLVE_DUE + timedelta(minutes=1),
    )
    assert told(manager) == 2
    assert told(head) == 0
    assert told(director) == 0

    # The head of service 5 working days after the new breach, the director 10.
    sweep(uk(2027, 1, 8, 17))
    assert told(head) == 1
    assert escalations(case, level=2).get().created_at == uk(2027, 1, 8, 17)
    sweep(uk(2027, 1, 15, 16, 59))
    assert told(director) == 0
    sweep(uk(2027, 1, 15, 17))
    assert told(director) == 1
    assert escalations(case, level=3).get().recipient == director


def test_a_case_that_reached_the_director_before_it_was_reopened_climbs_the_whole_ladder_again(borough):
    manager, head, director = borough.north.manager, borough.head_of_service, borough.director
    case = reopened_after_the_director_was_told(borough)

    sweep(LATE_RESOLVE_DUE + timedelta(minutes=1))
    sweep(LATE_LEVEL_TWO_AT + timedelta(minutes=1))
    sweep(LATE_LEVEL_THREE_AT + timedelta(minutes=1))

    again = escalations(case, clock__kind=ClockKind.RESOLVE).order_by("level")
    assert [(alert.level, alert.recipient) for alert in again] == [(1, manager), (2, head), (3, director)]
    assert [told(manager), told(head), told(director)] == [2, 2, 2]
    # Every escalation, before and after the reopening, is on the family's timeline.
    assert events(case, CaseEvent.Kind.ESCALATED).count() == 6


def test_a_chase_on_a_reopened_case_that_nobody_answers_climbs_the_new_ladder(borough, api):
    head, director = borough.head_of_service, borough.director
    case = reopened_after_the_director_was_told(borough)
    sweep(LATE_RESOLVE_DUE + timedelta(minutes=1))
    with at(uk(2027, 1, 14, 10)):
        chased = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/chase/", {}, format="json")
    assert chased.status_code == 200, chased.content

    # Nobody answered by Monday 18 January 17:00: straight to the head of service.
    sweep(uk(2027, 1, 18, 17, 1))
    assert told(head) == 2
    # The director, 10 working days after the new date was missed.
    sweep(LATE_LEVEL_TWO_AT + timedelta(minutes=1))
    assert told(director) == 1
    sweep(LATE_LEVEL_THREE_AT)
    assert told(director) == 2


# --- what the family and the reports see -----------------------------------------------------------


def test_after_a_reopen_the_family_is_told_the_team_manager_is_next_if_the_new_date_is_missed(
    borough, api, client
):
    manager = borough.north.manager
    case = reopened_after_the_director_was_told(borough)

    body = get_case(api, borough.parent1, case, when=REOPENED_LATE + timedelta(hours=1))

    assert body["status"] == "in_progress"
    assert body["escalation_level"] == 0
    assert body["sla"]["resolve_due"] == iso_utc(LATE_RESOLVE_DUE)
    assert body["sla"]["next_escalation"] == {
        "level": 1,
        "role": "team manager",
        "display_name": manager.display_name,
        "at": iso_utc(LATE_RESOLVE_DUE),
    }
    with at(REOPENED_LATE + timedelta(hours=1)):
        client.force_login(borough.parent1)
        response = client.get(f"/concerns/{case.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        f"If this is not dealt with by 5pm on Wednesday 13 January 2027, we will pass it to "
        f"{escape(manager.display_name)}, the team manager." in page
    )
    # What happened before the reopening stays on the record.
    assert f"Escalated to {escape(borough.director.display_name)}, director" in page


def test_after_the_new_date_is_missed_the_family_sees_the_head_of_service_next_counted_from_that_date(
    borough, api
):
    case = reopened_after_the_team_manager_was_told(borough)
    sweep(EARLY_RESOLVE_DUE + timedelta(minutes=1))

    body = get_case(api, borough.parent1, case, when=uk(2027, 1, 4, 10))

    assert body["escalation_level"] == 1
    assert body["sla"]["next_escalation"] == {
        "level": 2,
        "role": "head of service",
        "display_name": borough.head_of_service.display_name,
        "at": iso_utc(uk(2027, 1, 8, 17)),
    }


def test_the_reports_count_the_escalations_from_before_and_after_the_reopening(borough, api):
    case = reopened_after_the_director_was_told(borough)
    sweep(LATE_RESOLVE_DUE + timedelta(minutes=1))
    sweep(LATE_LEVEL_TWO_AT + timedelta(minutes=1))
    sweep(LATE_LEVEL_THREE_AT + timedelta(minutes=1))

    with at(uk(2027, 1, 28, 10)):
        reader = api.as_user(borough.head_of_service.user)
        accountability = reader.get("/api/reports/accountability/").json()
        by_month = reader.get("/api/reports/escalations/", {"from": "2026-11-01", "to": "2027-01-31"}).json()

    row = next(row for row in accountability["rows"] if row["officer"]["id"] == case.accountable_officer_id)
    assert row["escalations"] == 6
    assert row["escalations_by_level"] == {"1": 2, "2": 2, "3": 2}
    assert [(month["key"], month["by_level"]) for month in by_month["rows"]] == [
        ("2026-11", {"1": 1, "2": 0, "3": 0}),
        ("2026-12", {"1": 0, "2": 1, "3": 1}),
        ("2027-01", {"1": 1, "2": 1, "3": 1}),
    ]


# --- safeguarding ---------------------------------------------------------------------------------


def test_a_reopened_safeguarding_case_climbs_again_from_the_team_manager_at_its_new_breach(borough, api):
    # Safeguarding: acknowledge within 4 working hours, resolve within 10 working days.
    manager, head = borough.north.manager, borough.head_of_service
    case = log_case(borough, when=uk(2026, 11, 23, 10), category="other", safeguarding=True)
    officer = case.accountable_officer.user
    with at(uk(2026, 11, 23, 11)):
        case_acknowledge(actor=officer, case=case)
        case_start(actor=officer, case=case)
        case_message_add(actor=officer, case=case, text="I have asked the provider what went wrong and will put it right.")
    with at(uk(2026, 11, 24, 10)):
        case_resolve(actor=officer, case=case, outcome="The driver has been replaced.")
    with at(uk(2026, 11, 30, 10)):
        case_reopen(actor=borough.parent1, case=case, reason="The new driver has no checks either.")
    new_resolve_due = uk(2026, 12, 14, 17)

    # The team manager was told when it was logged; the new promise starts its own ladder.
    body = get_case(api, borough.parent1, case, when=uk(2026, 11, 30, 11))
    assert body["escalation_level"] == 0
    assert body["sla"]["next_escalation"] == {
        "level": 1,
        "role": "team manager",
        "display_name": manager.display_name,
        "at": iso_utc(new_resolve_due),
    }
    assert outbox(manager.user, "manager_safeguarding_alert").filter(channel="in_app").count() == 1

    sweep(new_resolve_due + timedelta(minutes=1))
    sweep(uk(2026, 12, 21, 16, 59))
    assert told(manager) == 1
    assert told(head) == 0
    sweep(uk(2026, 12, 21, 17))
    assert told(head) == 1
