"""Pausing while the case waits on the family, resuming, the pause limit, and extending the resolve date.

Cases are logged on Monday 23 November 2026 at 09:15 (provision not delivered: acknowledge by
Wednesday 25 November, respond by Monday 7 December, resolve by Monday 21 December, 17:00 each).
Christmas Day (Friday 25 December) and the Boxing Day substitute (Monday 28 December) are bank holidays.
"""

import importlib

import pytest
from django.apps import apps as django_apps

from casework.models import Case, CaseEvent
from casework.tasks import resume_expired_pauses
from escalations.models import Clock, ClockKind, Pause
from escalations.services import clocks_pause

from .conftest import at, events, iso_utc, log_case, outbox, sweep, uk

LOGGED = uk(2026, 11, 23, 9, 15)
ACKNOWLEDGE_DUE = uk(2026, 11, 25, 17)
RESPOND_DUE = uk(2026, 12, 7, 17)
RESOLVE_DUE = uk(2026, 12, 21, 17)


@pytest.fixture
def case(borough):
    return log_case(borough, when=LOGGED)


@pytest.fixture
def officer(case):
    """The named officer's user."""
    return case.accountable_officer.user


def post(api, user, case, action, body=None, *, when):
    with at(when):
        return api.as_user(user).post(f"/api/cases/{case.pk}/{action}/", body or {}, format="json")


def get_case(api, user, case, *, when):
    with at(when):
        response = api.as_user(user).get(f"/api/cases/{case.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def timeline(api, user, case, *, when):
    with at(when):
        response = api.as_user(user).get(f"/api/cases/{case.pk}/timeline/")
    assert response.status_code == 200, response.content
    return response.json()["results"]


def clock(case, kind) -> Clock:
    return Clock.objects.get(case=case, kind=kind)


def clock_states(body) -> dict:
    return {c["kind"]: c["state"] for c in body["sla"]["clocks"]}


# --- pausing -----------------------------------------------------------------------------


def test_waiting_on_the_family_pauses_respond_and_resolve_but_not_acknowledge(borough, case, officer):
    # Straight at the service, so the acknowledge clock is still running when the others pause.
    clocks_pause(case=case, actor=officer, reason="Need the school's letter", at=uk(2026, 11, 24, 10))

    assert clock(case, ClockKind.ACKNOWLEDGE).paused_at is None
    assert clock(case, ClockKind.ACKNOWLEDGE).next_check_at is not None
    assert clock(case, ClockKind.RESPOND).paused_at == uk(2026, 11, 24, 10)
    assert clock(case, ClockKind.RESPOND).next_check_at is None
    assert clock(case, ClockKind.RESOLVE).paused_at == uk(2026, 11, 24, 10)
    assert clock(case, ClockKind.RESOLVE).next_check_at is None
    # The queue order follows the running clock only.
    assert case.next_due_at == ACKNOWLEDGE_DUE


def test_await_parent_shows_the_case_paused_to_the_family_and_takes_it_out_of_the_due_queue(
    borough, api, case, officer
):
    assert post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11)).status_code == 200

    response = post(
        api, officer, case, "await-parent", {"note": "Please send the school's letter."}, when=uk(2026, 11, 26, 12)
    )

    assert response.status_code == 200, response.content
    body = get_case(api, borough.parent1, case, when=uk(2026, 11, 27, 10))
    assert body["status"] == "awaiting_parent"
    assert body["sla"]["paused"] is True
    assert clock_states(body) == {"acknowledge": "met", "respond": "paused", "resolve": "paused"}
    # Paused due dates are shown as they stood; they move only on resume.
    assert body["sla"]["respond_due"] == iso_utc(RESPOND_DUE)
    assert body["sla"]["resolve_due"] == iso_utc(RESOLVE_DUE)
    # No clock is running, so nothing is next due.
    assert Case.objects.get(pk=case.pk).next_due_at is None


def test_resume_moves_respond_and_resolve_later_by_exactly_the_working_time_paused_over_a_weekend(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))

    # Thursday 12:00 to Tuesday 12:00 over a weekend: 5 + 8 + 8 + 3 hours = 3 working days.
    response = post(api, officer, case, "resume", when=uk(2026, 12, 1, 12))

    assert response.status_code == 200, response.content
    sla = response.json()["sla"]
    assert sla["paused"] is False
    assert sla["acknowledge_due"] == iso_utc(ACKNOWLEDGE_DUE)
    assert sla["respond_due"] == iso_utc(uk(2026, 12, 10, 17))  # Monday 7 December + 3 working days
    assert sla["resolve_due"] == iso_utc(uk(2026, 12, 24, 17))  # Monday 21 December + 3 working days
    respond = clock(case, ClockKind.RESPOND)
    assert respond.paused_at is None
    assert respond.remind_at == uk(2026, 12, 10, 9)
    assert respond.next_check_at == uk(2026, 12, 10, 9)
    assert Case.objects.get(pk=case.pk).next_due_at == uk(2026, 12, 10, 17)


def test_a_pause_of_part_days_moves_due_dates_by_the_same_hours_and_minutes(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Which school?"}, when=uk(2026, 11, 27, 15, 30))

    # Friday 15:30-17:00 and Monday 09:00-10:00: two and a half working hours.
    post(api, officer, case, "resume", when=uk(2026, 11, 30, 10))

    assert clock(case, ClockKind.RESPOND).due_at == uk(2026, 12, 8, 11, 30)
    assert clock(case, ClockKind.RESOLVE).due_at == uk(2026, 12, 22, 11, 30)
    assert Pause.objects.get(case=case).working_seconds == 2 * 3600 + 30 * 60


def test_a_pause_records_who_when_and_why_and_the_family_sees_it_on_the_timeline(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the school's letter."}, when=uk(2026, 11, 26, 12))
    post(api, officer, case, "resume", {"note": "Letter received."}, when=uk(2026, 12, 1, 12))

    pause = Pause.objects.get(case=case)
    assert pause.started_at == uk(2026, 11, 26, 12)
    assert pause.started_by == officer
    assert pause.reason == "Please send the school's letter."
    assert pause.ended_at == uk(2026, 12, 1, 12)
    assert pause.ended_by == officer
    assert pause.working_seconds == 24 * 3600
    assert pause.ends_by_itself_at == uk(2026, 12, 10, 17)
    family_view = timeline(api, borough.parent1, case, when=uk(2026, 12, 1, 13))
    kinds = [event["kind"] for event in family_view]
    assert kinds[-2:] == ["awaiting_parent", "resumed"]
    waiting, resumed = family_view[-2:]
    assert waiting["text"] == "Please send the school's letter."
    assert waiting["at"] == iso_utc(uk(2026, 11, 26, 12))
    assert waiting["actor"]["display_name"] == case.accountable_officer.display_name
    assert resumed["at"] == iso_utc(uk(2026, 12, 1, 12))


def test_a_pause_ends_by_itself_after_ten_working_days_with_a_note_the_family_sees(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))

    with at(uk(2026, 12, 10, 16, 59)):
        assert resume_expired_pauses.delay().get() == 0
    assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_PARENT

    with at(uk(2026, 12, 10, 17)):
        assert resume_expired_pauses.delay().get() == 1
        assert resume_expired_pauses.delay().get() == 0

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    pause = Pause.objects.get(case=case)
    assert pause.ended_at == uk(2026, 12, 10, 17)
    assert pause.ended_by is None
    # Thursday 26 November 12:00 to Thursday 10 December 17:00: ten working days and five hours.
    assert pause.working_seconds == 85 * 3600
    assert clock(case, ClockKind.RESPOND).due_at == uk(2026, 12, 22, 14)
    assert clock(case, ClockKind.RESOLVE).due_at == uk(2027, 1, 8, 14)
    resumed = timeline(api, borough.parent1, case, when=uk(2026, 12, 10, 17, 5))[-1]
    assert resumed["kind"] == "resumed"
    assert resumed["actor"] is None
    assert "10 working days" in resumed["text"]


def test_a_family_message_while_the_case_waits_on_them_starts_the_clocks_again(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))

    with at(uk(2026, 12, 1, 12)):
        response = api.as_user(borough.parent1).post(
            f"/api/cases/{case.pk}/messages/", {"text": "Here is the letter."}, format="json"
        )

    assert response.status_code == 201, response.content
    body = get_case(api, borough.parent1, case, when=uk(2026, 12, 1, 13))
    assert body["status"] == "in_progress"
    assert body["sla"]["paused"] is False
    assert body["sla"]["respond_due"] == iso_utc(uk(2026, 12, 10, 17))
    pause = Pause.objects.get(case=case)
    assert pause.ended_by == borough.parent1
    assert pause.ended_at == uk(2026, 12, 1, 12)
    kinds = [event["kind"] for event in timeline(api, borough.parent1, case, when=uk(2026, 12, 1, 13))]
    assert kinds[-2:] == ["message", "resumed"]



def test_an_officer_who_replies_while_the_case_waits_on_the_family_has_met_the_respond_date(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    # Thursday 3 December, two working days before the respond date of Monday 7 December.
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 12, 3, 12))

    # The family has not replied yet; the officer writes to them on Tuesday 8 December.
    with at(uk(2026, 12, 8, 10)):
        response = api.as_user(officer).post(
            f"/api/cases/{case.pk}/messages/", {"text": "Just checking you got my request."}, format="json"
        )

    assert response.status_code == 201, response.content
    body = get_case(api, borough.parent1, case, when=uk(2026, 12, 8, 11))
    # The respond clock stood still from Thursday 12:00 with 21 working hours left, so the reply kept it;
    # its date moves on by the 22 working hours waited, as a resume would move it.
    assert clock_states(body)["respond"] == "met"
    assert "respond" not in body["sla"]["breached"]
    assert body["sla"]["respond_due"] == iso_utc(uk(2026, 12, 10, 15))
    with at(uk(2026, 12, 8, 11)):
        chased = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/chase/", {}, format="json")
    assert chased.status_code == 409, chased.content

# --- extending the resolve date --------------------------------------------------------------


REASON = "The therapy provider has not sent its report; we need it to decide what to put right."


def test_the_named_officer_extends_the_resolve_date_once_and_the_family_sees_why(borough, api, case, officer):
    response = post(api, officer, case, "extend", {"working_days": 5, "reason": REASON}, when=uk(2026, 11, 24, 10))

    assert response.status_code == 200, response.content
    sla = response.json()["sla"]
    # Monday 21 December + 5 working days, skipping Christmas Day and the Boxing Day substitute.
    assert sla["resolve_due"] == "2026-12-30T17:00:00Z"
    assert sla["respond_due"] == iso_utc(RESPOND_DUE)
    assert sla["acknowledge_due"] == iso_utc(ACKNOWLEDGE_DUE)
    resolve = clock(case, ClockKind.RESOLVE)
    assert resolve.extensions == 1
    assert resolve.remind_at == uk(2026, 12, 30, 9)
    family = get_case(api, borough.parent1, case, when=uk(2026, 11, 24, 11))
    assert {c["kind"]: c["extended"] for c in family["sla"]["clocks"]} == {
        "acknowledge": False,
        "respond": False,
        "resolve": True,
    }
    extended = [e for e in timeline(api, borough.parent1, case, when=uk(2026, 11, 24, 11)) if e["kind"] == "extended"]
    assert len(extended) == 1
    assert REASON in extended[0]["text"]
    assert extended[0]["internal"] is False
    rows = outbox(borough.parent1, "case_extended")
    assert rows.filter(channel="in_app").count() == 1
    assert REASON in rows.get(channel="in_app").body


def test_a_second_extension_needs_a_manager(borough, api, case, officer):
    post(api, officer, case, "extend", {"working_days": 5, "reason": REASON}, when=uk(2026, 11, 24, 10))

    again = post(api, officer, case, "extend", {"working_days": 2, "reason": "More"}, when=uk(2026, 11, 25, 10))

    assert again.status_code == 403, again.content
    assert clock(case, ClockKind.RESOLVE).due_at == uk(2026, 12, 30, 17)
    assert events(case, CaseEvent.Kind.EXTENDED).count() == 1

    by_manager = post(
        api, borough.north.manager.user, case, "extend", {"working_days": 2, "reason": "Agreed by the manager"},
        when=uk(2026, 11, 25, 10),
    )

    assert by_manager.status_code == 200, by_manager.content
    # Wednesday 30 December + 2 working days, skipping New Year's Day.
    assert by_manager.json()["sla"]["resolve_due"] == "2027-01-04T17:00:00Z"
    assert clock(case, ClockKind.RESOLVE).extensions == 2
    assert events(case, CaseEvent.Kind.EXTENDED).count() == 2


def test_an_officer_who_extends_after_the_reminder_is_reminded_again_on_the_new_resolve_date(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "start", when=uk(2026, 11, 23, 12))
    post(api, officer, case, "messages", {"text": "I have asked the provider why it stopped."}, when=uk(2026, 11, 23, 12))
    sweep(uk(2026, 12, 21, 9))
    # The reminder on the morning the resolve date falls due is what prompts the extension.
    extended = post(api, officer, case, "extend", {"working_days": 5, "reason": REASON}, when=uk(2026, 12, 21, 10))
    assert extended.status_code == 200, extended.content

    sweep(uk(2026, 12, 30, 9))

    reminders = outbox(officer, "officer_reminder").filter(channel="in_app").order_by("id")
    assert reminders.count() == 2
    assert "30 December 2026" in reminders.last().body
    assert events(case, CaseEvent.Kind.REMINDER).count() == 2


def test_an_officer_reminded_before_a_wait_on_the_family_is_reminded_again_before_the_new_date(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    sweep(uk(2026, 12, 7, 9))
    post(api, officer, case, "await-parent", {"note": "Which school?"}, when=uk(2026, 12, 7, 10))
    # Monday 10:00-17:00 and Tuesday 09:00-12:00: ten working hours, so the respond date moves from
    # Monday 7 December 17:00 to Wednesday 9 December 11:00.
    post(api, officer, case, "resume", when=uk(2026, 12, 8, 12))

    sweep(uk(2026, 12, 8, 12, 1))
    sweep(uk(2026, 12, 9, 9), times=2)
    sweep(uk(2026, 12, 9, 10, 59))

    reminders = outbox(officer, "officer_reminder").filter(channel="in_app").order_by("id")
    assert reminders.count() == 2
    assert "11am on Wednesday 9 December 2026" in reminders.last().body
    assert [event.at for event in events(case, CaseEvent.Kind.REMINDER).order_by("at")] == [
        uk(2026, 12, 7, 9),
        uk(2026, 12, 9, 9),
    ]


def test_each_date_a_clock_has_had_earns_one_reminder_after_an_extension_and_a_wait_alike(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "start", when=uk(2026, 11, 23, 12))
    post(api, officer, case, "messages", {"text": "I have asked the provider why it stopped."}, when=uk(2026, 11, 23, 12))
    sweep(uk(2026, 12, 21, 9))
    post(api, officer, case, "extend", {"working_days": 5, "reason": REASON}, when=uk(2026, 12, 21, 10))
    sweep(uk(2026, 12, 30, 9))
    post(api, officer, case, "await-parent", {"note": "Which school?"}, when=uk(2026, 12, 30, 10))
    # Ten working hours waited: Wednesday 30 December 17:00 moves to Monday 4 January 11:00, after New Year's Day.
    post(api, officer, case, "resume", when=uk(2026, 12, 31, 12))

    sweep(uk(2027, 1, 4, 9), times=2)
    sweep(uk(2027, 1, 4, 10, 59))

    reminders = outbox(officer, "officer_reminder").filter(channel="in_app").order_by("id")
    bodies = list(reminders.values_list("body", flat=True))
    assert len(bodies) == 3
    assert "21 December 2026" in bodies[0]
    assert "30 December 2026" in bodies[1]
    assert "4 January 2027" in bodies[2]
    assert events(case, CaseEvent.Kind.REMINDER).count() == 3

def test_a_late_date_extended_afterwards_is_escalated_up_the_ladder_as_the_date_that_was_missed(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "start", when=uk(2026, 11, 23, 12))
    post(api, officer, case, "messages", {"text": "I have asked the provider why it stopped."}, when=uk(2026, 11, 23, 12))
    sweep(uk(2026, 12, 21, 17, 1))
    # The day after missing it, the officer extends the resolve date to Thursday 7 January 2027.
    extended = post(api, officer, case, "extend", {"working_days": 10, "reason": REASON}, when=uk(2026, 12, 22, 10))
    assert extended.status_code == 200, extended.content

    # 5 working days after the breach, Wednesday 30 December: the head of service is told.
    sweep(uk(2026, 12, 30, 17, 1))

    escalated = [e for e in timeline(api, borough.parent1, case, when=uk(2026, 12, 31, 10)) if e["kind"] == "escalated"]
    assert [e["text"].split(", because ")[1] for e in escalated] == [
        "the resolve date (5pm on Monday 21 December 2026) was missed.",
    ] * 2
    told = outbox(borough.head_of_service.user, "manager_escalation").get(channel="in_app")
    assert "missed its resolve deadline 5 working days ago." in told.body


def test_an_extension_of_more_than_ten_working_days_is_refused_with_a_field_error(borough, api, case, officer):
    response = post(api, officer, case, "extend", {"working_days": 11, "reason": REASON}, when=uk(2026, 11, 24, 10))

    assert response.status_code == 400
    assert "working_days" in response.json()
    resolve = clock(case, ClockKind.RESOLVE)
    assert resolve.due_at == RESOLVE_DUE
    assert resolve.extensions == 0
    assert not events(case, CaseEvent.Kind.EXTENDED).exists()
    assert not outbox(borough.parent1, "case_extended").exists()


def test_an_extension_without_a_reason_is_refused_with_a_field_error(borough, api, case, officer):
    response = post(api, officer, case, "extend", {"working_days": 3, "reason": "  "}, when=uk(2026, 11, 24, 10))

    assert response.status_code == 400
    assert "reason" in response.json()
    assert clock(case, ClockKind.RESOLVE).extensions == 0


def test_a_family_cannot_extend_their_own_case(borough, api, case):
    response = post(
        api, borough.parent1, case, "extend", {"working_days": 3, "reason": REASON}, when=uk(2026, 11, 24, 10)
    )

    assert response.status_code == 403
    assert clock(case, ClockKind.RESOLVE).extensions == 0


# --- the working time a clock took -----------------------------------------------------------


def working_seconds_taken(case) -> dict:
    return dict(Clock.objects.filter(case=case).values_list("kind", "working_seconds_taken"))


def test_a_clock_paused_for_two_working_days_records_the_working_time_it_ran_without_the_pause(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))
    # Thursday 12:00-17:00, Friday, Monday 09:00-12:00: 16 working hours, two working days.
    post(api, officer, case, "resume", when=uk(2026, 11, 30, 12))

    response = post(api, officer, case, "resolve", {"outcome": "Therapy restarted."}, when=uk(2026, 12, 3, 12))

    assert response.status_code == 200, response.content
    assert Pause.objects.get(case=case).working_seconds == 16 * 3600
    # Monday 23 November 09:15 to Thursday 3 December 12:00 is 7.75 + 4 x 8 + 3 x 8 + 3 = 66.75 working
    # hours; less the 16 paused, 50.75. The acknowledge clock never pauses: 09:15 to 11:00.
    assert working_seconds_taken(case) == {
        ClockKind.ACKNOWLEDGE: 6300,
        ClockKind.RESPOND: 182700,
        ClockKind.RESOLVE: 182700,
    }


def test_a_case_resolved_while_it_waits_on_the_family_does_not_count_the_wait(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))

    post(api, officer, case, "resolve", {"outcome": "The family found another way."}, when=uk(2026, 12, 1, 12))

    # The wait lasts from Thursday 12:00 until the case is resolved at 12:00 on Tuesday 1 December, so
    # the clocks count only to Thursday 12:00: 7.75 + 8 + 8 + 3 = 26.75 working hours.
    assert working_seconds_taken(case) == {
        ClockKind.ACKNOWLEDGE: 6300,
        ClockKind.RESPOND: 96300,
        ClockKind.RESOLVE: 96300,
    }


@pytest.mark.parametrize("action, ended", [("resolve", Case.Status.RESOLVED), ("close", Case.Status.CLOSED)])
def test_a_case_that_ends_while_it_waits_on_the_family_ends_the_wait_too(borough, api, case, officer, action, ended):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))

    assert post(api, officer, case, action, {"outcome": "Sorted."}, when=uk(2026, 11, 27, 12)).status_code == 200

    pause = Pause.objects.get(case=case)
    assert pause.ended_at == uk(2026, 11, 27, 12)
    assert pause.ended_by == officer
    with at(uk(2026, 12, 11, 17)):
        assert resume_expired_pauses.delay().get() == 0
    assert Case.objects.get(pk=case.pk).status == ended


def test_a_reopened_case_put_on_hold_again_waits_its_full_time_before_starting_by_itself(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))
    post(api, officer, case, "resolve", {"outcome": "Sorted."}, when=uk(2026, 11, 27, 12))
    reopened = post(api, borough.parent1, case, "reopen", {"reason": "Still no bus."}, when=uk(2026, 11, 30, 10))
    assert reopened.status_code == 200
    post(api, officer, case, "await-parent", {"note": "Please send the new timetable."}, when=uk(2026, 11, 30, 12))

    # The first wait's ten working days ran out on Thursday 10 December; the second's run to Monday 14th.
    with at(uk(2026, 12, 11, 17)):
        assert resume_expired_pauses.delay().get() == 0
    assert Case.objects.get(pk=case.pk).status == Case.Status.AWAITING_PARENT
    with at(uk(2026, 12, 14, 17)):
        assert resume_expired_pauses.delay().get() == 1
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_PROGRESS


def test_a_wait_left_open_on_a_case_that_has_ended_never_restarts_it(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))
    post(api, officer, case, "resolve", {"outcome": "Sorted."}, when=uk(2026, 11, 27, 12))
    # As resolving used to leave it (data from before the wait was ended with the case): still open.
    Pause.objects.filter(case=case).update(ended_at=None, ended_by=None)

    with at(uk(2026, 12, 11, 17)):
        assert resume_expired_pauses.delay().get() == 0
    assert Case.objects.get(pk=case.pk).status == Case.Status.RESOLVED
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RESUMED).exists()


def test_the_migration_fills_in_clocks_that_stopped_before_the_working_time_was_stored(borough, api, case, officer):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))
    post(api, officer, case, "resume", when=uk(2026, 11, 30, 12))
    post(api, officer, case, "resolve", {"outcome": "Therapy restarted."}, when=uk(2026, 12, 3, 12))
    stored = working_seconds_taken(case)
    Clock.objects.filter(case=case).update(working_seconds_taken=None)

    migration = importlib.import_module("escalations.migrations.0006_clock_working_time")
    migration.fill_in_stopped_clocks(django_apps, None)

    assert working_seconds_taken(case) == stored == {
        ClockKind.ACKNOWLEDGE: 6300,
        ClockKind.RESPOND: 182700,
        ClockKind.RESOLVE: 182700,
    }


def test_the_migration_ends_waits_that_ended_cases_left_open_and_counts_a_reopened_case_again(
    borough, api, case, officer
):
    post(api, officer, case, "acknowledge", when=uk(2026, 11, 23, 11))
    post(api, officer, case, "await-parent", {"note": "Please send the letter."}, when=uk(2026, 11, 26, 12))
    post(api, officer, case, "resolve", {"outcome": "Sorted."}, when=uk(2026, 11, 27, 12))
    post(api, borough.parent1, case, "reopen", {"reason": "Still no bus."}, when=uk(2026, 11, 30, 10))
    post(api, officer, case, "resolve", {"outcome": "Sorted again."}, when=uk(2026, 12, 2, 12))
    first_round = Clock.objects.get(case=case, kind=ClockKind.RESOLVE, superseded_at__isnull=False)
    reopened = Clock.objects.get(case=case, kind=ClockKind.RESOLVE, superseded_at__isnull=True)
    # As the services used to leave it: the first wait still open, so the reopened clock counted nothing.
    Pause.objects.filter(case=case).update(ended_at=None, ended_by=None, working_seconds=0)
    Clock.objects.filter(pk=reopened.pk).update(working_seconds_taken=0)

    migration = importlib.import_module("escalations.migrations.0011_end_waits_of_ended_cases")
    migration.end_waits_of_ended_cases(django_apps, None)

    pause = Pause.objects.get(case=case)
    assert (pause.ended_at, pause.ended_by) == (uk(2026, 11, 27, 12), officer)
    assert pause.working_seconds == 8 * 3600
    # Monday 10:00 to Wednesday 12:00: 7 + 8 + 3 working hours.
    assert Clock.objects.get(pk=reopened.pk).working_seconds_taken == 18 * 3600
    assert Clock.objects.get(pk=first_round.pk).working_seconds_taken == first_round.working_seconds_taken
