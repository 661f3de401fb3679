"""The families' pages through the Django test client: what a parent sees, may do, and may not."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import services
from casework.models import Case, CaseEvent, CaseMessage, Category, Cover
from core.time import describe_moment
from escalations.models import ClockKind
from escalations.services import sla_sweep
from escalations.working_days import add_working_days
from notifications.models import Notification, NotificationPreference
from tests.factories import ChildFactory, EHCPFactory, OfficerFactory, ProvisionItemFactory, UserFactory

QUESTIONS = {
    "child": "/concerns/new/which-child/",
    "category": "/concerns/new/what-about/",
    "provision": "/concerns/new/ehcp-support/",
    "safeguarding": "/concerns/new/is-a-child-at-risk/",
    "details": "/concerns/new/what-happened/",
}
CHECK = "/concerns/new/check-your-answers/"
DETAILS = {"summary": "Speech therapy has stopped", "description": "No therapist since September.\nSchool agrees."}


def log(parent, child, **fields):
    return services.case_log(
        actor=parent,
        child_id=child.pk,
        category_slug=fields.pop("category", "provision_not_delivered"),
        summary=fields.pop("summary", "Speech therapy has stopped"),
        description=fields.pop("description", "No therapist since September."),
        **fields,
    )


def named_officer(case):
    return Case.objects.get(pk=case.pk).accountable_officer.user


@pytest.fixture
def parent(client, borough):
    client.force_login(borough.parent1)
    return client


def text_of(response) -> str:
    return response.content.decode()


def send(parent):
    """Press "Send concern" on the check page as it shows the answers now."""
    shown = text_of(parent.get(CHECK))
    return parent.post(CHECK, {"answers_shown": re.search(r'name="answers_shown" value="(\w+)"', shown)[1]})


# --- every page renders ------------------------------------------------------------------------


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


# --- telling us about a problem -----------------------------------------------------------------


def test_the_journey_asks_each_question_in_turn_and_logs_exactly_one_case_with_the_answers(parent, borough):
    start = parent.get("/concerns/new/")
    # One child: the question "which child" is skipped.
    assert start.url == QUESTIONS["category"]

    page = text_of(parent.get(QUESTIONS["category"]))
    assert "Support in the EHCP is not happening" in page
    assert "not being given, or not as often as the plan says" in page  # the category's plain description as hint
    assert 'class="govuk-back-link"' in page

    assert parent.post(QUESTIONS["category"], {"category": "provision_not_delivered"}).url == QUESTIONS["provision"]
    page = text_of(parent.get(QUESTIONS["provision"]))
    assert "Speech and language therapy: 1 hour weekly" in page
    assert "Something else" in page
    assert f'href="{QUESTIONS["category"]}"' in page  # back link

    assert parent.post(QUESTIONS["provision"], {"provision_item": borough.provision1.pk}).url == QUESTIONS[
        "safeguarding"
    ]
    assert "call 999 now" in text_of(parent.get(QUESTIONS["safeguarding"]))
    assert parent.post(QUESTIONS["safeguarding"], {"safeguarding": "yes"}).url == QUESTIONS["details"]
    assert parent.post(QUESTIONS["details"], DETAILS).url == CHECK

    check = text_of(parent.get(CHECK))
    for answer in ("Support in the EHCP is not happening", "Speech and language therapy: 1 hour weekly",
                   "Speech therapy has stopped", "No therapist since September."):
        assert answer in check
    assert check.count(">Change<") == 5
    assert Case.objects.count() == 0

    sent = send(parent)

    case = Case.objects.get()
    assert sent.status_code == 302 and sent.url == f"/concerns/{case.pk}/sent/"
    assert (case.child, case.category_id, case.provision_item, case.safeguarding) == (
        borough.child1, "provision_not_delivered", borough.provision1, True
    )
    assert (case.summary, case.description) == (DETAILS["summary"], DETAILS["description"])
    assert case.logged_by == borough.parent1

    confirmation = text_of(parent.get(sent.url))
    assert case.reference in confirmation and "govuk-panel--confirmation" in confirmation
    assert case.accountable_officer.display_name in unescape(confirmation)
    assert re.search(r"by \d{1,2}(:\d\d)?[ap]m on \w+day \d{1,2} \w+ \d{4}", confirmation)

    # Sending again (a double click, or the back button) logs nothing more.
    again = parent.post(CHECK)
    assert again.status_code == 302 and Case.objects.count() == 1


def test_the_confirmation_visited_once_the_concern_has_moved_on_goes_to_the_concern_page(parent, borough):
    acknowledged = log(borough.parent1, borough.child1)
    services.case_acknowledge(actor=named_officer(acknowledged), case=acknowledged)
    waiting = log(borough.parent1, borough.child1, summary="Transport is late")
    acknowledge_due = Case.objects.get(pk=waiting.pk).clocks.get(kind=ClockKind.ACKNOWLEDGE).due_at

    moved_on = parent.get(f"/concerns/{acknowledged.pk}/sent/")
    before_its_date = parent.get(f"/concerns/{waiting.pk}/sent/")
    with time_machine.travel(acknowledge_due + timedelta(minutes=1), tick=False):
        after_its_date = parent.get(f"/concerns/{waiting.pk}/sent/")

    assert moved_on.status_code == 302 and moved_on.url == f"/concerns/{acknowledged.pk}/"
    assert before_its_date.status_code == 200 and "We will:" in text_of(before_its_date)
    assert after_its_date.status_code == 302 and after_its_date.url == f"/concerns/{waiting.pk}/"


def test_a_parent_of_two_children_is_asked_which_child_and_the_ehcp_question_follows_the_child(parent, borough):
    sibling = ChildFactory(family=borough.child1.family, first_name="Sam")
    sibling_item = ProvisionItemFactory(ehcp=EHCPFactory(child=sibling), description="Occupational therapy")

    assert parent.get("/concerns/new/").url == QUESTIONS["child"]
    page = text_of(parent.get(QUESTIONS["child"]))
    assert "Alex" in page and "Sam" in page and 'href="/concerns/"' in page
    parent.post(QUESTIONS["child"], {"child": sibling.pk})
    parent.post(QUESTIONS["category"], {"category": "provision_not_delivered"})

    page = text_of(parent.get(QUESTIONS["provision"]))
    assert "Occupational therapy" in page and "Speech and language therapy" not in page
    # Another child's support cannot be chosen.
    refused = parent.post(QUESTIONS["provision"], {"provision_item": borough.provision1.pk})
    assert refused.status_code == 400
    parent.post(QUESTIONS["provision"], {"provision_item": sibling_item.pk})
    parent.post(QUESTIONS["safeguarding"], {"safeguarding": "no"})
    parent.post(QUESTIONS["details"], DETAILS)

    # Changing the child from the check page drops the support chosen for the other child and asks again.
    changed = parent.post(f"{QUESTIONS['child']}?change=1", {"child": borough.child1.pk})
    assert changed.url == f"{QUESTIONS['provision']}?change=1"
    back_to_check = parent.post(f"{QUESTIONS['provision']}?change=1", {"provision_item": "other"})
    assert back_to_check.url == CHECK
    send(parent)

    case = Case.objects.get()
    assert case.child == borough.child1 and case.provision_item is None


def test_answers_changed_in_another_tab_are_shown_to_check_again_not_sent_unseen(parent, borough):
    sibling = ChildFactory(family=borough.child1.family, first_name="Sam")
    parent.get("/concerns/new/")
    parent.post(QUESTIONS["child"], {"child": borough.child1.pk})
    parent.post(QUESTIONS["category"], {"category": "transport"})
    parent.post(QUESTIONS["safeguarding"], {"safeguarding": "yes"})
    parent.post(QUESTIONS["details"], DETAILS)
    first_tab = text_of(parent.get(CHECK))
    # In a second tab the parent answers for the other child, and says nobody is at risk.
    parent.post(QUESTIONS["child"], {"child": sibling.pk})
    parent.post(QUESTIONS["safeguarding"], {"safeguarding": "no"})

    pressed_in_first_tab = parent.post(CHECK, dict(re.findall(r'name="(answers_shown)" value="(\w+)"', first_tab)))

    assert pressed_in_first_tab.status_code == 409
    page = unescape(text_of(pressed_in_first_tab))
    assert "<title>Error: " in page and "govuk-error-summary" in page
    assert "Your answers changed after this page was shown, perhaps in another tab or window." in page
    assert "Sam" in page and "Alex" not in page.split("Check your answers before sending")[2]
    assert Case.objects.count() == 0
    # What the page now shows is what a press of the button sends.
    send(parent)
    assert Case.objects.values_list("child__first_name", "safeguarding").get() == ("Sam", False)


def test_the_ehcp_question_is_only_asked_about_undelivered_support(parent, borough):
    parent.get("/concerns/new/")
    assert parent.post(QUESTIONS["category"], {"category": "transport"}).url == QUESTIONS["safeguarding"]
    # Going to it by address skips on.
    assert parent.get(QUESTIONS["provision"]).url == QUESTIONS["safeguarding"]
    parent.post(QUESTIONS["safeguarding"], {"safeguarding": "no"})
    parent.post(QUESTIONS["details"], DETAILS)
    assert "Support in the EHCP</dt>" not in text_of(parent.get(CHECK))

    send(parent)

    case = Case.objects.get()
    assert (case.category_id, case.provision_item, case.safeguarding) == ("transport", None, False)


def test_a_question_cannot_be_skipped_by_going_to_a_later_one(parent, borough):
    parent.get("/concerns/new/")

    assert parent.get(QUESTIONS["details"]).url == QUESTIONS["category"]
    assert parent.get(CHECK).url == QUESTIONS["category"]
    assert parent.post(CHECK).url == QUESTIONS["category"]
    assert Case.objects.count() == 0


def test_the_safeguarding_question_shows_the_councils_out_of_hours_number(parent, borough):
    borough.organisation.out_of_hours_phone = "0300 123 4567"
    borough.organisation.save()
    parent.get("/concerns/new/")
    parent.post(QUESTIONS["category"], {"category": "transport"})

    page = text_of(parent.get(QUESTIONS["safeguarding"]))

    assert "If a child is in immediate danger, call 999 now." in page
    assert "Out of hours, call 0300 123 4567." in page


@pytest.mark.parametrize(
    "step, data, message",
    [
        ("category", {}, "Select what the problem is about"),
        ("category", {"category": "not-a-category"}, "Select what the problem is about"),
        ("safeguarding", {}, "Select yes if a child is at risk of harm"),
        ("details", {"summary": "", "description": ""}, "Enter a short description of the problem"),
        ("details", {"summary": "x" * 201, "description": "y"}, "200 characters or fewer"),
        ("details", {"summary": "   ", "description": "y"}, "Enter a short description of the problem"),
        ("details", {"summary": "x", "description": "y" * 20_001}, "20,000 characters or fewer"),
    ],
)
def test_a_wrong_answer_shows_the_error_summary_and_saves_nothing(parent, borough, step, data, message):
    parent.get("/concerns/new/")
    if step != "category":
        parent.post(QUESTIONS["category"], {"category": "transport"})
        if step == "details":
            parent.post(QUESTIONS["safeguarding"], {"safeguarding": "no"})

    response = parent.post(QUESTIONS[step], data)

    assert response.status_code == 400
    page = text_of(response)
    assert "govuk-error-summary" in page and message in page
    assert "<title>Error: " in page
    assert Case.objects.count() == 0


def test_a_refusal_by_the_service_shows_on_the_check_page_and_logs_nothing(parent, borough, monkeypatch):
    parent.get("/concerns/new/")
    parent.post(QUESTIONS["category"], {"category": "transport"})
    parent.post(QUESTIONS["safeguarding"], {"safeguarding": "no"})
    parent.post(QUESTIONS["details"], DETAILS)

    def refuse(**kwargs):
        raise ValidationError({"category": ["Choose what the problem is about."]})

    monkeypatch.setattr(services, "case_log", refuse)
    response = send(parent)

    assert response.status_code == 400
    page = text_of(response)
    assert "govuk-error-summary" in page
    assert f'<a href="{QUESTIONS["category"]}?change=1">Choose what the problem is about.</a>' in page
    assert Case.objects.count() == 0


def answer_every_question_about_the_bus(parent, safeguarding="no"):
    parent.get("/concerns/new/")
    parent.post(QUESTIONS["category"], {"category": "transport"})
    parent.post(QUESTIONS["safeguarding"], {"safeguarding": safeguarding})
    parent.post(QUESTIONS["details"], DETAILS)


def nobody_left_in_transport(borough):
    for officer in borough.transport.officers.all():
        officer.active = False
        officer.save()


def test_a_concern_nobody_in_its_team_can_take_is_still_sent_and_the_family_sees_only_who_has_it(parent, borough):
    nobody_left_in_transport(borough)
    answer_every_question_about_the_bus(parent)

    response = send(parent)

    case = Case.objects.get()
    assert response.status_code == 302 and response.url == f"/concerns/{case.pk}/sent/"
    sent = text_of(parent.get(response.url))
    assert f"{borough.head_of_service.display_name} is your named officer" in unescape(sent)
    concern = text_of(parent.get(f"/concerns/{case.pk}/"))
    assert "routing" not in concern.lower() and "can take it" not in concern


def test_a_concern_nobody_at_all_can_take_is_refused_in_plain_words_and_keeps_what_the_parent_wrote(parent, borough):
    nobody_left_in_transport(borough)
    for above in (borough.head_of_service, borough.director):
        above.active = False
        above.save()
    answer_every_question_about_the_bus(parent)

    response = send(parent)

    assert response.status_code == 409
    page = unescape(text_of(response))
    assert "govuk-error-summary" in page and "<title>Error: " in page
    assert (
        "<li>Your concern has not been sent, and nothing has been saved. This is not your fault: at the moment "
        "nobody at the council is set up to take it. Please try again later. If it cannot wait, phone or email "
        "your council's SEND team and tell them what you wrote.</li>" in page
    )
    # What they wrote is still on the page, and kept to send again.
    assert "We have kept your answers below, so you do not need to type them again." in page
    assert DETAILS["summary"] in page and "No therapist since September.<br>School agrees." in page
    assert Case.objects.count() == 0

    # Once someone can take it, the same answers go with one press of the button.
    borough.director.active = True
    borough.director.save()
    again = send(parent)

    case = Case.objects.get()
    assert again.status_code == 302
    assert case.summary == DETAILS["summary"] and case.accountable_officer == borough.director


def test_a_refused_concern_about_a_child_at_risk_says_first_to_call_999(parent, borough):
    nobody_left_in_transport(borough)
    for above in (borough.head_of_service, borough.director):
        above.active = False
        above.save()
    answer_every_question_about_the_bus(parent, safeguarding="yes")

    page = text_of(send(parent))

    assert "<li>If a child is in immediate danger, call 999 now. Your concern has not been sent" in page


def test_an_inactive_category_chosen_earlier_is_refused_at_sending(parent, borough):
    parent.get("/concerns/new/")
    parent.post(QUESTIONS["category"], {"category": "health"})
    parent.post(QUESTIONS["safeguarding"], {"safeguarding": "no"})
    parent.post(QUESTIONS["details"], DETAILS)
    Category.objects.filter(pk="health").update(active=False)

    response = parent.post(CHECK)

    # The answer no longer fits: the parent is asked the question again, nothing is logged.
    assert response.status_code == 302 and response.url == QUESTIONS["category"]
    assert Case.objects.count() == 0


# --- one concern -----------------------------------------------------------------------------


def test_the_concern_page_shows_the_dates_the_officer_and_the_timeline_without_staff_notes(parent, borough):
    case = log(borough.parent1, borough.child1, provision_item_id=borough.provision1.pk)
    officer = named_officer(case)
    services.case_message_add(actor=officer, case=case, text="A note only staff see", internal=True)
    services.case_message_add(actor=officer, case=case, text="I have called the school.")

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    assert case.reference in page and "Speech therapy has stopped" in page
    assert case.accountable_officer.display_name in unescape(page)
    assert "Tell you who is dealing with it" in page and "Put things right" in page
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
    services.case_close(actor=named_officer(case), case=case, outcome="Dealt with by the school complaints process.")

    page = text_of(parent.get(f"/concerns/{case.pk}/"))

    assert "Why we closed it" in page and "What we did" not in page
    assert "Dealt with by the school complaints process." in page


def test_dates_a_concern_was_closed_before_meeting_are_not_shown_as_done(parent, borough):
    kept = log(borough.parent1, borough.child1)
    services.case_acknowledge(actor=named_officer(kept), case=kept)
    services.case_close(actor=named_officer(kept), case=kept, outcome="Dealt with by the school complaints process.")
    closed_at = Case.objects.get(pk=kept.pk).closed_at

    page = text_of(parent.get(f"/concerns/{kept.pk}/"))

    dates = page.split("Our dates")[1].split("What has happened so far")[0]
    assert dates.count("Done on time") == 1  # the acknowledgement, which was made
    assert dates.count(f"This stopped when we closed your concern at {describe_moment(closed_at)}.") == 2
    assert dates.count(">Closed</strong>") == 2


def test_a_reply_to_a_closed_concern_is_refused_as_a_form_error(parent, borough):
    case = log(borough.parent1, borough.child1)
    services.case_close(actor=named_officer(case), case=case, outcome="Dealt with elsewhere.")
    page = text_of(parent.get(f"/concerns/{case.pk}/"))
    assert "Send message" not in page and "This concern is closed." in page

    response = parent.post(f"/concerns/{case.pk}/reply/", {"text": "Hello?"})

    assert response.status_code == 409  # as the API answers: the case's state, not the parent's words
    assert "This case is closed" in text_of(response)
    assert not CaseMessage.objects.filter(case=case).exists()


def test_a_reply_refused_because_the_concern_closed_while_the_parent_wrote_keeps_what_they_wrote(parent, borough):
    case = log(borough.parent1, borough.child1)
    services.case_close(actor=named_officer(case), case=case, outcome="Dealt with elsewhere.")

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


# --- messages and settings -----------------------------------------------------------------------


def test_the_inbox_lists_messages_newest_first_and_opening_one_marks_it_read(parent, borough):
    first = log(borough.parent1, borough.child1, summary="First")
    services.case_message_add(actor=named_officer(first), case=first, text="We are on it.")
    inbox = Notification.objects.filter(recipient=borough.parent1, channel="in_app").order_by("-created_at", "-id")
    newest, oldest = inbox[0], inbox[len(inbox) - 1]

    page = text_of(parent.get("/inbox/"))
    assert page.index(newest.subject) < page.index(oldest.subject)
    assert "You have 2 unread messages." in page and "Unread" in page

    opened = parent.post(f"/inbox/{oldest.pk}/open/")

    assert opened.url == f"/cases/{first.pk}/"
    oldest.refresh_from_db()
    assert oldest.read_at is not None
    assert "You have 1 unread message." in text_of(parent.get("/inbox/"))

    parent.post("/inbox/read-all/")
    assert not Notification.objects.filter(recipient=borough.parent1, channel="in_app", read_at__isnull=True).exists()


def test_a_parent_turns_email_off_and_sees_no_digest_question(parent, borough):
    page = text_of(parent.get("/settings/notifications/"))
    assert "Do you want us to email you" in page
    assert "one email each morning" not in page

    response = parent.post("/settings/notifications/", {"email_enabled": "no", "daily_digest": "yes"})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=borough.parent1)
    assert (preference.email_enabled, preference.daily_digest) == (False, False)


def test_a_settings_form_with_no_answer_shows_the_error_summary_and_saves_nothing(parent, borough):
    response = parent.post("/settings/notifications/", {})

    assert response.status_code == 400
    assert "govuk-error-summary" in text_of(response)
    assert not NotificationPreference.objects.filter(user=borough.parent1).exists()


def test_an_officer_can_ask_for_the_daily_digest(client, borough):
    officer = borough.north.officers.filter(is_manager=False).first()
    client.force_login(officer.user)

    client.post("/settings/notifications/", {"email_enabled": "yes", "daily_digest": "yes"})

    preference = NotificationPreference.objects.get(user=officer.user)
    assert (preference.email_enabled, preference.daily_digest) == (True, True)


def test_a_parent_with_no_children_linked_is_told_who_to_contact(client, stranger):
    client.force_login(stranger)

    page = text_of(client.get("/concerns/new/"))

    assert "We do not have any children linked to your account" in page
    assert client.get(QUESTIONS["category"]).url == "/concerns/new/"
    assert client.post(CHECK).url == "/concerns/new/"
    assert "You have not told us about any problems yet." in text_of(client.get("/concerns/"))
