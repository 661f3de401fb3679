import pytest
from django.conf import settings

from notifications.message_templates import (
    TEMPLATES,
    UnknownTemplateError,
    render_message,
)
from notifications.models import Notification
from notifications.services import notification_enqueue

from .samples import CONTEXTS, LINK, MANY_CASE_TEMPLATES, REFERENCE, STATUTORY_TEMPLATES

FULL_LINK = f"{settings.SITE_URL}{LINK}"


def test_the_samples_cover_every_template_key_with_exactly_its_context():
    assert {key: set(context) for key, context in CONTEXTS.items()} == {
        key: set(context) for key, context in TEMPLATES.items()
    }


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_with_the_case_reference_and_the_full_link(template):
    message = render_message(template=template, context=CONTEXTS[template], link=LINK)

    if template not in MANY_CASE_TEMPLATES | STATUTORY_TEMPLATES:
        assert REFERENCE in message.subject
        assert REFERENCE in message.body
    assert "\n" not in message.subject
    assert FULL_LINK in message.body
    assert "{" not in message.body and "None" not in message.body
    assert "\n\n\n" not in message.body


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_keeps_plain_text_exactly_as_given(template):
    awkward = 'Zoë O\'Brien & "Sam" <Smith>'
    context = {key: (awkward if key not in {"reference"} else value) for key, value in CONTEXTS[template].items()}

    message = render_message(template=template, context=context, link=LINK)

    assert awkward in message.body
    assert "&amp;" not in message.body + message.subject and "&#x27;" not in message.body + message.subject


@pytest.mark.parametrize(
    ("count", "subject", "line"),
    [
        ("1", "1 case from Sam Officer is now yours", "You are now the named officer for 1 case they held."),
        ("250", "250 cases from Sam Officer are now yours", "You are now the named officer for 250 cases they held."),
    ],
)
def test_a_handover_summary_tells_the_new_officer_how_many_cases_are_theirs_and_the_note(count, subject, line):
    context = {**CONTEXTS["officer_cases_handed_over"], "case_count": count}

    message = render_message(template="officer_cases_handed_over", context=context, link="/queue/")

    assert message.subject == subject
    assert "Sam Officer has left." in message.body and line in message.body
    assert context["note"] in message.body
    assert f"{settings.SITE_URL}/queue/" in message.body


@pytest.mark.parametrize(
    ("count", "up_the_ladder", "line"),
    [
        ("1", "1", "This case came to you because nobody in its team could take it. Please take it on yourself, "
                   "or give it to an officer who can."),
        ("3", "3", "These cases came to you because nobody in their teams could take them."),
        ("3", "1", "1 of these cases came to you because nobody in its team could take it."),
        ("5", "2", "2 of these cases came to you because nobody in their teams could take them. Please take them "
                   "on yourself, or give them to an officer who can. Each case's timeline says why."),
    ],
)
def test_a_handover_summary_says_how_many_cases_came_up_the_ladder_and_what_to_do_with_them(count, up_the_ladder, line):
    context = {**CONTEXTS["officer_cases_handed_over"], "case_count": count, "up_the_ladder": up_the_ladder}

    body = render_message(template="officer_cases_handed_over", context=context, link="/queue/").body

    assert line in body
    assert context["note"] in body


def test_a_handover_summary_with_no_case_up_the_ladder_says_nothing_of_it():
    body = render_message(
        template="officer_cases_handed_over", context=CONTEXTS["officer_cases_handed_over"], link="/queue/"
    ).body

    assert "came to you because" not in body


def test_the_owner_of_a_case_nobody_else_could_take_is_told_why_and_what_to_do():
    message = render_message(
        template="manager_case_fallback", context=CONTEXTS["manager_case_fallback"], link=LINK
    )

    assert message.subject == f"Case {REFERENCE} is now yours because nobody else could take it"
    assert f"You are now the named officer for case {REFERENCE}, as head of service." in message.body
    assert (
        "It came to you because nobody in SEND North can take it: the team has no active case officer and no "
        "active manager." in message.body
    )
    assert "Please take it on yourself, or give it to an officer who can." in message.body
    assert (
        "ask whoever looks after the council's teams and routing rules to add an active officer or manager to "
        "SEND North." in message.body
    )


def test_a_new_case_with_no_deadlines_yet_says_we_will_tell_the_family_when_to_expect_an_answer():
    context = {**CONTEXTS["case_logged"], "acknowledge_due": "", "respond_due": "", "resolve_due": ""}

    body = render_message(template="case_logged", context=context, link=LINK).body

    assert "We will tell you when to expect an answer." in body
    assert " by ." not in body and "by \n" not in body


def test_a_new_case_with_deadlines_tells_the_family_each_date():
    body = render_message(template="case_logged", context=CONTEXTS["case_logged"], link=LINK).body

    assert "Sam Officer will contact you by 25 November 2026." in body
    assert "You will get a full answer by 7 December 2026." in body
    assert "21 December 2026" in body
    assert "We will tell you when to expect an answer" not in body


def test_a_resolved_case_says_how_to_reopen_and_how_to_go_to_the_ombudsman():
    body = render_message(template="case_resolved", context=CONTEXTS["case_resolved"], link=LINK).body

    assert "reopen the case until 21 January 2027" in body
    assert "Local Government and Social Care Ombudsman" in body
    assert "www.lgo.org.uk" in body


def test_a_safeguarding_case_says_so_to_the_officer_and_an_ordinary_one_does_not():
    safeguarding = render_message(
        template="officer_case_assigned", context=CONTEXTS["officer_case_assigned"], link=LINK
    )
    ordinary = render_message(
        template="officer_case_assigned", context={**CONTEXTS["officer_case_assigned"], "safeguarding": ""}, link=LINK
    )

    assert safeguarding.subject.startswith("Safeguarding:")
    assert "a child may be at risk" in safeguarding.body
    assert "Safeguarding" not in ordinary.subject and "at risk" not in ordinary.body


def test_enqueue_with_an_unknown_template_key_raises_and_writes_nothing(family_member):
    with pytest.raises(UnknownTemplateError):
        notification_enqueue(recipient=family_member, template="case_teleported", context={}, link=LINK, dedupe_key="x")

    assert not Notification.objects.exists()


def test_enqueue_with_a_missing_context_value_raises(family_member):
    context = dict(CONTEXTS["case_message"])
    del context["text"]

    with pytest.raises(ValueError, match="text"):
        notification_enqueue(
            recipient=family_member, template="case_message", context=context, link=LINK, dedupe_key="x"
        )


def test_enqueue_with_a_link_that_is_not_a_path_on_this_site_raises(family_member):
    with pytest.raises(ValueError, match="path"):
        notification_enqueue(
            recipient=family_member,
            template="case_message",
            context=CONTEXTS["case_message"],
            link="https://elsewhere.example/",
            dedupe_key="x",
        )
