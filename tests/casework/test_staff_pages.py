"""The staff and manager pages, through Django's test client: who may open them, what they show, and
that each form calls the same service as the API, refusing bad input whole."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from casework.models import Case, CaseAccess, CaseEvent, CaseMessage, Cover, Officer
from casework.selectors import case_timeline_for
from casework.services import case_acknowledge, case_await_parent, case_log, case_message_add, case_reassign
from core.time import UK_TIME, describe_moment
from tests.escalations.conftest import at, uk
from tests.factories import OfficerFactory, OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def log(borough, *, child=None, category="provision_not_delivered", summary="Therapy not delivered") -> Case:
    child = child or borough.child1
    parent = borough.parent1 if child == borough.child1 else borough.parent2
    case = case_log(
        actor=parent, child_id=child.pk, category_slug=category, summary=summary,
        description="The therapist has not come to school for six weeks.",
    )
    return Case.objects.get(pk=case.pk)


def north_officers(borough):
    return list(borough.north.officers.filter(is_manager=False).order_by("pk"))


def signed_in(client, user):
    client.force_login(user)
    return client


def footprint(case: Case) -> tuple:
    """Everything a refused form must leave as it was."""
    case.refresh_from_db()
    return (
        case.status, case.accountable_officer_id, case.outcome, case.events.count(), case.messages.count(),
        case.history.count(), case.clocks.order_by("pk").values_list("due_at", flat=True).last(),
    )


def shown(name: str) -> str:
    """A name as the page writes it: Faker's "O'Brien" is escaped in HTML."""
    return escape(name)


def action_buttons(html: str) -> set[str]:
    return set(re.findall(r'name="action" value="([a-z_]+)"', html))


# --- who may open which page ---------------------------------------------------------------


def staff_pages(case, officer):
    return [
        reverse("staff-queue"),
        reverse("staff-team-queue"),
        reverse("staff-case", args=[case.pk]),
        reverse("staff-handover", args=[case.pk]),
    ]


def manager_pages(officer):
    return [
        reverse("manager-dashboard"),
        reverse("manager-officers"),
        reverse("manager-offboard", args=[officer.pk]),
        reverse("manager-cover", args=[officer.pk]),
    ]


def test_the_named_officer_opens_every_staff_page(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    for url in staff_pages(case, borough.officer1):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="govuk-template"' in response.content.decode()


def test_a_manager_opens_every_staff_and_manager_page(client, borough):
    case = log(borough)
    signed_in(client, borough.north.manager.user)

    for url in staff_pages(case, borough.officer1) + manager_pages(borough.officer1):
        assert client.get(url).status_code == 200, url


def test_the_head_of_service_opens_the_dashboard_and_every_teams_officers(client, borough):
    signed_in(client, borough.head_of_service.user)

    assert client.get(reverse("manager-dashboard")).status_code == 200
    officers = client.get(reverse("manager-officers")).content.decode()
    assert shown(borough.officer1.display_name) in officers and shown(borough.officer2.display_name) in officers


def test_a_parent_gets_403_on_every_staff_and_manager_page_even_for_their_own_case(client, borough):
    case = log(borough)
    signed_in(client, borough.parent1)

    for url in staff_pages(case, borough.officer1) + manager_pages(borough.officer1):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("staff-case", args=[case.pk]), {"action": "message", "message-text": "Hi"}).status_code == 403
    assert not case.messages.exists()


def test_an_officer_gets_403_on_every_manager_page(client, borough):
    signed_in(client, borough.officer1.user)

    for url in manager_pages(borough.officer1):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("manager-offboard", args=[borough.officer1.pk]), {"note": "Bye"}).status_code == 403
    borough.officer1.refresh_from_db()
    assert borough.officer1.active


def test_another_teams_case_is_404_as_in_the_api(client, api, borough):
    case = log(borough)  # SEND North
    transport_officer = borough.officer2.user
    signed_in(client, transport_officer)

    assert client.get(reverse("staff-case", args=[case.pk])).status_code == 404
    assert client.get(reverse("staff-handover", args=[case.pk])).status_code == 404
    assert client.post(reverse("staff-case", args=[case.pk]), {"action": "acknowledge"}).status_code == 404
    assert client.get(reverse("staff-case", args=[999_999])).status_code == 404
    assert api.as_user(transport_officer).get(f"/api/cases/{case.pk}/").status_code == 404
    assert not CaseAccess.objects.filter(case=case).exists()


def test_a_manager_cannot_find_an_officer_of_a_team_they_do_not_manage(client, borough):
    signed_in(client, borough.transport.manager.user)

    assert client.get(reverse("manager-offboard", args=[borough.officer1.pk])).status_code == 404
    assert client.get(reverse("manager-cover", args=[borough.officer1.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, borough):
    case = log(borough)

    for url in staff_pages(case, borough.officer1) + manager_pages(borough.officer1):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/sign-in/"), url


def test_links_to_a_case_lead_staff_to_the_staff_case_page(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 302
    assert response.url == reverse("staff-case", args=[case.pk])


# --- the queues ----------------------------------------------------------------------------------


def test_your_queue_lists_your_cases_and_those_you_cover_but_not_a_colleagues(client, borough):
    mine = log(borough, summary="Mine")
    colleague = north_officers(borough)[1]
    theirs = log(borough, child=borough.child2, summary="Theirs")
    assert theirs.accountable_officer == colleague
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-queue")).content.decode()
    assert mine.reference in html and theirs.reference not in html

    Cover.objects.create(officer=colleague, cover_officer=borough.officer1, starts_at=timezone.now(),
                         ends_at=timezone.now() + timedelta(days=3), set_by=borough.north.manager.user)
    html = client.get(reverse("staff-queue")).content.decode()
    assert theirs.reference in html
    assert "Covering" in html


def test_the_team_queue_lists_the_teams_cases_with_their_tags(client, borough):
    ordinary = log(borough, summary="Ordinary")
    urgent = case_log(actor=borough.parent2, child_id=borough.child2.pk, category_slug="other",
                      summary="Left alone on the bus", description="Nobody met him.", safeguarding=True)
    other_team = log(borough, category="transport", summary="No bus")
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-team-queue")).content.decode()

    assert ordinary.reference in html and urgent.reference in html
    assert other_team.reference not in html
    assert "govuk-tag--red\">Safeguarding" in html
    # The safeguarding case falls due first (4 working hours), so it is listed first.
    assert html.index(urgent.reference) < html.index(ordinary.reference)


def test_the_queue_tags_overdue_and_waiting_cases(client, borough):
    late = log(borough, summary="Late")
    waiting = log(borough, summary="Waiting")
    case_acknowledge(actor=borough.officer1.user, case=waiting)
    signed_in(client, borough.officer1.user)
    client.post(reverse("staff-case", args=[waiting.pk]), {"action": "await_parent", "await_parent-note": "Send the letter"})
    late.clocks.update(due_at=timezone.now() - timedelta(hours=1))

    html = client.get(reverse("staff-queue")).content.decode()

    row = lambda case: html[html.index(case.reference):].split("</tr>")[0]  # noqa: E731
    assert "Overdue" in row(late)
    assert "Waiting for family" in row(waiting)
    breached_only = client.get(reverse("staff-queue"), {"breached": "true"}).content.decode()
    assert late.reference in breached_only and waiting.reference not in breached_only


def test_queue_filters_use_the_api_filters_and_bad_values_show_the_error_summary(client, borough):
    transport = log(borough, category="transport", summary="Bus")
    provision = log(borough, summary="Therapy")
    signed_in(client, borough.head_of_service.user)  # over both teams

    by_category = client.get(reverse("staff-team-queue"), {"category": "transport", "status": "open"})
    assert transport.reference in by_category.content.decode()
    assert provision.reference not in by_category.content.decode()

    bad = client.get(reverse("staff-team-queue"), {"status": "sideways"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode()
    assert "Choose a status from the list" in bad.content.decode()


def test_the_queue_shows_open_cases_unless_asked_for_another_status(client, borough):
    closed = log(borough, summary="Closed one")
    client = signed_in(client, borough.officer1.user)
    client.post(reverse("staff-case", args=[closed.pk]), {"action": "close", "close-outcome": "Duplicate"})

    assert closed.reference not in client.get(reverse("staff-queue")).content.decode()
    assert closed.reference in client.get(reverse("staff-queue"), {"status": "all"}).content.decode()
    assert closed.reference in client.get(reverse("staff-queue"), {"status": "closed"}).content.decode()


def test_the_queue_pages_25_cases_at_a_time(client, borough):
    for _ in range(27):
        log(borough)
    signed_in(client, borough.officer1.user)

    first = client.get(reverse("staff-queue")).content.decode()
    second = client.get(reverse("staff-queue"), {"page": "2"}).content.decode()

    assert first.count('href="/queue/cases/') == 25
    assert second.count('href="/queue/cases/') == 2
    assert "27 cases, showing 26 to 27" in second


@pytest.mark.parametrize("url_name", ["staff-queue", "staff-team-queue"])
def test_the_queue_costs_the_same_number_of_queries_for_3_or_30_cases(client, borough, url_name):
    signed_in(client, borough.officer1.user)
    colleague = north_officers(borough)[1]
    Cover.objects.create(officer=colleague, cover_officer=borough.officer1, starts_at=timezone.now(),
                         ends_at=timezone.now() + timedelta(days=3), set_by=borough.north.manager.user)

    def queries_with(total):
        while Case.objects.count() < total:
            log(borough)
        client.get(reverse(url_name))  # warm the session and the content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name), {"status": "open", "breached": "false"})
        assert response.status_code == 200
        assert response.content.decode().count('href="/queue/cases/') == min(total, 25)
        return len(queries)

    assert queries_with(3) == queries_with(30)


# --- the case page ---------------------------------------------------------------------------------


def test_a_new_case_offers_acknowledge_and_not_the_later_moves(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert action_buttons(html) == {"acknowledge", "close", "extend", "reassign", "message"}
    assert ">Acknowledge</button>" in html
    assert "Start work" not in html and "Resume work" not in html and "Wait for the family" not in html


def test_an_acknowledged_case_offers_start_wait_resolve_and_close_but_not_acknowledge(client, borough):
    case = log(borough)
    case_acknowledge(actor=borough.officer1.user, case=case)
    signed_in(client, borough.officer1.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert action_buttons(html) == {"start", "await_parent", "resolve", "close", "extend", "reassign", "message"}
    assert ">Acknowledge</button>" not in html
    # The reason for closing is shown to the family, as what was done on resolving is.
    assert "The family will see this, and it is kept on the record." in html


def test_a_colleague_who_is_not_the_named_officer_sees_no_moves_only_the_message_form(client, borough):
    case = log(borough)
    colleague = north_officers(borough)[1]
    signed_in(client, colleague.user)

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert action_buttons(html) == {"message"}
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
    client.post(reverse("staff-case", args=[case.pk]), {"action": "message", "message-text": "Mum is anxious",
                                                          "message-internal": "on"})

    html = client.get(reverse("staff-case", args=[case.pk])).content.decode()

    assert "Mum is anxious" in html
    assert "Internal note</strong>" in html
    assert "Internal note (the family will not see this)" in html
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
    noted = client.post(url, {"action": "message", "message-text": "Check with the school first.",
                              "message-internal": "on"}, follow=True)

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
        ({"action": "message", "message-text": "   "}, "Enter a message or a note"),
        ({"action": "message", "message-text": "", "message-internal": "on"}, "Enter a message or a note"),
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
    signed_in(client, borough.officer1.user)
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
    client.post(url, {"action": "message", "message-text": "Call the trust.", "message-internal": "on"})
    case_reassign(actor=borough.north.manager.user, case=case, officer=colleague, note="Cover the school visit")

    html = client.get(reverse("staff-handover", args=[case.pk])).content.decode()

    assert shown(borough.child1.display_name) in html
    assert borough.provision1.description in html and borough.child1.ehcp.reference in html
    assert borough.provision1.get_section_display() in html
    assert "We are on it." in html and "Call the trust." in html and "Internal note</strong>" in html
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


# --- the dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_draws_accessible_charts_with_their_numbers_in_tables(client, borough):
    log(borough)
    late = log(borough, child=borough.child2)
    late.clocks.update(due_at=timezone.now() - timedelta(hours=2))
    signed_in(client, borough.north.manager.user)

    html = client.get(reverse("manager-dashboard")).content.decode()

    assert html.count('role="img"') == 2
    assert '<title id="chart-months-title">' in html and '<title id="chart-teams-title">' in html
    this_month = timezone.localdate(timezone.now(), UK_TIME).strftime("%B %Y")
    assert f'<th scope="row" class="govuk-table__header">{this_month}</th>' in html
    assert "SEND North" in html
    assert late.reference in html  # overdue now
    assert shown(borough.officer1.display_name) in html  # accountability


def test_the_dashboards_csv_links_work_with_the_managers_session(client, borough):
    log(borough)
    signed_in(client, borough.north.manager.user)
    html = client.get(reverse("manager-dashboard")).content.decode()
    links = [link.replace("&amp;", "&") for link in re.findall(r'href="(/api/reports/[^"]+)"', html)]

    assert len(links) >= 6
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Content-Type"].startswith("text/csv"), link


def test_the_dashboard_lists_escalations_on_the_managers_teams(client, borough):
    from escalations.services import sla_sweep

    case = log(borough)
    case.clocks.filter(kind="acknowledge").update(due_at=timezone.now() - timedelta(minutes=5),
                                                  next_check_at=timezone.now() - timedelta(minutes=5))
    sla_sweep()
    signed_in(client, borough.north.manager.user)

    html = client.get(reverse("manager-dashboard")).content.decode()

    escalations = html[html.index('id="escalations"'):html.index('id="accountability"')]
    assert case.reference in escalations


# --- officers: offboarding and cover ------------------------------------------------------------------


def test_the_officers_page_lists_the_managers_officers_with_open_case_counts(client, borough):
    log(borough)
    log(borough)
    signed_in(client, borough.north.manager.user)

    html = client.get(reverse("manager-officers")).content.decode()

    row = html[html.index(shown(borough.officer1.display_name)):].split("</tr>")[0]
    assert ">2</td>" in row
    assert shown(borough.officer2.display_name) not in html  # Transport is not theirs
    assert reverse("manager-offboard", args=[borough.officer1.pk]) in html


def test_the_offboarding_preview_shows_where_each_case_goes_and_confirming_moves_them_so(client, borough):
    leaver, colleague = north_officers(borough)
    third = OfficerFactory(team=borough.north)
    # Two cases for Alex and one for Bea, all with the leaver; the colleague already holds one for Bea.
    alex_1, alex_2 = log(borough), log(borough)
    bea_with_colleague = log(borough, child=borough.child2)
    assert bea_with_colleague.accountable_officer in (colleague, third)
    bea = log(borough, child=borough.child2)
    for case in (alex_1, alex_2, bea):
        if case.accountable_officer != leaver:
            case_reassign(actor=borough.north.manager.user, case=case, officer=leaver, note="Setup")
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    html = client.get(url).content.decode()

    preview = {}
    for reference, goes_to in re.findall(
        r'<a class="govuk-link" href="/queue/cases/\d+/">([A-Z0-9-]+)</a>.*?</td>\s*<td[^>]*>.*?</td>\s*'
        r'<td class="govuk-table__cell">(.*?)</td>', html, re.S
    ):
        preview[reference] = unescape(goes_to)
    assert set(preview) == {alex_1.reference, alex_2.reference, bea.reference}
    assert preview[bea.reference] == Officer.objects.get(pk=Case.objects.get(pk=bea_with_colleague.pk)
                                                         .accountable_officer_id).display_name
    assert "Already holds an open case for this child" in html
    assert preview[alex_1.reference] == preview[alex_2.reference]

    response = client.post(url, {"successor": "", "note": "Leaving for a new job"})

    assert response.status_code == 302 and response.url == reverse("manager-officers")
    for case in (alex_1, alex_2, bea):
        case.refresh_from_db()
        assert case.accountable_officer.display_name == preview[case.reference]
        assert case.events.filter(kind=CaseEvent.Kind.HANDOVER).exists()
    leaver.refresh_from_db()
    assert not leaver.active


def test_the_preview_with_a_chosen_successor_sends_every_case_to_them(client, borough):
    leaver = borough.officer1
    cases = [log(borough), log(borough)]
    assert {case.accountable_officer for case in cases} == {leaver}
    successor = borough.officer2  # Transport, same council
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    html = client.get(url, {"successor": successor.pk}).content.decode()

    assert html.count(f'<td class="govuk-table__cell">{shown(successor.display_name)}</td>') == 2
    assert f'name="successor" value="{successor.pk}"' in html

    client.post(url, {"successor": successor.pk, "note": "All to transport"})
    assert {Case.objects.get(pk=case.pk).accountable_officer for case in cases} == {successor}


def test_offboarding_without_a_note_shows_the_error_summary_and_changes_nothing(client, borough):
    case = log(borough)
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-offboard", args=[borough.officer1.pk]), {"successor": "", "note": " "})

    assert response.status_code == 400
    assert "Write a handover note for whoever takes the cases on" in response.content.decode()
    assert 'href="#confirm_note"' in response.content.decode()
    borough.officer1.refresh_from_db()
    case.refresh_from_db()
    assert borough.officer1.active and case.accountable_officer == borough.officer1


def test_confirming_without_a_note_keeps_the_chosen_successor_in_the_preview(client, borough):
    leaver = borough.officer1
    cases = [log(borough), log(borough)]
    successor = borough.officer2  # Transport: routing would never send these cases there
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    response = client.post(url, {"successor": successor.pk, "note": ""})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Write a handover note for whoever takes the cases on" in html
    assert html.count(f'<td class="govuk-table__cell">{shown(successor.display_name)}</td>') == 2
    assert re.search(rf'<option value="{successor.pk}"[^>]* selected>', html)
    assert f'name="successor" value="{successor.pk}"' in html
    leaver.refresh_from_db()
    assert leaver.active
    assert {Case.objects.get(pk=case.pk).accountable_officer for case in cases} == {leaver}


def test_a_bad_successor_in_the_preview_shows_the_error_summary(client, borough):
    signed_in(client, borough.north.manager.user)

    response = client.get(reverse("manager-offboard", args=[borough.officer1.pk]), {"successor": "999999"})

    assert response.status_code == 400
    assert "Choose an active officer from the list" in response.content.decode()


def test_a_case_nobody_else_in_its_team_can_take_goes_to_the_head_of_service_as_the_preview_says(client, borough):
    lonely_team = TeamFactory(organisation=borough.organisation, name="Lonely", head_of_service=borough.head_of_service)
    loner = OfficerFactory(team=lonely_team)
    case = log(borough)
    case_reassign(actor=borough.head_of_service.user, case=case, officer=loner, note="Setup")
    signed_in(client, borough.head_of_service.user)
    url = reverse("manager-offboard", args=[loner.pk])

    preview = client.get(url).content.decode()
    assert "Head of service: nobody in Lonely can take it" in preview
    assert "Cannot be placed" not in preview

    response = client.post(url, {"successor": "", "note": "Leaving"})

    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert case.accountable_officer == borough.head_of_service and case.team == lonely_team


def test_cases_that_cannot_be_placed_show_in_the_preview_and_confirming_lists_them_and_changes_nothing(client, borough):
    lonely_team = TeamFactory(organisation=borough.organisation, name="Lonely", head_of_service=borough.head_of_service)
    loner = OfficerFactory(team=lonely_team)
    case = log(borough)
    case_reassign(actor=borough.head_of_service.user, case=case, officer=loner, note="Setup")
    # Everyone above the team has left too: only an administrator can still offboard the loner.
    Officer.objects.filter(pk__in=[borough.head_of_service.pk, borough.director.pk]).update(active=False)
    administrator = get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password")
    signed_in(client, administrator)
    url = reverse("manager-offboard", args=[loner.pk])

    preview = client.get(url).content.decode()
    assert "Cannot be placed" in preview
    assert "1 case cannot be placed" in preview

    response = client.post(url, {"successor": "", "note": "Leaving"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "could not be handed over, so nothing was changed" in html
    assert f"{case.reference}: Nobody in Lonely can take this case" in html
    loner.refresh_from_db()
    case.refresh_from_db()
    assert loner.active and case.accountable_officer == loner


def test_arranging_cover_through_the_page(client, borough):
    log(borough)
    away, cover = north_officers(borough)
    signed_in(client, borough.north.manager.user)
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": cover.pk, "until_day": until.day, "until_month": until.month, "until_year": until.year,
    })

    assert response.status_code == 302
    arranged = Cover.objects.get(officer=away)
    assert arranged.cover_officer == cover
    assert timezone.localtime(arranged.ends_at, UK_TIME).date() == until
    assert "Covered" in client.get(reverse("manager-officers")).content.decode()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"cover_officer": "", "until_day": "1", "until_month": "1", "until_year": "2099"},
         "Choose the officer who will cover"),
        ({"cover_officer": "COVER", "until_day": "", "until_month": "", "until_year": ""},
         "Enter the last day of cover"),
        ({"cover_officer": "COVER", "until_day": "31", "until_month": "2", "until_year": "2099"},
         "The last day of cover must be a real date"),
        ({"cover_officer": "COVER", "until_day": "1", "until_month": "", "until_year": "2099"},
         "The last day of cover must include a month"),
        ({"cover_officer": "COVER", "until_day": "1", "until_month": "1", "until_year": "2001"},
         "The last day of cover must be today or in the future"),
        ({"cover_officer": "AWAY", "until_day": "1", "until_month": "1", "until_year": "2099"},
         "Choose an active officer from the list"),
    ],
)
def test_bad_cover_input_shows_the_error_summary_and_arranges_nothing(client, borough, data, error):
    away, cover = north_officers(borough)
    data = {key: {"COVER": str(cover.pk), "AWAY": str(away.pk)}.get(value, value) for key, value in data.items()}
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-cover", args=[away.pk]), data)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert error in response.content.decode()
    assert not Cover.objects.exists()


MONDAY_2PM = uk(2026, 11, 23, 14, 0)


@pytest.mark.parametrize(
    "first_day, starts_at, told",
    [
        (uk(2026, 11, 30), uk(2026, 11, 30, 9, 0), "will cover {away}'s cases from 9am on Monday 30 November 2026 "
                                                   "until 5pm on Friday 4 December 2026."),
        # Today's working day has begun: cover starts when it is arranged, never before.
        (uk(2026, 11, 23), MONDAY_2PM, "is covering {away}'s cases until 5pm on Friday 4 December 2026."),
    ],
    ids=["next-week", "today"],
)
def test_arranging_cover_ahead_through_the_page_starts_it_at_9am_on_the_first_day(
    client, borough, first_day, starts_at, told
):
    away, cover = north_officers(borough)
    with at(MONDAY_2PM):
        signed_in(client, borough.north.manager.user)
        response = client.post(reverse("manager-cover", args=[away.pk]), {
            "cover_officer": cover.pk, "from_day": first_day.day, "from_month": first_day.month,
            "from_year": first_day.year, "until_day": "4", "until_month": "12", "until_year": "2026",
        }, follow=True)

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert f"{cover.display_name} {told.format(away=away.display_name)}" in html
    arranged = Cover.objects.get(officer=away)
    assert (arranged.starts_at, arranged.ends_at) == (starts_at, uk(2026, 12, 4, 17, 0))


def test_the_cover_page_says_when_cover_still_to_come_starts(client, borough):
    away, cover = north_officers(borough)
    manager = borough.north.manager.user
    Cover.objects.create(officer=away, cover_officer=cover, starts_at=uk(2026, 11, 23, 9, 0),
                         ends_at=uk(2026, 11, 27, 17, 0), set_by=manager)
    Cover.objects.create(officer=away, cover_officer=borough.officer2, starts_at=uk(2026, 11, 30, 9, 0),
                         ends_at=uk(2026, 12, 4, 17, 0), set_by=manager)
    with at(MONDAY_2PM):
        signed_in(client, manager)
        html = unescape(client.get(reverse("manager-cover", args=[away.pk])).content.decode())

    listed = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', html
    )
    assert listed == [
        (cover.display_name, "Covering now, until 5pm on Friday 27 November 2026"),
        (borough.officer2.display_name, "From 9am on Monday 30 November 2026 until 5pm on Friday 4 December 2026"),
    ]


@pytest.mark.parametrize(
    "first_day, last_day, error",
    [
        (("31", "2", "2099"), ("1", "1", "2100"), "The first day of cover must be a real date"),
        (("1", "", "2099"), ("1", "1", "2100"), "The first day of cover must include a month"),
        (("1", "1", "2001"), ("1", "1", "2100"), "The first day of cover must be today or in the future"),
        (("2", "1", "2099"), ("1", "1", "2099"),
         "The first day of cover must be the same as or before the last day of cover"),
    ],
    ids=["not-a-date", "no-month", "past", "after-the-last-day"],
)
def test_a_bad_first_day_of_cover_shows_the_error_summary_and_arranges_nothing(
    client, borough, first_day, last_day, error
):
    away, cover = north_officers(borough)
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": cover.pk, **dict(zip(("from_day", "from_month", "from_year"), first_day, strict=True)),
        **dict(zip(("until_day", "until_month", "until_year"), last_day, strict=True)),
    })

    html = response.content.decode()
    assert response.status_code == 400
    summary = html[html.index("There is a problem"):].split("</ul>")[0]
    assert f'<a href="#id_from_day">{error}</a>' in summary
    assert f'<p id="from-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {error}</p>' in html
    assert not Cover.objects.exists()


def test_cover_overlapping_cover_already_arranged_shows_its_dates_and_arranges_nothing(client, borough):
    away, cover = north_officers(borough)
    now = timezone.now()
    arranged = Cover.objects.create(officer=away, cover_officer=cover, starts_at=now,
                                    ends_at=now + timedelta(days=3), set_by=borough.north.manager.user)
    signed_in(client, borough.north.manager.user)
    until = timezone.localdate(now, UK_TIME) + timedelta(days=7)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": borough.officer2.pk, "until_day": until.day, "until_month": until.month,
        "until_year": until.year,
    })

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in html
    assert (f"{cover.display_name} is already covering {away.display_name} from "
            f"{describe_moment(arranged.starts_at)} until {describe_moment(arranged.ends_at)}.") in html
    assert 'href="#id_from_day"' in html
    assert list(Cover.objects.all()) == [arranged]


def test_cover_for_an_officer_who_has_left_shows_the_error_summary_and_arranges_nothing(client, borough):
    leaver, cover = north_officers(borough)
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-cover", args=[leaver.pk])
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)
    form = {"cover_officer": cover.pk, "until_day": until.day, "until_month": until.month, "until_year": until.year}
    client.get(url)  # the manager opens the page; someone else offboards the officer before they send it
    Officer.objects.filter(pk=leaver.pk).update(active=False)  # test set-up: offboarding has its own tests

    response = client.post(url, form)

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in html
    assert f"{leaver.display_name} has left and their cases have been handed over, so they need no cover." in html
    assert not Cover.objects.exists()


def arranged_cover(borough, away, cover, *, starts_in=timedelta(0), lasts=timedelta(days=3)) -> Cover:
    starts_at = timezone.now() + starts_in
    return Cover.objects.create(officer=away, cover_officer=cover, starts_at=starts_at, ends_at=starts_at + lasts,
                                set_by=borough.north.manager.user)


def test_a_manager_ends_cover_early_from_the_cover_page(client, borough):
    case = log(borough)
    away = case.accountable_officer
    cover = next(officer for officer in north_officers(borough) if officer != away)
    arranged = arranged_cover(borough, away, cover)
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-cover", args=[away.pk])
    end_url = reverse("manager-cover-end", args=[away.pk, arranged.pk])

    html = client.get(url).content.decode()
    form = html[html.index(f'action="{end_url}"'):].split("</form>")[0]
    assert "csrfmiddlewaretoken" in form
    assert 'data-prevent-double-click="true"' in form and "End this cover" in form

    response = client.post(end_url, follow=True)

    html = unescape(response.content.decode())
    assert response.redirect_chain == [(url, 302)]
    assert f"{cover.display_name} is no longer covering {away.display_name}'s cases." in html
    assert "Cover already arranged" not in html
    assert case.events.filter(kind="cover_ended").count() == 1


def test_cancelling_cover_still_to_come_from_the_cover_page_says_it_is_cancelled(client, borough):
    away, cover = north_officers(borough)
    arranged = arranged_cover(borough, away, cover, starts_in=timedelta(days=2))
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-cover-end", args=[away.pk, arranged.pk]), follow=True)

    html = unescape(response.content.decode())
    assert f"Cover cancelled: {cover.display_name} will not be covering {away.display_name}'s cases after all." in html
    assert "is no longer covering" not in html
    arranged.refresh_from_db()
    assert arranged.ends_at == arranged.starts_at


def test_ending_cover_that_has_already_ended_shows_the_error_summary(client, borough):
    away, cover = north_officers(borough)
    arranged = arranged_cover(borough, away, cover, starts_in=-timedelta(days=1))
    signed_in(client, borough.north.manager.user)
    client.get(reverse("manager-cover", args=[away.pk]))  # the manager opens the page; the cover runs out
    Cover.objects.filter(pk=arranged.pk).update(ends_at=timezone.now() - timedelta(minutes=1))

    response = client.post(reverse("manager-cover-end", args=[away.pk, arranged.pk]))

    html = unescape(response.content.decode())
    assert response.status_code == 409
    assert "There is a problem" in html
    assert "This cover is already over, so there is nothing to end." in html
    assert not CaseEvent.objects.filter(kind="cover_ended").exists()


def test_a_manager_cannot_end_cover_for_an_officer_of_a_team_they_do_not_manage(client, borough):
    away, cover = north_officers(borough)
    arranged = arranged_cover(borough, away, cover)
    signed_in(client, borough.transport.manager.user)

    response = client.post(reverse("manager-cover-end", args=[away.pk, arranged.pk]))

    assert response.status_code == 404
    arranged.refresh_from_db()
    assert arranged.ends_at > timezone.now()


def test_cover_by_an_officer_of_another_council_shows_the_error_summary_and_arranges_nothing(client, borough):
    away = north_officers(borough)[0]
    outsider = OfficerFactory(team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere Council")))
    signed_in(client, UserFactory(username="cover-admin", is_staff=True, is_superuser=True))
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": outsider.pk, "until_day": until.day, "until_month": until.month, "until_year": until.year,
    })

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Choose an active officer of the same council to cover." in html
    assert not Cover.objects.exists()


def test_a_director_arranges_cover_for_a_head_of_service_and_can_offboard_them_from_the_officers_page(client, borough):
    head = borough.head_of_service
    signed_in(client, borough.director.user)
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)

    officers = client.get(reverse("manager-officers")).content.decode()

    assert "Senior managers" in officers and shown(head.display_name) in officers
    assert reverse("manager-cover", args=[head.pk]) in officers
    assert reverse("manager-offboard", args=[head.pk]) in officers
    assert client.get(reverse("manager-offboard", args=[head.pk])).status_code == 200
    response = client.post(reverse("manager-cover", args=[head.pk]), {
        "cover_officer": borough.north.manager.pk, "until_day": until.day, "until_month": until.month,
        "until_year": until.year,
    })
    assert response.status_code == 302
    assert Cover.objects.get(officer=head).cover_officer == borough.north.manager


def test_senior_managers_are_listed_only_for_whoever_they_answer_to(client, borough):
    head = borough.head_of_service

    signed_in(client, head.user)
    assert "Senior managers" not in client.get(reverse("manager-officers")).content.decode()
    assert client.get(reverse("manager-cover", args=[head.pk])).status_code == 404
    signed_in(client, borough.north.manager.user)
    assert shown(head.display_name) not in client.get(reverse("manager-officers")).content.decode()
    assert client.get(reverse("manager-cover", args=[head.pk])).status_code == 404
    assert client.get(reverse("manager-offboard", args=[borough.director.pk])).status_code == 404
