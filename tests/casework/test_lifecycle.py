"""The case lifecycle, generated from CASE_MOVES: every allowed move works, every other one is a 409 that writes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from casework import services
from casework.models import CASE_MOVES, Case, CaseEvent, CaseMessage
from casework.permissions import UNWORKED_STATES
from notifications.models import Notification

Status = Case.Status
URL_OF = {"await_parent": "await-parent"}
BODY_OF = {
    "resolve": {"outcome": "Therapy restarted, with catch-up sessions."},
    "close": {"outcome": "The family moved out of the area."},
    "reopen": {"reason": "The sessions stopped again."},
}
EVENT_OF = {
    "acknowledge": "acknowledged",
    "start": "started",
    "await_parent": "awaiting_parent",
    "resume": "resumed",
    "resolve": "resolved",
    "close": "closed",
    "reopen": "reopened",
}
# How to reach each state through the services, as the named officer would.
PATH_TO = {
    Status.NEW: [],
    Status.ACKNOWLEDGED: ["acknowledge"],
    Status.IN_PROGRESS: ["acknowledge", "start"],
    Status.AWAITING_PARENT: ["acknowledge", "start", "await_parent"],
    Status.RESOLVED: ["acknowledge", "start", "resolve"],
    Status.CLOSED: ["acknowledge", "start", "close"],
}
ALLOWED = [(action, state) for action, (sources, _) in CASE_MOVES.items() for state in Status.values if state in sources]
DISALLOWED = [
    (action, state) for action, (sources, _) in CASE_MOVES.items() for state in Status.values if state not in sources
]


def log_case(borough):
    case = services.case_log(
        actor=borough.parent1,
        child_id=borough.child1.pk,
        category_slug="provision_not_delivered",
        summary="Speech and language therapy not delivered",
        description="No sessions since September.",
    )
    # Test set-up: pin the named officer, whoever routing chose (test_routing.py covers the choice).
    if case.accountable_officer_id != borough.officer1.pk:
        case.accountable_officer = borough.officer1
        case.team = borough.north
        case.save()
    return case


def bring_to(case, state, actor):
    for action in PATH_TO[state]:
        service = getattr(services, f"case_{action}")
        extra = {"outcome": BODY_OF[action]["outcome"]} if action in ("resolve", "close") else {}
        case = service(actor=actor, case=case, **extra)
    assert case.status == state
    return case


def footprint(case):
    case.refresh_from_db()
    return {
        "status": case.status,
        "events": CaseEvent.objects.filter(case=case).count(),
        "messages": CaseMessage.objects.filter(case=case).count(),
        "history": case.history.count(),
        "outbox": Notification.objects.count(),
        "outcome": case.outcome,
        "resolved_at": case.resolved_at,
        "closed_at": case.closed_at,
    }


def test_every_action_and_state_is_covered():
    assert len(ALLOWED) + len(DISALLOWED) == len(CASE_MOVES) * len(Status.values)
    assert set(PATH_TO) == set(Status.values)


@pytest.mark.parametrize("action, state", DISALLOWED, ids=[f"{a}-from-{s}" for a, s in DISALLOWED])
def test_a_move_that_does_not_fit_the_state_is_a_409_and_writes_nothing(borough, api, action, state):
    officer = borough.officer1.user
    case = bring_to(log_case(borough), state, officer)
    before = footprint(case)

    response = api.as_user(officer).post(
        f"/api/cases/{case.pk}/{URL_OF.get(action, action)}/", BODY_OF.get(action, {}), format="json"
    )

    assert response.status_code == 409, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert footprint(case) == before


@pytest.mark.parametrize("state", sorted(UNWORKED_STATES))
def test_a_named_officer_cannot_close_a_case_nobody_has_worked_on_and_nothing_is_written(borough, api, state):
    case = bring_to(log_case(borough), state, borough.officer1.user)
    before = footprint(case)

    response = api.as_user(borough.officer1.user).post(
        f"/api/cases/{case.pk}/close/", BODY_OF["close"], format="json"
    )

    assert response.status_code == 403, response.content
    assert "manager" in response.json()["detail"]
    assert footprint(case) == before


def test_a_409_tells_staff_a_case_is_waiting_for_the_family_and_the_family_it_is_waiting_for_them(borough, api):
    case = bring_to(log_case(borough), Status.AWAITING_PARENT, borough.officer1.user)

    to_officer = api.as_user(borough.officer1.user).post(f"/api/cases/{case.pk}/start/", {}, format="json")
    to_family = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/reopen/", {"reason": "Still no"}, format="json")

    assert to_officer.status_code == 409
    assert to_officer.json()["detail"] == "This case is waiting for the family, so it cannot be started now."
    assert to_family.status_code == 409
    assert to_family.json()["detail"] == "This case is waiting for you, so it cannot be reopened now."


@pytest.mark.parametrize("action, state", ALLOWED, ids=[f"{a}-from-{s}" for a, s in ALLOWED])
def test_a_move_that_fits_the_state_succeeds_with_history_and_a_timeline_event(borough, api, action, state):
    case = bring_to(log_case(borough), state, borough.officer1.user)
    # Closing a case nobody has worked on yet is a manager's move (the named officer's is tested below).
    officer = borough.north.manager.user if action == "close" and state in UNWORKED_STATES else borough.officer1.user
    before = footprint(case)

    response = api.as_user(officer).post(
        f"/api/cases/{case.pk}/{URL_OF.get(action, action)}/", BODY_OF.get(action, {}), format="json"
    )

    assert response.status_code == 200, response.content
    target = CASE_MOVES[action][1]
    assert response.json()["status"] == target
    after = footprint(case)
    assert after["status"] == target
    assert after["history"] > before["history"]
    assert after["events"] == before["events"] + 1
    last = CaseEvent.objects.filter(case=case).order_by("-at", "-id").first()
    assert (last.kind, last.actor) == (EVENT_OF[action], officer)


@pytest.mark.parametrize("who", ["parent", "officer"])
def test_a_message_on_a_closed_case_is_a_409_and_writes_nothing(borough, api, who):
    case = bring_to(log_case(borough), Status.CLOSED, borough.officer1.user)
    user = borough.parent1 if who == "parent" else borough.officer1.user
    before = footprint(case)

    response = api.as_user(user).post(f"/api/cases/{case.pk}/messages/", {"text": "Hello?"}, format="json")

    assert response.status_code == 409
    assert response.json()["detail"]
    assert footprint(case) == before


def test_reassigning_a_closed_case_is_a_409_and_writes_nothing(borough, api):
    case = bring_to(log_case(borough), Status.CLOSED, borough.officer1.user)
    other = borough.north.officers.filter(is_manager=False).exclude(pk=borough.officer1.pk).get()
    before = footprint(case)

    response = api.as_user(borough.north.manager.user).post(
        f"/api/cases/{case.pk}/reassign/", {"officer": other.pk, "note": "Cover."}, format="json"
    )

    assert response.status_code == 409
    assert footprint(case) == before
    case.refresh_from_db()
    assert case.accountable_officer == borough.officer1


def test_a_family_can_message_a_resolved_case(borough, api):
    case = bring_to(log_case(borough), Status.RESOLVED, borough.officer1.user)
    response = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/messages/", {"text": "Thanks"}, format="json")
    assert response.status_code == 201
    case.refresh_from_db()
    assert case.status == Status.RESOLVED


# --- the reopen window -----------------------------------------------------------------------

# Monday 2 March 2026, 10:00 in London (GMT, so 10:00 UTC). No bank holidays in March 2026.
RESOLVED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def resolve_then_try_to_reopen(borough, api, *, at):
    with time_machine.travel(RESOLVED_AT, tick=False):
        case = bring_to(log_case(borough), Status.RESOLVED, borough.officer1.user)
    before = footprint(case)
    with time_machine.travel(at, tick=False):
        response = api.as_user(borough.parent1).post(
            f"/api/cases/{case.pk}/reopen/", {"reason": "The therapist stopped coming again."}, format="json"
        )
    return case, before, response


@pytest.fixture
def five_day_window(settings):
    settings.REOPEN_WINDOW_WORKING_DAYS = 5
    # Five working days after Monday 2 March: 17:00 on Monday 9 March (GMT).
    return datetime(2026, 3, 9, 17, 0, tzinfo=UTC)


def test_a_family_can_reopen_until_the_end_of_the_reopen_window(borough, api, five_day_window):
    case, _before, response = resolve_then_try_to_reopen(
        borough, api, at=five_day_window.replace(hour=16, minute=59)
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"


@pytest.mark.parametrize(
    "at",
    [datetime(2026, 3, 9, 17, 1, tzinfo=UTC), datetime(2026, 3, 10, 9, 0, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)],
    ids=["a-minute-late", "next-morning", "months-later"],
)
def test_reopening_after_the_reopen_window_is_a_409_and_writes_nothing(borough, api, five_day_window, at):
    case, before, response = resolve_then_try_to_reopen(borough, api, at=at)
    assert response.status_code == 409, response.content
    assert response.json()["detail"]
    assert footprint(case) == before


def test_the_default_reopen_window_is_open_the_next_day_and_closed_long_after(borough, api):
    days = settings.REOPEN_WINDOW_WORKING_DAYS
    # Twice as many calendar days as working days, plus a week, is always past the window.
    _case, _before, soon = resolve_then_try_to_reopen(borough, api, at=RESOLVED_AT + timedelta(days=1))
    assert soon.status_code == 200, soon.content

    case, before, late = resolve_then_try_to_reopen(borough, api, at=RESOLVED_AT + timedelta(days=2 * days + 7))
    assert late.status_code == 409, late.content
    assert footprint(case) == before


def test_the_case_lists_only_the_actions_that_fit_its_state_and_its_reader(borough, api):
    officer = borough.officer1
    api.as_user(borough.parent1)
    created = api.post(
        "/api/cases/",
        {"child": borough.child1.pk, "category": "other", "summary": "No reply", "description": "Waiting"},
        format="json",
    ).json()
    case = Case.objects.get(pk=created["id"])
    case.accountable_officer = officer
    case.save()

    new_for_officer = api.as_user(officer.user).get(f"/api/cases/{case.pk}/").json()
    new_for_manager = api.as_user(borough.north.manager.user).get(f"/api/cases/{case.pk}/").json()
    acknowledged = api.as_user(officer.user).post(f"/api/cases/{case.pk}/acknowledge/").json()
    started = api.as_user(officer.user).post(f"/api/cases/{case.pk}/start/").json()

    # Closing an unworked case takes a manager (the service refuses the officer), so only a manager is offered it.
    assert created["actions"] == []
    assert new_for_officer["actions"] == ["acknowledge"]
    assert new_for_manager["actions"] == ["acknowledge", "close"]
    assert acknowledged["actions"] == ["start", "await_parent", "resolve"]
    assert started["actions"] == ["await_parent", "resolve", "close"]
