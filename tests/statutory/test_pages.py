"""The statutory pages as a family and staff use them: plain words, the law's dates, and 404 for what is not yours."""

from datetime import date

import pytest
from django.test import Client

from statutory.models import Decision, Process
from statutory.services import decision_record, process_link
from tests.escalations.conftest import at, uk

from .conftest import start_assessment


@pytest.fixture
def browser():
    return Client()


def signed_in(browser, user):
    browser.force_login(user)
    return browser


def test_a_parent_asks_for_an_assessment_from_the_site_and_sees_the_date_it_was_received(borough, browser):
    client = signed_in(browser, borough.parent1)
    page = client.get("/statutory/ask-for-an-assessment/")
    assert page.status_code == 200
    assert borough.child1.display_name in page.content.decode()
    assert borough.child2.display_name not in page.content.decode()
    with at(uk(2026, 12, 18, 11)):
        sent = client.post("/statutory/ask-for-an-assessment/", {"child": borough.child1.pk}, follow=True)
    text = sent.content.decode()
    assert sent.status_code == 200
    assert "We received your request on Friday 18 December 2026" in text
    assert "Friday 29 January 2027" in text
    assert "Friday 7 May 2027" in text
    assert Process.objects.get().requested_by == Process.RequestedBy.PARENT


def test_asking_without_choosing_a_child_says_what_to_do(borough, browser):
    response = signed_in(browser, borough.parent1).post("/statutory/ask-for-an-assessment/", {})
    assert response.status_code == 400
    assert "Select the child the assessment is for" in response.content.decode()
    assert not Process.objects.exists()


def test_a_family_sees_who_decided_why_and_their_appeal_dates(borough, browser):
    process = start_assessment(borough)
    manager = borough.north.manager
    with at(uk(2027, 1, 21, 12)):
        decision_record(actor=manager.user, process=process, decision="not_assess", decided_on=date(2027, 1, 20),
                        approved_by=manager.pk, panel=[manager.pk, borough.head_of_service.pk],
                        reasons="The school can meet the needs from its own resources.")
    with at(uk(2027, 1, 22, 12)):
        page = signed_in(browser, borough.parent1).get(f"/statutory/{process.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Not to carry out an assessment" in text
    assert manager.display_name in text
    assert borough.head_of_service.display_name in text
    assert "The school can meet the needs from its own resources." in text
    assert "Saturday 20 March 2027" in text  # mediation and appeal: 2 months from the decision
    assert "Record a decision" not in text


def test_another_familys_process_page_is_not_found(borough, browser):
    process = start_assessment(borough)
    assert signed_in(browser, borough.parent2).get(f"/statutory/{process.pk}/").status_code == 404


def test_the_coordinator_records_a_decision_on_the_page_and_a_missing_approver_is_refused(borough, browser):
    process = start_assessment(borough)
    form = {"decision": "assess", "decided_on_0": "20", "decided_on_1": "1", "decided_on_2": "2027",
            "reasons": "The evidence shows needs the school cannot meet."}
    with at(uk(2027, 1, 21, 12)):
        # Signed in at the moment travelled to: a session idle since today's date would have ended.
        client = signed_in(browser, process.coordinator.user)
        refused = client.post(f"/statutory/{process.pk}/record-decision/", form)
        assert refused.status_code == 400
        text = refused.content.decode()
        assert "Select the person who approved the decision" in text
        # The GOV.UK date input keeps what was typed, and the panel lists the council's officers to tick.
        assert 'name="decided_on_0"' in text and 'value="2027"' in text
        assert f'name="panel" type="checkbox" value="{borough.head_of_service.pk}"' in text
        assert not Decision.objects.exists()
        done = client.post(f"/statutory/{process.pk}/record-decision/",
                           {**form, "approved_by": borough.north.manager.pk}, follow=True)
    assert done.status_code == 200
    assert "Decision recorded." in done.content.decode()
    assert Decision.objects.get().approved_by == borough.north.manager


def test_staff_start_a_process_and_see_their_dates_next_due_first(borough, browser):
    with at(uk(2026, 12, 18, 11)):
        client = signed_in(browser, borough.officer1.user)
        started = client.post("/statutory/start/", {
            "child": borough.child1.pk, "kind": "needs_assessment", "coordinator": "",
            "received_on_0": "18", "received_on_1": "12", "received_on_2": "2026",
        }, follow=True)
        assert started.status_code == 200, started.content.decode()[:500]
        process = Process.objects.get()
        dates = signed_in(Client(), process.coordinator.user).get("/statutory/").content.decode()
    assert "29 Jan 2027" in dates
    assert dates.index("29 Jan 2027") < dates.index("7 May 2027")


def test_a_family_cannot_reach_the_staff_pages(borough, browser):
    client = signed_in(browser, borough.parent1)
    assert client.get("/statutory/start/").status_code == 404


def test_the_admin_shows_a_process_and_its_decisions_but_changes_nothing(borough, browser, django_user_model):
    process = start_assessment(borough)
    admin_user = django_user_model.objects.create_superuser("council-admin", password="x")
    client = signed_in(browser, admin_user)
    assert client.get(f"/admin/statutory/process/{process.pk}/change/").status_code == 200
    assert client.get("/admin/statutory/decision/").status_code == 200
    assert client.get("/admin/statutory/process/add/").status_code == 403


def test_the_coordinators_queue_shows_their_legal_dates_as_rows_among_their_cases(borough, browser):
    process = start_assessment(borough)
    with at(uk(2027, 1, 25, 10)):
        client = signed_in(browser, process.coordinator.user)
        page = client.get("/queue/").content.decode()
        other = signed_in(Client(), borough.officer2.user).get("/queue/").content.decode()
    assert "1 legal date of processes you coordinate" in page
    # One row of the queue, saying what is due and the regulation that sets the date, linking to the process.
    assert "Decide whether to carry out an assessment, and tell you (SEND Regulations 2014, regulation 5(1))" in page
    assert f'href="{process_link(process)}">Statutory process</a>' in page
    assert "29 Jan 2027" in page
    # The 16- and 20-week dates are further off than a fortnight: on the statutory dates page, not the queue.
    assert "9 Apr 2027" not in page
    assert "Statutory process</a>" not in other
