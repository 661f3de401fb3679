"""Every number on the dashboard and the report pages opens the list behind it (issue 23 point 9): the cases of
the team totals, the overdue count and the provision report's rows; the escalations and handovers of each officer
and team; and the sessions, provision items and gap concerns of each provider. Each list holds exactly as many
rows as its figure, shows nothing to a manager elsewhere, nothing to officers or families, and costs the same
queries however long it is."""

import html as html_lib
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.models import Case, ProvisionItem
from core.time import UK_TIME
from escalations.models import Alert, ClockKind
from provision.models import Delivery, ProvisionGap
from tests.casework.web.staff_pages import log, signed_in
from tests.factories import OfficerFactory, OrganisationFactory, ProvisionItemFactory, TeamFactory

pytestmark = pytest.mark.django_db

LISTS = ("cases", "escalations", "handovers", "sessions", "items", "gaps")
RECORD_LISTS = ("manager-figure-escalations", "manager-figure-handovers", "manager-figure-sessions",
                "manager-figure-items", "manager-figure-gaps")


def figure_links(page: str, lists: tuple[str, ...] = LISTS) -> list[tuple[int, str]]:
    """(the figure, its link) for every linked number on a page that opens one of `lists`."""
    found = re.findall(rf'<a class="govuk-link" href="(/dashboard/(?:{"|".join(lists)})/\?[^"]+)">(\d+)<', page)
    return [(int(number), html_lib.unescape(link)) for link, number in found]


def listed_count(client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    heading = re.search(r'<h1 class="govuk-heading-l">(\d+) [a-z]+</h1>', response.content.decode())
    rows = response.content.decode().count('<tr class="govuk-table__row">')
    number = int(heading.group(1))
    assert rows == (min(number, 50) + 1 if number else 0), link  # the header row, and one row a thing listed
    return number


def another_councils_manager():
    """The manager of a team of another council, who may see none of the borough's figures."""
    elsewhere = TeamFactory(organisation=OrganisationFactory(name="Elsewhere"))
    manager = OfficerFactory(team=elsewhere, is_manager=True)
    elsewhere.manager = manager
    elsewhere.save()
    return manager


def link_of(links, fragment: str) -> tuple[int, str]:
    [found] = [(number, link) for number, link in links if fragment in link]
    return found


def today():
    return timezone.localdate(timezone.now(), UK_TIME)


@pytest.fixture
def figures(borough):
    """Three of everything the new links list: escalations with officer1 named, cases handed to a new officer,
    sessions delivered by one provider, its items with nothing recorded, and the concerns its gaps raised."""
    manager = borough.north.manager
    escalated = [log(borough) for _ in range(3)]
    newcomer = OfficerFactory(team=borough.north)
    for case in escalated:
        Alert.objects.create(
            case=case, clock=case.clocks.get(kind=ClockKind.RESOLVE, superseded_at__isnull=True),
            kind=Alert.Kind.ESCALATION, level=2, recipient=manager, recipient_role=Alert.Role.TEAM_MANAGER,
            owner=borough.officer1,
        )
        services.case_reassign(actor=manager.user, case=case, officer=newcomer, note="Over to you")
    provider = OrganisationFactory(name="Speech Therapy Ltd")
    delivered = [provider_item(borough, provider) for _ in range(3)]
    for item in delivered:
        Delivery.objects.create(item=item, on=today(), status=Delivery.Status.DELIVERED, minutes=60,
                                recorded_by=manager.user)
    silent = [provider_item(borough, provider) for _ in range(3)]
    for item in silent:
        ProvisionGap.objects.create(item=item, rule=ProvisionGap.Rule.NOTHING_RECORDED, through=today(),
                                    what_was_missed="Every session", case=log(borough))
    Case.objects.filter(pk=escalated[0].pk).update(resolved_at=timezone.now())
    overdue = escalated[1].clocks.get(kind=ClockKind.RESOLVE, superseded_at__isnull=True)
    overdue.due_at = timezone.now() - timedelta(days=1)
    overdue.save()
    return {"newcomer": newcomer, "provider": provider, "escalated": escalated, "delivered": delivered}


def provider_item(borough, provider) -> ProvisionItem:
    return ProvisionItemFactory(
        ehcp=borough.child1.ehcp, provider_organisation=provider, sessions=1, per=ProvisionItem.Per.WEEK,
        minutes=60, starts_on=today() - timedelta(days=60), responsible_body=borough.organisation,
    )


def test_every_number_on_the_dashboard_and_reports_lists_exactly_that_many(client, borough, figures):
    signed_in(client, borough.north.manager.user)
    dashboard = figure_links(client.get(reverse("manager-dashboard")).content.decode())
    provision = figure_links(client.get(reverse("manager-report-provision")).content.decode())
    officer, newcomer, north = borough.officer1.pk, figures["newcomer"].pk, borough.north.pk
    provider = figures["provider"].pk

    # The figures built: each is 3, and so is its list.
    assert link_of(dashboard, f"escalations/?officer={officer}&level=2")[0] == 3
    assert link_of(dashboard, f"escalations/?team={north}&level=2")[0] == 3
    assert link_of(dashboard, f"handovers/?officer={newcomer}&side=in")[0] == 3
    assert link_of(dashboard, f"handovers/?team={north}&side=out")[0] == 3
    assert link_of(dashboard, f"provider={provider}&status=delivered")[0] == 3
    assert link_of(dashboard, f"items/?first_day={today().replace(day=1)}&last_day={today()}&provider={provider}")[0] == 3
    assert link_of(dashboard, f"gaps/?first_day={today().replace(day=1)}&last_day={today()}&provider={provider}")[0] == 3
    assert link_of(dashboard, "cases/?held=overdue")[0] == 1
    # Six concerns logged, none about a recorded item, so one row; one of them resolved.
    assert [number for number, link in provision if link.endswith("concerns=all")] == [6]
    assert [number for number, link in provision if link.endswith("concerns=resolved")] == [1]
    # Every linked number, built or not, lists as many.
    for number, link in dashboard + provision:
        assert listed_count(client, link) == number, link


def test_the_lists_link_each_row_to_its_case_or_provision_item(client, borough, figures):
    signed_in(client, borough.north.manager.user)
    dashboard = figure_links(client.get(reverse("manager-dashboard")).content.decode())

    escalations = client.get(link_of(dashboard, f"escalations/?officer={borough.officer1.pk}&level=2")[1])
    handovers = client.get(link_of(dashboard, f"handovers/?officer={figures['newcomer'].pk}&side=in")[1])
    sessions = client.get(link_of(dashboard, "status=delivered")[1]).content.decode()

    for case in figures["escalated"]:
        assert reverse("staff-case", args=[case.pk]) in escalations.content.decode()
        assert reverse("staff-case", args=[case.pk]) in handovers.content.decode()
    assert figures["newcomer"].display_name in handovers.content.decode()
    for item in figures["delivered"]:
        assert reverse("provision-item", args=[item.pk]) in sessions
    assert borough.child1.display_name in sessions


def test_another_councils_manager_following_the_links_sees_nothing(client, borough, figures):
    stranger = another_councils_manager()
    signed_in(client, borough.north.manager.user)
    links = figure_links(client.get(reverse("manager-dashboard")).content.decode())
    links += figure_links(client.get(reverse("manager-report-provision")).content.decode())
    assert sum(number for number, _link in links) > 20
    signed_in(client, stranger.user)

    for _number, link in links:
        response = client.get(link)
        body = response.content.decode()
        assert listed_count(client, link) == 0, link
        assert borough.child1.display_name not in body and "Speech Therapy Ltd" not in body


def test_officers_and_families_are_refused_the_lists(client, borough):
    asks = {
        "manager-figure-escalations": {"officer": 1},
        "manager-figure-handovers": {"team": 1, "side": "in"},
        "manager-figure-sessions": {"first_day": "2026-12-01", "last_day": "2026-12-07", "provider": "none",
                                    "status": "missed"},
        "manager-figure-items": {"first_day": "2026-12-01", "last_day": "2026-12-07", "provider": "none"},
        "manager-figure-gaps": {"first_day": "2026-12-01", "last_day": "2026-12-07", "provider": "none"},
    }
    for user in (borough.officer1.user, borough.parent1):
        signed_in(client, user)
        for name, params in asks.items():
            assert client.get(reverse(name), params).status_code == 403, name


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("manager-figure-escalations", {}),
        ("manager-figure-escalations", {"officer": 1, "team": 1}),
        ("manager-figure-escalations", {"officer": 1, "level": 4}),
        ("manager-figure-handovers", {"officer": 1}),
        ("manager-figure-handovers", {"officer": "x", "side": "in"}),
        ("manager-figure-sessions", {"first_day": "2026-12-01", "last_day": "2026-12-07", "provider": "none"}),
        ("manager-figure-sessions", {"first_day": "2026-12-07", "last_day": "2026-12-01", "provider": "none",
                                     "status": "missed"}),
        ("manager-figure-items", {"first_day": "2026-12-01", "last_day": "2026-12-07", "provider": "-1"}),
        ("manager-figure-gaps", {"first_day": "not a day", "last_day": "2026-12-07", "provider": "none"}),
        ("manager-figure-cases", {"concerns": "some", "logged_from": "2026-01-01", "logged_to": "2026-12-01"}),
    ],
)
def test_a_link_that_names_no_figure_is_refused(client, borough, name, params):
    signed_in(client, borough.north.manager.user)

    response = client.get(reverse(name), params)

    assert response.status_code == 400
    assert "and choose a number" in response.content.decode()


def queries_of(client, link: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(link)  # warm the per-process caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(link).status_code == 200
    return len(captured)


def test_each_list_costs_the_same_queries_for_3_rows_as_for_30(client, borough, figures):
    signed_in(client, borough.north.manager.user)
    dashboard = figure_links(client.get(reverse("manager-dashboard")).content.decode())
    chosen = [link_of(dashboard, fragment)[1] for fragment in (
        f"escalations/?officer={borough.officer1.pk}&level=2", f"handovers/?officer={figures['newcomer'].pk}&side=in",
        "status=delivered", f"items/?first_day={today().replace(day=1)}", f"gaps/?first_day={today().replace(day=1)}",
    )]
    few = [queries_of(client, link) for link in chosen]

    more_of_everything(borough, figures, 27)
    many = [queries_of(client, link) for link in chosen]

    assert [listed_count(client, link) for link in chosen] == [30, 30, 30, 30, 30]
    assert many == few
    assert max(many) <= 10, many


def more_of_everything(borough, figures, count: int) -> None:
    manager = borough.north.manager
    for _ in range(count):
        case = log(borough)
        Alert.objects.create(
            case=case, clock=case.clocks.get(kind=ClockKind.RESOLVE, superseded_at__isnull=True),
            kind=Alert.Kind.ESCALATION, level=2, recipient=manager, recipient_role=Alert.Role.TEAM_MANAGER,
            owner=borough.officer1,
        )
        if case.accountable_officer_id == figures["newcomer"].pk:  # routing gives work to the least loaded
            services.case_reassign(actor=manager.user, case=case, officer=borough.officer1, note="Yours first")
        services.case_reassign(actor=manager.user, case=case, officer=figures["newcomer"], note="Over to you")
        item = provider_item(borough, figures["provider"])
        Delivery.objects.create(item=item, on=today(), status=Delivery.Status.DELIVERED, recorded_by=manager.user)
        silent = provider_item(borough, figures["provider"])
        ProvisionGap.objects.create(item=silent, rule=ProvisionGap.Rule.NOTHING_RECORDED, through=today(),
                                    what_was_missed="Every session", case=log(borough))
