"""The response clock stops when the family is given a real response: a message to them, or the case resolved.

Starting work, or an internal note, answers nothing the family asked, so the clock runs on and the
family's page does not say "done on time". Cases are logged on Monday 23 November 2026 at 09:15.
"""

from casework.services import case_acknowledge, case_message_add, case_resolve, case_start
from escalations.models import Clock, ClockKind

from .conftest import at, log_case, uk


def response_clock(case) -> Clock:
    return Clock.objects.get(case=case, kind=ClockKind.RESPOND, superseded_at__isnull=True)


def started(borough):
    case = log_case(borough, when=uk(2026, 11, 23, 9, 15))
    officer = case.accountable_officer.user
    with at(uk(2026, 11, 23, 11)):
        case = case_acknowledge(actor=officer, case=case)
        case = case_start(actor=officer, case=case)
    return case, officer


def test_starting_work_does_not_stop_the_response_clock(borough, client):
    case, _officer = started(borough)

    assert response_clock(case).stopped_at is None
    client.force_login(borough.parent1)
    with at(uk(2026, 11, 23, 12)):
        page = client.get(f"/concerns/{case.pk}/").content.decode()
    full_reply = page.split("Give you a full reply")[1][:400]
    assert "done on time" not in full_reply.lower()


def test_an_internal_note_does_not_stop_the_response_clock(borough):
    case, officer = started(borough)
    with at(uk(2026, 11, 23, 12)):
        case_message_add(actor=officer, case=case, text="Rang the school; no answer yet.", internal=True)

    assert response_clock(case).stopped_at is None


def test_a_message_to_the_family_stops_the_response_clock(borough):
    case, officer = started(borough)
    with at(uk(2026, 11, 24, 10)):
        case_message_add(actor=officer, case=case, text="The therapy service will restart sessions next week.")

    assert response_clock(case).stopped_at == uk(2026, 11, 24, 10)


def test_resolving_stops_the_response_clock(borough):
    case, officer = started(borough)
    with at(uk(2026, 11, 25, 10)):
        case_resolve(actor=officer, case=case, outcome="Sessions restarted.")

    assert response_clock(case).stopped_at == uk(2026, 11, 25, 10)
