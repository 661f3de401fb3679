"""The officers' queues: whose cases they list, their tags, filters and pages, at a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, Cover
from casework.services import case_acknowledge, case_close, case_log
from tests.casework.web.staff_pages import log, north_officers, signed_in

pytestmark = pytest.mark.django_db


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
    case_close(actor=borough.north.manager.user, case=closed, outcome="Duplicate")
    client = signed_in(client, borough.officer1.user)

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
