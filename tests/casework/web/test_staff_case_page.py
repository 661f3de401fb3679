"""The staff case page and handover summary page: what they show, and that each form calls the same service as
the API, refusing bad input whole."""

from html import unescape

import pytest
from django.urls import reverse

from casework.models import Case, CaseAccess, CaseEvent, CaseMessage
from casework.selectors import case_timeline_for
from casework.services import case_acknowledge, case_await_parent, case_message_add, case_reassign, case_start
from tests.casework.web.staff_pages import action_buttons, footprint, log, north_officers, shown, signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_case_offers_acknowledge_and_not_the_later_moves(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert action_buttons(html) == {"acknowledge", "extend", "reassign", "message", "note"}
    assert ">Acknowledge</button>" in html
    assert "Start work" not in html and "Resume work" not in html and "Wait for the family" not in html


def test_an_acknowledged_case_offers_start_wait_resolve_and_close_but_not_acknowledge(client, borough):
    case = log(borough)
    case_acknowledge(actor=borough.officer1.user, case=case)
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    # Closing one nobody has worked on is a manager's move: the named officer is not offered it.
    assert action_buttons(html) == {"start", "await_parent", "resolve", "extend", "reassign", "message", "note"}
    assert ">Acknowledge</button>" not in html
    signed_in(client, borough.north.manager.user)
    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()
    assert "close" in action_buttons(html)
    # The reason for closing is shown to the family, as what was done on resolving is.
    assert "The family will see this, and it is kept on the record." in html


def test_a_case_in_progress_offers_its_named_officer_close(client, borough):
    case = log(borough)
    officer = Case.objects.get(pk=case.pk).accountable_officer
    case_acknowledge(actor=officer.user, case=case)
    case_start(actor=officer.user, case=case)
    signed_in(client, officer.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert action_buttons(html) >= {"await_parent", "resolve", "close"}


def test_a_colleague_who_is_not_the_named_officer_sees_no_moves_only_the_message_and_note_forms(client, borough):
    case = log(borough)
    colleague = north_officers(borough)[1]
    signed_in(client, colleague.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert action_buttons(html) == {"message", "note"}
    assert "Only the named officer or a manager can move this case on." in html


def test_the_team_manager_may_move_a_case_they_do_not_own(client, borough):
    case = log(borough)
    signed_in(client, borough.north.manager.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert "acknowledge" in action_buttons(html)


def test_opening_the_case_page_and_the_handover_summary_is_logged(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    client.get(reverse("staff-case", args=[case.pk]))
    client.get(reverse("staff-handover", args=[case.pk]))

    assert list(CaseAccess.objects.filter(case=case).order_by("at", "pk").values_list("user", "via")) == [
        (borough.officer1.user.pk, "page:case"),
        (borough.officer1.user.pk, "page:handover"),
    ]


def test_the_case_page_shows_the_timeline_with_internal_notes_marked_and_the_promised_dates(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)
    client.post(reverse("staff-case", args=[case.pk]), {"action": "note", "note-text": "Mum is anxious"})

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert "Mum is anxious" in html
    assert "Staff only: the family cannot see this</strong>" in html
    assert ">Message the family</h2>" in html and ">Add an internal note</h2>" in html
    for promise in ("Acknowledge", "First response", "Resolve"):
        assert f">{promise}</th>" in html


def test_the_case_page_names_an_administrator_by_sign_in_name_not_as_the_family(client, borough):
    case = log(borough)
    administrator = UserFactory(username="cadmin-7", first_name="", last_name="", is_staff=True, is_superuser=True)
    case_message_add(actor=administrator, case=case, text="We have asked the school.")
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert "cadmin-7" in html
    assert "cadmin-7 (family)" not in html


def test_acknowledging_through_the_page_tells_the_family(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    response = client.post(reverse("staff-case", args=[case.pk]), {"action": "acknowledge"}, follow=True)

    case.refresh_from_db()
    assert case.status == Case.Status.ACKNOWLEDGED
    assert case.events.filter(kind=CaseEvent.Kind.ACKNOWLEDGED, actor=borough.officer1.user).exists()
    assert response.redirect_chain[-1][0] == reverse("staff-case", args=[case.pk])
    assert "Case acknowledged" in response.content.decode()


def test_a_reply_reaches_the_family_and_an_internal_note_does_not(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)
    url = reverse("staff-case", args=[case.pk])

    client.post(url, {"action": "message", "message-text": "The therapist starts on Monday."})
    noted = client.post(url, {"action": "note", "note-text": "Check with the school first."}, follow=True)

    reply, note = CaseMessage.objects.filter(case=case).order_by("pk")
    assert (reply.text, reply.internal, reply.author) == ("The therapist starts on Monday.", False, borough.officer1.user)
    assert (note.text, note.internal) == ("Check with the school first.", True)
    assert "Internal note added" in noted.content.decode()
    family_sees = [event.text for event in case_timeline_for(borough.parent1, case)]
    assert "The therapist starts on Monday." in family_sees
    assert "Check with the school first." not in family_sees


def test_each_move_through_the_page_calls_its_service(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)
    url = reverse("staff-case", args=[case.pk])

    steps = [
        ({"action": "acknowledge"}, Case.Status.ACKNOWLEDGED),
        ({"action": "start"}, Case.Status.IN_PROGRESS),
        ({"action": "await_parent", "await_parent-note": "Please send the school's letter."}, Case.Status.AWAITING_PARENT),
        ({"action": "resume"}, Case.Status.IN_PROGRESS),
        ({"action": "extend", "extend-working_days": "5", "extend-reason": "Waiting for the provider."},
         Case.Status.IN_PROGRESS),
        ({"action": "resolve", "resolve-outcome": "Therapy restarted."}, Case.Status.RESOLVED),
        ({"action": "close", "close-outcome": "Family confirmed by phone."}, Case.Status.CLOSED),
    ]
    for data, status in steps:
        response = client.post(url, data)
        assert response.status_code == 302, (data, response.content.decode()[:2000])
        case.refresh_from_db()
        assert case.status == status, data
    assert case.events.filter(kind=CaseEvent.Kind.EXTENDED).exists()
    assert action_buttons(client.get(url).content.decode()) == set()


def test_handing_a_case_over_through_the_page(client, borough):
    case = log(borough)
    colleague = north_officers(borough)[1]
    signed_in(client, borough.officer1.user)

    response = client.post(reverse("staff-case", args=[case.pk]),
                           {"action": "reassign", "reassign-officer": colleague.pk, "reassign-note": "Over to you"})

    case.refresh_from_db()
    assert case.accountable_officer == colleague
    assert response.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.NOTE, internal=True, text__contains="Over to you").exists()


def test_handing_a_case_to_another_team_goes_back_to_the_queue_not_a_404(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    response = client.post(reverse("staff-case", args=[case.pk]),
                           {"action": "reassign", "reassign-officer": borough.officer2.pk, "reassign-note": "Transport"})

    assert response.status_code == 302 and response.url == reverse("staff-queue")


ACKNOWLEDGED = "acknowledged"


@pytest.mark.parametrize(
    "data, error",
    [
        ({"action": "message", "message-text": "   "}, "Enter a message to the family"),
        ({"action": "note", "note-text": ""}, "Enter a note"),
        ({"action": "await_parent", "await_parent-note": ""}, "Say what you need from the family"),
        ({"action": "resolve", "resolve-outcome": " "}, "Say what was done to put things right"),
        ({"action": "close", "close-outcome": ""}, "Say why the case is being closed"),
        ({"action": "extend", "extend-working_days": "11", "extend-reason": "Busy"},
         "Enter a number of working days from 1 to 10"),
        ({"action": "extend", "extend-working_days": "0", "extend-reason": "Busy"},
         "Enter a number of working days from 1 to 10"),
        ({"action": "extend", "extend-working_days": "five", "extend-reason": "Busy"},
         "Enter the number of working days as a whole number, like 5"),
        ({"action": "extend", "extend-working_days": "5", "extend-reason": ""}, "Say why more time is needed"),
        ({"action": "reassign", "reassign-officer": "", "reassign-note": "Over to you"},
         "Choose the officer who will take the case"),
        ({"action": "reassign", "reassign-officer": "999999", "reassign-note": "Over to you"},
         "Choose an active officer from the list"),
        ({"action": "reassign", "reassign-officer": "SELF", "reassign-note": "Over to you"},
         "Choose an active officer from the list"),
        ({"action": "reassign", "reassign-officer": "COLLEAGUE", "reassign-note": ""},
         "Write a handover note for the new officer"),
        ({"action": "teleport"}, "Choose one of the actions on the page"),
    ],
)
def test_bad_input_on_the_case_page_shows_the_error_summary_and_changes_nothing(client, borough, data, error):
    case = log(borough)
    case_acknowledge(actor=borough.officer1.user, case=case)
    colleague = north_officers(borough)[1]
    data = {key: {"SELF": str(borough.officer1.pk), "COLLEAGUE": str(colleague.pk)}.get(value, value)
            for key, value in data.items()}
    before = footprint(case)
    signed_in(client, borough.officer1.user)

    response = client.post(reverse("staff-case", args=[case.pk]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert error in html
    assert "<title>Error: " in html
    assert footprint(case) == before


def test_a_move_that_no_longer_fits_is_an_error_on_the_page_not_a_500(client, borough):
    case = log(borough)
    case_acknowledge(actor=borough.officer1.user, case=case)
    before = footprint(case)
    signed_in(client, borough.officer1.user)

    response = client.post(reverse("staff-case", args=[case.pk]), {"action": "acknowledge"})

    assert response.status_code == 409
    assert "This case is acknowledged, so it cannot be acknowledged now." in response.content.decode()
    assert footprint(case) == before


def test_a_move_that_no_longer_fits_a_case_waiting_on_the_family_says_so_not_that_it_waits_for_the_officer(
    client, borough
):
    case = log(borough)
    case_acknowledge(actor=borough.officer1.user, case=case)
    case_await_parent(actor=borough.officer1.user, case=case, note="Send us the school's letter")
    signed_in(client, borough.officer1.user)

    response = client.post(reverse("staff-case", args=[case.pk]), {"action": "await_parent", "await_parent-note": "x"})

    html = unescape(response.content.decode())
    assert response.status_code == 409
    assert "This case is waiting for the family, so it cannot be put on hold for the family now." in html
    assert "waiting for you" not in html


def test_a_colleague_who_may_not_move_the_case_is_told_so_and_nothing_changes(client, borough):
    case = log(borough)
    before = footprint(case)
    signed_in(client, north_officers(borough)[1].user)

    response = client.post(reverse("staff-case", args=[case.pk]), {"action": "acknowledge"})

    assert response.status_code == 403
    assert "Only the named officer or a manager can do this." in response.content.decode()
    assert footprint(case) == before


def test_a_second_extension_by_an_officer_is_refused_with_the_services_words(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)
    url = reverse("staff-case", args=[case.pk])
    client.post(url, {"action": "extend", "extend-working_days": "5", "extend-reason": "Provider"})
    before = footprint(case)

    response = client.post(url, {"action": "extend", "extend-working_days": "5", "extend-reason": "Again"})

    assert response.status_code == 403
    assert "A manager must agree a second extension." in response.content.decode()
    assert footprint(case) == before


def test_an_officer_who_has_extended_once_is_not_offered_a_second_extension_but_their_manager_is(client, borough):
    case = log(borough)
    url = reverse("staff-case", args=[case.pk])
    signed_in(client, borough.officer1.user)
    client.post(url, {"action": "extend", "extend-working_days": "5", "extend-reason": "Provider"})

    html = client.get(url).content.decode()

    assert "extend" not in action_buttons(html)
    assert "A manager must agree a second extension." in html
    signed_in(client, borough.north.manager.user)
    assert "extend" in action_buttons(client.get(url).content.decode())


def test_a_closed_case_takes_no_more_messages(client, borough):
    case = log(borough)
    signed_in(client, borough.north.manager.user)
    url = reverse("staff-case", args=[case.pk])
    client.post(url, {"action": "close", "close-outcome": "Duplicate"})

    page = client.get(url).content.decode()
    assert 'value="message"' not in page
    assert "This case is closed, so there is nothing more to do on it." in page
    response = client.post(url, {"action": "message", "message-text": "Hello?"})
    assert response.status_code == 409
    assert not case.messages.exists()


# --- the handover summary -------------------------------------------------------------------------


def test_the_handover_summary_has_the_child_the_plan_every_message_past_owners_and_other_cases(client, borough):
    case = log(borough, summary="Therapy")
    other = log(borough, summary="Another problem")
    colleague = north_officers(borough)[1]
    signed_in(client, borough.officer1.user)
    url = reverse("staff-case", args=[case.pk])
    client.post(url, {"action": "message", "message-text": "We are on it."})
    client.post(url, {"action": "note", "note-text": "Call the trust."})
    case_reassign(actor=borough.north.manager.user, case=case, officer=colleague, note="Cover the school visit")

    html = client.get(reverse("staff-handover", args=[case.pk])).content.decode()

    assert shown(borough.child1.display_name) in html
    assert borough.provision1.description in html and borough.child1.ehcp.reference in html
    assert borough.provision1.get_section_display() in html
    assert "We are on it." in html and "Call the trust." in html and "Staff only: the family cannot see this</strong>" in html
    assert shown(borough.officer1.display_name) in html and shown(colleague.display_name) in html
    assert "Cover the school visit" in html
    assert other.reference in html


def test_the_handover_summary_page_keeps_another_teams_case_of_the_child_to_that_team(client, borough):
    case = log(borough, summary="Therapy")
    elsewhere = log(borough, category="transport", summary="The driver left Alex at the wrong gate")
    assert elsewhere.team_id == borough.transport.pk
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-handover", args=[case.pk])).content.decode()

    assert elsewhere.reference not in html and "wrong gate" not in html
    assert "No other cases." in html
