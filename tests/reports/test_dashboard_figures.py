"""The dashboard a manager can question: a period (the last 12 months unless they choose), no months before the
first case, the number of cases each percentage rests on (none under 5), and every figure a link to its cases."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from core.time import UK_TIME
from escalations.models import ClockKind
from escalations.services import tally_rebuild
from reports.web.forms import default_period
from tests.casework.web.staff_pages import log, signed_in
from tests.reports.test_figures_behind import another_councils_manager, listed_count
from tests.reports.test_figures_behind import figure_links as links_to_lists

pytestmark = pytest.mark.django_db


def resolve_clocks(cases):
    from escalations.models import Clock

    return Clock.objects.filter(case__in=cases, kind=ClockKind.RESOLVE, superseded_at__isnull=True)


def met_on_time(cases):
    now = timezone.now()
    resolve_clocks(cases).update(stopped_at=now, due_at=now + timedelta(days=1))
    # Clocks stopped behind the services' back: the reports' clock tally is written again from them.
    tally_rebuild()


def missed(cases):
    now = timezone.now()
    resolve_clocks(cases).update(stopped_at=now, due_at=now - timedelta(days=1), breached_at=now - timedelta(days=1))
    tally_rebuild()


def figure_links(page: str) -> list[tuple[int, str]]:
    """(the figure, its link) for every linked number on a page that opens a list of cases."""
    return links_to_lists(page, lists=("cases",))


def test_the_period_defaults_to_the_last_12_months():
    assert default_period(date(2026, 12, 7)) == (date(2026, 1, 1), date(2026, 12, 7))
    assert default_period(date(2026, 3, 31)) == (date(2025, 4, 1), date(2026, 3, 31))


def test_the_dashboard_shows_the_default_period_without_the_empty_months_before_the_first_case(client, borough):
    log(borough)
    signed_in(client, borough.north.manager.user)
    today = timezone.localdate(timezone.now(), UK_TIME)
    first_day, _last_day = default_period(today)

    page = client.get(reverse("manager-dashboard")).content.decode()

    assert f'value="{first_day:%Y-%m-%d}"' in page and f'value="{today:%Y-%m-%d}"' in page
    months = page[page.index("by month logged: the figures"):page.index("Cases resolved on time, by team")]
    assert f"{today:%B %Y}</th>" in months
    earlier = first_day if first_day.month != today.month else None
    assert earlier is None or f"{earlier:%B %Y}</th>" not in months


def test_a_chosen_period_counts_only_the_cases_logged_in_it(client, borough):
    old = log(borough)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=800))
    log(borough, child=borough.child2)
    signed_in(client, borough.north.manager.user)
    today = timezone.localdate(timezone.now(), UK_TIME)

    page = client.get(reverse("manager-dashboard"), {"logged_from": today - timedelta(days=900),
                                                     "logged_to": today - timedelta(days=700)}).content.decode()

    [(every, _link), *_rest] = figure_links(page[page.index("by month logged: the figures"):])
    assert every == 1


def test_a_period_ending_before_it_starts_is_refused_with_a_message(client, borough):
    signed_in(client, borough.north.manager.user)

    response = client.get(reverse("manager-dashboard"), {"logged_from": "2026-05-01", "logged_to": "2026-04-01"})

    assert response.status_code == 400
    assert "The last date must be the same as or after the first date" in response.content.decode()


def test_each_percentage_shows_the_cases_it_rests_on_and_none_rests_on_fewer_than_5(client, borough):
    few = [log(borough) for _ in range(4)]
    met_on_time(few)
    signed_in(client, borough.north.manager.user)

    page = client.get(reverse("manager-dashboard")).content.decode()
    assert "Too few to say (4 decided)" in page and "100% of" not in page and ">100%</td>" not in page

    more = [log(borough, child=borough.child2) for _ in range(2)]
    missed(more)
    page = client.get(reverse("manager-dashboard")).content.decode()
    assert "67% of 6" in page  # 4 on time of 6 decided, in the chart
    assert ">67%</td>" in page


def test_every_figure_links_to_a_list_of_exactly_that_many_cases(client, borough):
    met_on_time([log(borough) for _ in range(3)])
    missed([log(borough, child=borough.child2), log(borough, category="transport")])
    log(borough)
    signed_in(client, borough.north.manager.user)

    links = figure_links(client.get(reverse("manager-dashboard")).content.decode())

    assert len(links) > 20
    assert any(number > 0 for number, _link in links)
    for number, link in links:
        assert listed_count(client, link) == number, link


def test_the_cases_behind_a_figure_are_listed_with_their_references(client, borough):
    late = log(borough)
    missed([late])
    signed_in(client, borough.north.manager.user)
    today = timezone.localdate(timezone.now(), UK_TIME)

    page = client.get(reverse("manager-figure-cases"), {
        "logged_from": today - timedelta(days=30), "logged_to": today, "clock": "resolve", "figure": "breached",
    }).content.decode()

    assert late.reference in page and reverse("staff-case", args=[late.pk]) in page


def test_another_councils_manager_following_a_link_sees_none_of_these_cases(client, borough):
    log(borough)
    stranger = another_councils_manager()
    signed_in(client, borough.north.manager.user)
    links = figure_links(client.get(reverse("manager-dashboard")).content.decode())
    signed_in(client, stranger.user)

    for _number, link in links:
        assert listed_count(client, link) == 0


def test_a_link_that_names_no_figure_is_refused(client, borough):
    signed_in(client, borough.north.manager.user)

    response = client.get(reverse("manager-figure-cases"), {"figure": "met"})

    assert response.status_code == 400


def test_officers_and_families_cannot_see_the_cases_behind_a_figure(client, borough):
    for user in (borough.officer1.user, borough.parent1):
        signed_in(client, user)
        assert client.get(reverse("manager-figure-cases"), {"officer": 1, "held": "open"}).status_code == 403


def test_the_list_behind_a_figure_costs_the_same_queries_for_many_cases(client, borough, django_assert_max_num_queries):
    for _ in range(30):
        log(borough)
    signed_in(client, borough.north.manager.user)
    link = reverse("manager-figure-cases") + f"?officer={borough.officer1.pk}&held=open"

    with django_assert_max_num_queries(12):
        assert listed_count(client, link) == Case.objects.filter(accountable_officer=borough.officer1).count()


def test_the_age_provision_and_transition_reports_have_pages(client, borough):
    log(borough)
    signed_in(client, borough.north.manager.user)

    age = client.get(reverse("manager-report-age")).content.decode()
    provision = client.get(reverse("manager-report-provision")).content.decode()
    transition = client.get(reverse("manager-report-transition"))

    age_figures = figure_links(age)
    assert (1, age_figures[-1][1]) == age_figures[-1]  # every open case, of any age
    for number, link in age_figures:
        assert listed_count(client, link) == number
    assert "No provision item recorded</th>" in provision
    concerns = [(number, link) for number, link in figure_links(provision) if link.endswith("concerns=all")]
    assert [number for number, _link in concerns] == [1] and listed_count(client, concerns[0][1]) == 1
    assert transition.status_code == 200 and "Transition cases resolved on time, by month" in transition.content.decode()
