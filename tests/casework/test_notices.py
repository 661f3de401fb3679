"""Who hears what over a case's life (issue 5): the family gets exactly the right messages, with the
right names and dates; internal notes tell nobody; four weeks after resolution the family is asked
whether the problem is still fixed."""

import os
import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from casework.models import Case, CaseEvent
from casework.services import (
    case_acknowledge,
    case_await_parent,
    case_extend,
    case_message_add,
    case_reassign,
    case_resolve,
    case_start,
)
from casework.tasks import ask_families_if_fixed
from config.celery import app as celery_app
from notifications.models import Notification
from tests.escalations.conftest import at, log_case, uk

pytestmark = pytest.mark.django_db


def family_templates(parent):
    return list(
        Notification.objects.filter(recipient=parent, channel=Notification.Channel.IN_APP)
        .order_by("created_at", "id")
        .values_list("template", flat=True)
    )


def test_the_family_hears_exactly_the_right_things_over_a_cases_life(borough):
    parent = borough.parent1
    case = log_case(borough, when=uk(2026, 11, 23, 9, 15))
    officer = case.accountable_officer
    colleague = borough.north.officers.filter(is_manager=False).exclude(pk=officer.pk).get()

    with at(uk(2026, 11, 23, 10)):
        case_acknowledge(actor=officer.user, case=case)
        case_message_add(actor=officer.user, case=case, text="Only staff see this", internal=True)
        case_message_add(actor=officer.user, case=case, text="The therapist starts on Monday.")
        case_start(actor=officer.user, case=case)
        case_await_parent(actor=officer.user, case=case, note="Please send the school's letter.")
        case_message_add(actor=parent, case=case, text="Letter attached.")
        case_extend(actor=officer.user, case=case, working_days=5, reason="Waiting for the NHS trust.")
        case_reassign(actor=officer.user, case=case, officer=colleague, note="Over to you")
        case_resolve(actor=colleague.user, case=case, outcome="Therapy restarted.")

    assert family_templates(parent) == [
        "case_logged",
        "case_acknowledged",
        "case_message",
        "case_awaiting_parent",
        "case_extended",
        "case_new_officer",
        "case_resolved",
    ]
    bodies = {n.template: n.body for n in Notification.objects.filter(recipient=parent, channel="in_app")}
    assert officer.display_name in bodies["case_logged"]
    assert "5pm on Wednesday 25 November 2026" in bodies["case_logged"]
    assert "Only staff see this" not in "".join(bodies.values())
    assert colleague.display_name in bodies["case_new_officer"]
    assert "Waiting for the NHS trust." in bodies["case_extended"]
    assert case.reference in bodies["case_resolved"]


def test_an_internal_note_notifies_nobody(borough):
    case = log_case(borough, when=uk(2026, 11, 23, 9, 15))
    before = Notification.objects.count()

    case_message_add(actor=case.accountable_officer.user, case=case, text="Check the transport contract", internal=True)

    assert Notification.objects.count() == before


def resolved_case(borough, when=uk(2026, 11, 23, 9, 15)):
    case = log_case(borough, when=when)
    with at(when + timedelta(hours=1)):
        case_acknowledge(actor=case.accountable_officer.user, case=case)
        case_resolve(actor=case.accountable_officer.user, case=case, outcome="Therapy restarted.")
    return Case.objects.get(pk=case.pk)


def test_four_weeks_after_resolution_the_family_is_asked_once_if_it_is_still_fixed(borough):
    case = resolved_case(borough)

    with at(uk(2026, 12, 21, 10)):
        assert ask_families_if_fixed() == 0
    with at(uk(2026, 12, 21, 10, 16)):
        assert ask_families_if_fixed() == 1
        assert ask_families_if_fixed() == 0

    asked = Notification.objects.get(recipient=borough.parent1, template="case_was_it_fixed", channel="in_app")
    assert asked.link == f"/cases/{case.pk}/was-it-fixed/"
    assert CaseEvent.objects.filter(case=case, kind="follow_up").count() == 1


def test_saying_it_is_not_fixed_reopens_the_case_with_the_familys_words_even_after_the_reopen_window(borough, api):
    case = resolved_case(borough)
    with at(uk(2026, 12, 21, 10, 16)):
        ask_families_if_fixed()

    with at(uk(2027, 1, 4, 10)):
        response = api.as_user(borough.parent1).post(
            f"/api/cases/{case.pk}/was-it-fixed/", {"fixed": False, "text": "The sessions stopped again."}, format="json"
        )

    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["accountable_officer"]["id"] == case.accountable_officer_id
    reopened = CaseEvent.objects.get(case=case, kind="reopened")
    assert "The sessions stopped again." in reopened.text and reopened.actor == borough.parent1
    assert Notification.objects.filter(recipient=case.accountable_officer.user, template="officer_family_replied").exists()


def test_saying_it_is_still_fixed_closes_the_case_in_one_click_on_the_page(borough, client):
    case = resolved_case(borough)
    client.force_login(borough.parent1)

    page = client.get(f"/cases/{case.pk}/was-it-fixed/")
    answer = client.post(f"/cases/{case.pk}/was-it-fixed/", {"fixed": "yes"})

    assert page.status_code == 200 and "Is the problem still fixed?" in page.content.decode()
    assert answer.status_code == 200 and "We have closed the case" in answer.content.decode()
    assert Case.objects.get(pk=case.pk).status == Case.Status.CLOSED


def test_staff_following_the_was_it_fixed_link_are_told_only_the_family_can_answer(borough, client):
    case = resolved_case(borough)
    with at(uk(2026, 12, 21, 10, 16)):
        ask_families_if_fixed()
    client.force_login(case.accountable_officer.user)

    page = client.get(f"/cases/{case.pk}/was-it-fixed/").content.decode()

    assert "Only the family can answer this" in page
    assert "Yes, it is still fixed" not in page and "No, it is not fixed" not in page
    assert f'href="/queue/cases/{case.pk}/"' in page


def test_the_was_it_fixed_answer_is_refused_to_staff_other_families_and_open_cases(borough, api):
    case = resolved_case(borough)
    open_case = log_case(borough, when=uk(2026, 11, 23, 9, 15), category="other")

    by_officer = api.as_user(case.accountable_officer.user).post(f"/api/cases/{case.pk}/was-it-fixed/", {"fixed": True})
    by_stranger = api.as_user(borough.parent2).post(f"/api/cases/{case.pk}/was-it-fixed/", {"fixed": True})
    on_open = api.as_user(borough.parent1).post(f"/api/cases/{open_case.pk}/was-it-fixed/", {"fixed": True})
    no_words = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/was-it-fixed/", {"fixed": False})

    assert (by_officer.status_code, by_stranger.status_code, on_open.status_code) == (403, 404, 409)
    assert no_words.status_code == 400 and "text" in no_words.json()
    assert Case.objects.get(pk=case.pk).status == Case.Status.RESOLVED


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_logging_a_case_emails_the_family_through_a_real_worker_without_calling_any_task(borough, api, celery_broker):
    celery_broker.use(os.environ["REDIS_URL"])
    celery_app.control.purge()
    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        response = api.as_user(borough.parent1).post(
            "/api/cases/",
            {"child": borough.child1.pk, "category": "other", "summary": "No reply", "description": "Still waiting"},
            format="json",
        )
        deadline = time.monotonic() + 15
        while not any(borough.parent1.email in m.to for m in mail.outbox) and time.monotonic() < deadline:
            time.sleep(0.1)

    assert response.status_code == 201
    emails = [m for m in mail.outbox if borough.parent1.email in m.to]
    assert len(emails) == 1
    assert response.json()["reference"] in emails[0].body
