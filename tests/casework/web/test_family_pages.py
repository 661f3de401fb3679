"""The families' pages through Django's test client: every page renders, another family's concern is not found,
and one concern's page with its promises, timeline, reply, reopening and chase."""

from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from casework import services
from casework.models import Case, CaseEvent, CaseMessage, Cover
from core.time import describe_moment
from escalations.models import ClockKind
from escalations.services import sla_sweep
from escalations.working_days import add_working_days
from notifications.models import Notification
from tests.casework.web.family_pages import CHECK, QUESTIONS, log, named_officer, text_of
from tests.factories import OfficerFactory, UserFactory


def test_every_family_page_renders_for_a_parent(parent, borough):
    case = log(borough.parent1, borough.child1, provision_item_id=borough.provision1.pk)

    for url in (
        "/concerns/",
        "/children/",
        QUESTIONS["category"],
        f"/concerns/{case.pk}/",
        f"/concerns/{case.pk}/sent/",
        "/inbox/",
        "/settings/notifications/",
    ):
        response = parent.get(url)
        assert response.status_code == 200, url
        assert 'class="govuk-service-navigation' in text_of(response), url


def test_the_list_shows_the_familys_concerns_newest_first_with_a_status_tag_and_the_named_officer(parent, borough):
    older = log(borough.parent1, borough.child1, summary="The older one")
    newer = log(borough.parent1, borough.child1, summary="The newer one", category="transport")
    log(borough.parent2, borough.child2, summary="Another family's concern")

    page = text_of(parent.get("/concerns/"))

    assert page.index(newer.reference) < page.index(older.reference)
    assert "Another family&#x27;s concern" not in page and "Another family's concern" not in page
    assert '<strong class="govuk-tag govuk-tag--blue">New</strong>' in page
    assert older.accountable_officer.display_name in unescape(page)
    assert 'href="/concerns/new/"' in page and "govuk-button--start" in page


def test_status_tags_follow_the_govuk_colours(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_await_parent(actor=officer, case=case, note="Please send the letter from school.")

    page = text_of(parent.get("/concerns/"))

    assert '<strong class="govuk-tag govuk-tag--yellow">Waiting for you</strong>' in page


def test_your_children_lists_each_childs_ehcp_provision(parent, borough):
    page = unescape(text_of(parent.get("/children/")))  # a name may hold an apostrophe

    assert borough.child1.display_name in page
    assert borough.child2.display_name not in page
    assert "Speech and language therapy" in page
    assert "1 hour weekly" in page
    assert "Community NHS Trust" in page
    assert "F: special educational provision" in page
    # The child's own file, to take to the Tribunal or the Ombudsman; never another family's.
    assert f"/api/children/{borough.child1.pk}/file/?format=pdf" in page
    assert f"/api/children/{borough.child2.pk}/file/" not in page


# --- another family's concern, and staff -----------------------------------------------------------


def test_another_familys_concern_is_not_found(parent, borough):
    theirs = log(borough.parent2, borough.child2)

    assert parent.get(f"/concerns/{theirs.pk}/").status_code == 404
    assert parent.get(f"/concerns/{theirs.pk}/sent/").status_code == 404
    assert parent.post(f"/concerns/{theirs.pk}/reply/", {"text": "Hello"}).status_code == 404
    assert parent.post(f"/concerns/{theirs.pk}/chase/").status_code == 404
    assert parent.post(f"/concerns/{theirs.pk}/reopen/", {"reason": "x"}).status_code == 404
    assert not CaseMessage.objects.filter(case=theirs).exists()


def test_someone_elses_inbox_message_is_not_found(parent, borough):
    log(borough.parent2, borough.child2)
    theirs = Notification.objects.filter(recipient=borough.parent2, channel="in_app").first()

    assert parent.post(f"/inbox/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_staff_opening_a_family_page_are_sent_to_their_own_pages(client, borough):
    case = log(borough.parent1, borough.child1)
    client.force_login(named_officer(case))

    for url in ("/concerns/", "/children/", "/concerns/new/", QUESTIONS["details"], CHECK):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url == "/", url
    concern = client.get(f"/concerns/{case.pk}/")
    assert concern.status_code == 302 and concern.url == f"/cases/{case.pk}/"
    assert client.post(f"/concerns/{case.pk}/reply/", {"text": "Hello"}).status_code == 302
    assert not CaseMessage.objects.filter(case=case).exists()


def test_signed_out_people_are_asked_to_sign_in(client, borough):
    for url in ("/concerns/", "/children/", "/concerns/new/", "/inbox/", "/settings/notifications/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/sign-in/"), url


def test_the_inbox_and_settings_are_open_to_staff(client, borough):
    log(borough.parent1, borough.child1)
    officer = borough.north.officers.filter(is_manager=False).first()
    client.force_login(officer.user)

    assert client.get("/inbox/").status_code == 200
    settings_page = text_of(client.get("/settings/notifications/"))
    assert "reminders in one email each morning" in settings_page


# --- one concern -----------------------------------------------------------------------------


def test_the_concern_page_shows_the_dates_the_officer_and_the_timeline_without_staff_notes(parent, borough):
    case = log(borough.parent1, borough.child1, provision_item_id=borough.provision1.pk)
    officer = named_officer(case)
    services.case_message_add(actor=officer, case=case, text="A note only staff see", internal=True)
    services.case_message_add(actor=officer, case=case, text="I have called the school.")

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    assert case.reference in page and "Speech therapy has stopped" in page
    assert case.accountable_officer.display_name in unescape(page)
    assert "Confirm your named officer has read it" in page and "Put things right" in page
    assert "Done on time" in page  # the officer's reply met the acknowledge and respond dates
    assert "Not due yet" in page
    assert "I have called the school." in page
    assert "A note only staff see" not in page
    assert page.index("Concern logged") < page.index("I have called the school.")
    assert "we will pass it to" in page and "the team manager" in page
    assert "Chase this" not in page


def test_the_concern_page_names_the_officer_covering(parent, borough):
    case = log(borough.parent1, borough.child1)
    owner = case.accountable_officer
    cover = OfficerFactory(team=owner.team, user__first_name="Casey", user__last_name="Cover")
    now = timezone.now()
    Cover.objects.create(officer=owner, cover_officer=cover, starts_at=now - timedelta(days=1),
                         ends_at=now + timedelta(days=5), set_by=owner.user)

    page = unescape(text_of(parent.get(f"/concerns/{case.pk}/")))

    assert f"Casey Cover is covering while {owner.display_name} is away" in page


def away_with_cover(officer):
    """`officer` is away for five days from yesterday, and Casey Cover covers them."""
    cover_officer = OfficerFactory(team=officer.team, user__first_name="Casey", user__last_name="Cover")
    now = timezone.now()
    return Cover.objects.create(officer=officer, cover_officer=cover_officer, starts_at=now - timedelta(days=1),
                                ends_at=now + timedelta(days=5), set_by=officer.user)


def test_a_concern_sent_while_its_officer_is_away_says_who_is_covering(parent, borough):
    case = log(borough.parent1, borough.child1)
    owner = Case.objects.get(pk=case.pk).accountable_officer
    cover = away_with_cover(owner)

    page = unescape(text_of(parent.get(f"/concerns/{case.pk}/sent/")))

    assert f"{owner.display_name} is your named officer." in page
    assert (
        f"{owner.display_name} is away until {describe_moment(cover.ends_at)}. "
        "Casey Cover is covering and will pick up anything urgent." in page
    )


def test_a_message_or_reopening_while_the_officer_is_away_says_it_reached_whoever_covers_them(parent, borough):
    case = log(borough.parent1, borough.child1)
    owner = Case.objects.get(pk=case.pk).accountable_officer
    services.case_acknowledge(actor=owner.user, case=case)
    services.case_resolve(actor=owner.user, case=case, outcome="Therapy restarts on Monday.")
    away_with_cover(owner)
    both = f"{owner.display_name} and Casey Cover, who is covering while {owner.display_name} is away"

    replied = unescape(text_of(parent.post(f"/concerns/{case.pk}/reply/", {"text": "Thank you."}, follow=True)))
    reopened = unescape(text_of(parent.post(f"/concerns/{case.pk}/reopen/", {"reason": "It stopped."}, follow=True)))

    assert f"Your message has been sent to {both}." in replied
    assert f"We have reopened your concern and told {both}." in reopened
    assert f"{owner.display_name} will be in touch" not in reopened


def test_the_concern_page_never_shows_a_staff_sign_in_name_for_who_did_something(parent, borough):
    case = log(borough.parent1, borough.child1)
    administrator = UserFactory(username="cadmin-7", first_name="", last_name="", is_staff=True, is_superuser=True)
    services.case_message_add(actor=administrator, case=case, text="We have asked the school.")

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    assert "We have asked the school." in page
    assert "Your council&#x27;s SEND team" in page
    assert "cadmin-7" not in page


def test_a_missed_date_we_then_extended_says_the_new_date_is_ahead_not_that_it_was_due(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_message_add(actor=officer, case=case, text="I have called the school.")
    resolve = case.clocks.get(kind=ClockKind.RESOLVE)

    with time_machine.travel(add_working_days(resolve.due_at, 1), tick=False):
        sla_sweep()
        services.case_extend(actor=officer, case=case, working_days=5, reason="The therapist starts next week.")
        resolve.refresh_from_db()
        assert resolve.due_at > timezone.now() and resolve.breached_at is not None

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    new_date = describe_moment(resolve.due_at)
    assert f"This was due by {new_date}" not in page
    assert f"We missed the first date we gave you. We now aim to do this by {new_date}." in page


def test_dates_on_hold_say_when_they_are_due_not_that_they_were_due(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_await_parent(actor=officer, case=case, note="Please send the school's letter.")
    resolve_due = describe_moment(case.clocks.get(kind=ClockKind.RESOLVE).due_at)

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    assert f"This was due by {resolve_due}" not in page
    assert f"This is due by {resolve_due}. The date moves later by the time we wait for you." in page


def test_a_reply_while_we_wait_on_the_family_restarts_the_work(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_await_parent(actor=officer, case=case, note="Please send the school's letter.")
    assert "Our dates are on hold" in text_of(parent.get(f"/concerns/{case.pk}/"))

    response = parent.post(f"/concerns/{case.pk}/reply/", {"text": "Here is the letter."}, follow=True)

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    assert CaseMessage.objects.filter(case=case, author=borough.parent1, text="Here is the letter.").exists()
    assert "We have started work on your concern again." in text_of(response)


def test_an_empty_reply_shows_the_error_summary_and_writes_nothing(parent, borough):
    case = log(borough.parent1, borough.child1)

    response = parent.post(f"/concerns/{case.pk}/reply/", {"text": "  "})

    assert response.status_code == 400
    page = text_of(response)
    assert "govuk-error-summary" in page and 'href="#id_text"' in page and "Enter a message" in page
    assert not CaseMessage.objects.filter(case=case).exists()


def test_a_closed_concern_shows_the_family_why_it_was_closed_not_what_was_done(parent, borough):
    case = log(borough.parent1, borough.child1)
    services.case_close(actor=borough.head_of_service.user, case=case, outcome="Dealt with by the school complaints process.")

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    assert "Why we closed it" in page and "What we did" not in page
    assert "Dealt with by the school complaints process." in page


def test_dates_a_concern_was_closed_before_meeting_are_not_shown_as_done(parent, borough):
    kept = log(borough.parent1, borough.child1)
    services.case_acknowledge(actor=named_officer(kept), case=kept)
    services.case_close(actor=borough.head_of_service.user, case=kept, outcome="Dealt with by the school complaints process.")
    closed_at = Case.objects.get(pk=kept.pk).closed_at

    page = text_of(parent.get(f"/concerns/{kept.pk}/"))

    dates = page.split("Our dates")[1].split("What has happened so far")[0]
    assert dates.count("Done on time") == 1  # the acknowledgement, which was made
    assert dates.count(f"This stopped when we closed your concern at {describe_moment(closed_at)}.") == 2
    assert dates.count(">Closed</strong>") == 2


def test_a_reply_to_a_closed_concern_is_refused_as_a_form_error(parent, borough):
    case = log(borough.parent1, borough.child1)
    services.case_close(actor=borough.head_of_service.user, case=case, outcome="Dealt with elsewhere.")
    page = text_of(parent.get(f"/concerns/{case.pk}/"))
    assert "Send message" not in page and "This concern is closed." in page

    response = parent.post(f"/concerns/{case.pk}/reply/", {"text": "Hello?"})

    assert response.status_code == 409  # as the API answers: the case's state, not the parent's words
    assert "This case is closed" in text_of(response)
    assert not CaseMessage.objects.filter(case=case).exists()


def test_a_reply_refused_because_the_concern_closed_while_the_parent_wrote_keeps_what_they_wrote(parent, borough):
    case = log(borough.parent1, borough.child1)
    services.case_close(actor=borough.head_of_service.user, case=case, outcome="Dealt with elsewhere.")

    response = parent.post(f"/concerns/{case.pk}/reply/", {"text": "The taxi did not come\non Monday or Tuesday."})

    page = text_of(response)
    assert "This case is closed" in page
    assert "We have not sent this. You can copy it into a new concern." in page
    assert "The taxi did not come<br>on Monday or Tuesday." in page
    assert not CaseMessage.objects.filter(case=case).exists()


def test_chasing_before_any_date_has_passed_shows_the_services_refusal(parent, borough):
    case = log(borough.parent1, borough.child1)

    response = parent.post(f"/concerns/{case.pk}/chase/", follow=True)

    assert response.status_code == 200
    assert "You can chase once a date we promised has passed." in text_of(response)
    assert not CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CHASED).exists()


def chased_by_page(parent, case):
    """The concern page once a date has passed, and what the parent is told when they chase from it."""
    with time_machine.travel(add_working_days(timezone.now(), 3), tick=False):
        page = unescape(text_of(parent.get(f"/concerns/{case.pk}/")))
        said = unescape(text_of(parent.post(f"/concerns/{case.pk}/chase/", follow=True)))
    return page, said


def told_of_chase(user):
    return Notification.objects.filter(recipient=user, template="manager_chased", channel=Notification.Channel.IN_APP)


def no_manager_in_post(borough):
    """Every post on SEND North's escalation ladder empty: its manager, its head of service, the director."""
    borough.north.manager = None
    borough.north.head_of_service = None
    borough.north.save()
    borough.organisation.director = None
    borough.organisation.save()


def test_the_page_names_the_team_manager_a_chase_goes_to(parent, borough):
    case = log(borough.parent1, borough.child1)
    manager = borough.north.manager.display_name

    page, said = chased_by_page(parent, case)

    assert f"We will tell {manager}, the team manager. They must reply within 2 working days." in page
    assert f"We have told {manager}, the team manager. They have 2 working days to reply." in said
    assert told_of_chase(borough.north.manager.user).count() == 1


def test_a_chase_with_no_team_manager_in_post_goes_to_the_head_of_service_and_the_family_is_told_so(parent, borough):
    borough.north.manager = None
    borough.north.save()
    case = log(borough.parent1, borough.child1)
    head = borough.head_of_service.display_name

    page, said = chased_by_page(parent, case)

    assert f"We will tell {head}, the head of service." in page
    assert f"We have told {head}, the head of service." in said
    assert "team manager" not in said
    assert told_of_chase(borough.head_of_service.user).count() == 1


def test_a_chase_with_every_managers_post_empty_reaches_the_named_officer_and_says_why(parent, borough):
    no_manager_in_post(borough)
    case = log(borough.parent1, borough.child1)
    officer = Case.objects.get(pk=case.pk).accountable_officer

    page, said = chased_by_page(parent, case)

    reason = "your named officer, as no manager is in post for this team at the moment"
    assert f"We will tell {officer.display_name}, {reason}." in page
    assert f"We have told {officer.display_name}, {reason}." in said
    assert told_of_chase(officer.user).count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CHASED).count() == 1


def test_a_chase_that_reaches_the_named_officer_while_they_are_away_reaches_whoever_covers_them(parent, borough):
    no_manager_in_post(borough)
    case = log(borough.parent1, borough.child1)
    officer = Case.objects.get(pk=case.pk).accountable_officer
    cover_officer = borough.officer2
    Cover.objects.create(
        officer=officer, cover_officer=cover_officer, starts_at=timezone.now(),
        ends_at=add_working_days(timezone.now(), 10), set_by=borough.head_of_service.user,
    )

    chased_by_page(parent, case)

    assert told_of_chase(officer.user).count() == 1
    assert told_of_chase(cover_officer.user).count() == 1


def risk_pages(parent, case):
    return tuple(unescape(text_of(parent.get(url))) for url in (f"/concerns/{case.pk}/sent/", f"/concerns/{case.pk}/"))


def test_a_family_reporting_a_risk_is_told_which_manager_was_told_at_once(parent, borough):
    case = log(borough.parent1, borough.child1, safeguarding=True)
    manager = borough.north.manager.display_name

    sent, concern = risk_pages(parent, case)

    assert f"so straight away we told {manager}, the team manager." in sent
    assert f"If we miss one of these dates, we will tell {manager}, the team manager." in sent
    assert f"Straight away we told {manager}, the team manager." in concern


def test_a_risk_reported_with_every_managers_post_empty_is_not_said_to_have_reached_a_manager(parent, borough):
    no_manager_in_post(borough)
    case = log(borough.parent1, borough.child1, safeguarding=True)

    sent, concern = risk_pages(parent, case)

    assert "so straight away we told your named officer." in sent
    assert "If we miss one of these dates" not in sent  # nobody is in post to be told
    assert "Straight away we told your named officer." in concern
    assert "manager" not in sent.split("at risk of harm")[1].split(".")[0]
    officer = Case.objects.get(pk=case.pk).accountable_officer.user
    assert Notification.objects.filter(
        recipient=officer, template="officer_case_assigned", channel=Notification.Channel.IN_APP
    ).exists()


def test_a_parent_can_chase_once_a_date_has_passed(parent, borough):
    case = log(borough.parent1, borough.child1)

    with time_machine.travel(add_working_days(timezone.now(), 3), tick=False):
        page = text_of(parent.get(f"/concerns/{case.pk}/"))
        assert "Chase this" in page and "Late" in page
        response = parent.post(f"/concerns/{case.pk}/chase/", follow=True)
        assert "You have chased this concern." in text_of(response)
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CHASED).count() == 1

        again = parent.post(f"/concerns/{case.pk}/chase/", follow=True)
        assert "You chased this case recently." in text_of(again)
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.CHASED).count() == 1


def test_after_a_chase_the_page_says_when_the_parent_can_chase_again_instead_of_offering_a_chase_it_would_refuse(
    parent, borough
):
    case = log(borough.parent1, borough.child1)
    late = add_working_days(timezone.now(), 3)
    with time_machine.travel(late, tick=False):
        parent.post(f"/concerns/{case.pk}/chase/")
        page = text_of(parent.get(f"/concerns/{case.pk}/"))

    again_from = add_working_days(late, 5)
    assert "Chase this" not in page
    assert f"You can chase again from {describe_moment(again_from)}." in page

    with time_machine.travel(again_from + timedelta(minutes=1), tick=False):
        parent.force_login(borough.parent1)
        assert "Chase this" in text_of(parent.get(f"/concerns/{case.pk}/"))


def test_a_resolved_concern_can_be_reopened_with_a_reason(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_resolve(actor=officer, case=case, outcome="Therapy restarts on Monday.")
    page = text_of(parent.get(f"/concerns/{case.pk}/"))
    assert "Reopen concern" in page and "Therapy restarts on Monday." in page

    empty = parent.post(f"/concerns/{case.pk}/reopen/", {"reason": ""})
    assert empty.status_code == 400 and "Tell us why the problem is not fixed" in text_of(empty)
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED

    parent.post(f"/concerns/{case.pk}/reopen/", {"reason": "It did not restart."})

    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    reopened = text_of(parent.get(f"/concerns/{case.pk}/"))
    assert "What we did before you reopened it" in reopened and "Therapy restarts on Monday." in reopened


def test_a_reopen_sent_after_the_time_to_reopen_ran_out_keeps_what_the_parent_wrote(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_resolve(actor=officer, case=case, outcome="Therapy restarts on Monday.")

    with time_machine.travel(add_working_days(timezone.now(), 21), tick=False):
        parent.force_login(borough.parent1)
        response = parent.post(f"/concerns/{case.pk}/reopen/", {"reason": "It never restarted."})

    assert response.status_code == 409
    page = text_of(response)
    assert "resolved too long ago to reopen" in page
    assert "We have not sent this. You can copy it into a new concern." in page
    assert "It never restarted." in page
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED


def test_the_was_it_fixed_question_is_linked_once_asked(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_resolve(actor=officer, case=case, outcome="Sorted.")
    services.case_follow_up_send(case=case)

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    assert f'href="/cases/{case.pk}/was-it-fixed/"' in page


def test_the_was_it_fixed_link_opened_again_after_answering_asks_nothing_and_leads_to_the_concern(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_resolve(actor=officer, case=case, outcome="Sorted.")
    services.case_follow_up_send(case=case)
    parent.post(f"/cases/{case.pk}/was-it-fixed/", {"fixed": "yes"})
    events = CaseEvent.objects.filter(case=case).count()

    response = parent.get(f"/cases/{case.pk}/was-it-fixed/")

    page = text_of(response)
    assert response.status_code == 200
    assert "No, it is not fixed" not in page and "Yes, it is still fixed" not in page
    assert "You have already answered, or we no longer need an answer." in page
    assert f'href="/concerns/{case.pk}/"' in page
    assert CaseEvent.objects.filter(case=case).count() == events


@pytest.mark.parametrize(
    "answer, error",
    [
        ({"text": "The bus did not come."}, "Say whether the problem is still fixed"),
        ({"fixed": "maybe", "text": "The bus did not come."}, "Say whether the problem is still fixed"),
        ({"fixed": "no", "text": "x" * 5_001}, "What is wrong now must be 5,000 characters or fewer"),
    ],
)
def test_an_answer_to_is_it_still_fixed_that_cannot_be_read_is_asked_again_and_changes_nothing(
    parent, borough, answer, error
):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=case)
    services.case_resolve(actor=officer, case=case, outcome="Sorted.")
    services.case_follow_up_send(case=case)
    events = CaseEvent.objects.filter(case=case).count()

    response = parent.post(f"/cases/{case.pk}/was-it-fixed/", answer)

    page = text_of(response)
    assert response.status_code == 400
    assert error in page
    assert answer["text"][:100] in page
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED
    assert CaseEvent.objects.filter(case=case).count() == events


def test_links_in_messages_lead_to_the_family_concern_page(parent, borough):
    case = log(borough.parent1, borough.child1)

    assert parent.get(f"/cases/{case.pk}/").url == f"/concerns/{case.pk}/"
