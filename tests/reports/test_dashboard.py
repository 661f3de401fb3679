"""The managers' dashboard: its charts with their numbers in tables, its CSV links and its escalations."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.time import UK_TIME
from tests.casework.web.staff_pages import log, shown, signed_in

pytestmark = pytest.mark.django_db


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
