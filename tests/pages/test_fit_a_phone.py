"""Every family, manager and legal page on a 360 px phone (issue 23.11) and in landmarks (23.12): no page wider
than its viewport, even with a 20,000-character word in a concern, and axe finds nothing serious, nor any content
outside a landmark ("region"). One browser session a kind of user, so the suite stays quick."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from casefile.services import process_attachment_add
from casework.models import Case
from casework.services import case_log, case_reassign
from core.time import UK_TIME
from escalations.models import Alert, ClockKind
from provision.models import Delivery
from statutory.services import decision_record
from tests.escalations.conftest import at, uk
from tests.factories import OrganisationFactory
from tests.statutory.conftest import start_assessment, step

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


@pytest.fixture
def assessment_with_files(borough, tmp_path, settings):
    """child1's assessment with a decision, a report on a step and the panel's papers on the decision, kept in a
    folder of the test's own: the statutory files page with a table of each kind of file."""
    settings.CASEFILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "evidence")},
    }
    process = start_assessment(borough)
    coordinator, manager = process.coordinator, process.coordinator.team.manager
    with at(uk(2027, 1, 21, 12)):
        decision = decision_record(
            actor=coordinator.user, process=process, decision="assess", decided_on=date(2027, 1, 20),
            approved_by=manager.pk, panel=[manager.pk], reasons="The school cannot meet these needs alone.",
        )
    for name, about in (("Educational psychologist's advice.txt", {"step_id": step(process, "advice").pk}),
                        ("Panel papers.txt", {"decision_id": decision.pk})):
        process_attachment_add(actor=coordinator.user, process=process, upload=SimpleUploadedFile(name, b"Advice"),
                               description="A long description " * 10, **about)
    return process


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


def test_every_family_page_fits_a_phone_and_sits_in_landmarks(page, borough, assessment_with_files):
    case = log(borough)
    files = f"/statutory/{assessment_with_files.pk}/files/"
    sign_in(page, "parent1")

    check(page, [
        "/concerns/", f"/concerns/{case.pk}/", f"/concerns/{case.pk}/sent/", "/concerns/new/which-child/",
        "/children/", "/statutory/", files, "/provision/", f"/provision/{borough.provision1.pk}/", "/inbox/",
        "/contact-details/", "/settings/notifications/",
    ])
    check(page, ["/concerns/", f"/concerns/{case.pk}/sent/", f"/concerns/{case.pk}/", files], widths=(DESKTOP,))


def test_every_manager_page_fits_a_phone_and_sits_in_landmarks(page, borough, assessment_with_files):
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
        "/inbox/", "/settings/notifications/", f"/statutory/{assessment_with_files.pk}/files/",
    ]
    check(page, pages)
    check(page, [*pages[:10], pages[-1]], widths=(DESKTOP,))


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
