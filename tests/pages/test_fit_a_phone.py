"""Every family, manager and legal page on a 360 px phone (issue 23.11) and in landmarks (23.12): no page wider
than its viewport, even with a 20,000-character word in a concern, and axe finds nothing serious, nor any content
outside a landmark ("region"). One browser session a kind of user, so the suite stays quick."""

import pytest
from django.utils import timezone

from casework.models import Case
from casework.services import case_log, case_reassign
from core.time import UK_TIME
from escalations.models import Alert, ClockKind
from provision.models import Delivery
from tests.factories import OrganisationFactory

from .conftest import serious_accessibility_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
LEGAL_PAGES = ["/sign-in/", "/accessibility/", "/privacy/", "/cookies/", "/join/"]
LONG_WORD = "a" * 20_000


def log(borough, *, summary="Speech and language therapy not delivered", description="No sessions since September."):
    case = case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="provision_not_delivered", summary=summary,
        description=description, provision_item_id=borough.provision1.pk,
    )
    return Case.objects.get(pk=case.pk)


def problems_on(page, path: str, *, viewport: dict) -> list[str]:
    """What is wrong with a page at a width: sideways scrolling, serious axe findings, content outside landmarks."""
    page.set_viewport_size(viewport)
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > viewport["width"]:
        found.append(f"{path} at {viewport['width']} px is {width} px wide")
    violations = serious_accessibility_violations(page) + outside_landmarks(page)
    found += [f"{path} at {viewport['width']} px: {violation}" for violation in violations]
    return found


def outside_landmarks(page) -> list[dict]:
    """axe's "region" rule (moderate, so not among the serious findings): content that is in no landmark."""
    results = page.evaluate("async () => await axe.run(document, {runOnly: ['region']})")
    return [{"id": v["id"], "nodes": [n["target"] for n in v["nodes"]][:5]} for v in results["violations"]]


def check(page, paths: list[str], *, widths=(PHONE,)) -> None:
    found = [problem for path in paths for viewport in widths for problem in problems_on(page, path, viewport=viewport)]
    assert found == [], "\n".join(found)


def test_every_family_page_fits_a_phone_and_sits_in_landmarks(page, borough):
    case = log(borough)
    sign_in(page, "parent1")

    check(page, [
        "/concerns/", f"/concerns/{case.pk}/", f"/concerns/{case.pk}/sent/", "/concerns/new/which-child/",
        "/children/", "/statutory/", "/provision/", f"/provision/{borough.provision1.pk}/", "/inbox/",
        "/contact-details/", "/settings/notifications/",
    ])
    check(page, ["/concerns/", f"/concerns/{case.pk}/sent/", f"/concerns/{case.pk}/"], widths=(DESKTOP,))


def test_every_manager_page_fits_a_phone_and_sits_in_landmarks(page, borough):
    case = log(borough)
    officer = borough.officer1
    something_behind_each_list(borough, case)
    sign_in(page, borough.north.manager.user.username)
    page.goto("/dashboard/")
    figures = [
        page.locator(f"a[href^='/dashboard/{listing}/']").first.get_attribute("href")
        for listing in ("cases", "escalations", "handovers", "sessions", "items", "gaps")
    ]

    pages = [
        "/dashboard/", "/dashboard/age/", "/dashboard/provision/", "/dashboard/transition/", *figures, "/officers/",
        f"/officers/{officer.pk}/cover/", f"/officers/{officer.pk}/offboard/", "/statutory/", "/provision/",
        "/inbox/", "/settings/notifications/",
    ]
    check(page, pages)
    check(page, pages[:10], widths=(DESKTOP,))


def something_behind_each_list(borough, case) -> None:
    """An escalation, a handover and a session with its provider, so the dashboard's lists have rows."""
    manager = borough.north.manager
    Alert.objects.create(
        case=case, clock=case.clocks.get(kind=ClockKind.RESOLVE, superseded_at__isnull=True),
        kind=Alert.Kind.ESCALATION, level=1, recipient=manager, recipient_role=Alert.Role.TEAM_MANAGER,
        owner=case.accountable_officer,
    )
    others = borough.north.officers.exclude(pk__in=[case.accountable_officer_id, manager.pk])
    case_reassign(actor=manager.user, case=case, officer=others.first(), note="Over to you")
    item = borough.provision1
    item.provider_organisation = OrganisationFactory(name="Speech Therapy Ltd")
    item.save()
    Delivery.objects.create(item=item, on=timezone.localdate(timezone.now(), UK_TIME), status=Delivery.Status.MISSED, recorded_by=manager.user)


def test_the_legal_pages_fit_a_phone_and_sit_in_landmarks(page):
    check(page, LEGAL_PAGES)


def test_a_20000_character_word_in_a_concern_makes_no_page_wider_than_a_phone(page, browser, live_server, borough):
    case = log(borough, summary=LONG_WORD[:200], description=LONG_WORD)
    sign_in(page, "parent1")
    family_pages = ["/concerns/", f"/concerns/{case.pk}/"]
    check(page, family_pages)

    manager = browser.new_context(base_url=live_server.url)
    try:
        staff = manager.new_page()
        sign_in(staff, borough.north.manager.user.username)
        check(staff, ["/dashboard/", f"/dashboard/cases/?officer={case.accountable_officer_id}&held=open"])
    finally:
        manager.close()
