"""Telling us about a problem: the one-question-a-page journey, its answers checked, and what is sent."""

import re
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core.exceptions import ValidationError

from casework import services
from casework.models import Case, Category
from escalations.models import ClockKind
from tests.casework.web.family_pages import CHECK, DETAILS, QUESTIONS, log, named_officer, send, text_of
from tests.factories import ChildFactory, EHCPFactory, ProvisionItemFactory


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
