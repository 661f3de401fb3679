"""Staff and managers in a real browser: acknowledging and replying (and the family seeing the reply),
offboarding an officer, and every main staff page checked with axe-core and photographed."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from casework.models import Case
from casework.services import case_acknowledge, case_log, case_resolve
from escalations.services import sla_sweep

from .conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def log(borough, *, child=None, summary="Speech and language therapy not delivered", safeguarding=False) -> Case:
    child = child or borough.child1
    parent = borough.parent1 if child == borough.child1 else borough.parent2
    case = case_log(
        actor=parent, child_id=child.pk, category_slug="provision_not_delivered", summary=summary,
        description="The therapist has not come to school since September.", safeguarding=safeguarding,
        provision_item_id=(borough.provision1 if child == borough.child1 else borough.provision2).pk,
    )
    return Case.objects.get(pk=case.pk)


def colleague_of(officer):
    return officer.team.officers.filter(is_manager=False, active=True).exclude(pk=officer.pk).order_by("pk").first()


def test_an_officer_acknowledges_and_replies_and_the_parent_sees_the_reply(page, browser, live_server, borough):
    case = log(borough)
    officer = borough.officer1
    reply = "The therapist will be back at school on Monday at 10am."
    note = "Checked with the trust: a new therapist starts next week."

    sign_in(page, officer.user.username)
    expect(page.get_by_role("heading", name="Your queue")).to_be_visible()
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(page.get_by_text("Case acknowledged.")).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Start work")).to_be_visible()

    # Two forms, each saying where its words go: a note never reaches the family by a missed tick.
    page.get_by_label("Your message").fill(reply)
    page.get_by_role("button", name="Send message to the family").click()
    expect(page.get_by_text("Message sent to the family.")).to_be_visible()
    page.get_by_label("Your note").fill(note)
    page.get_by_role("button", name="Add internal note").click()
    expect(page.get_by_text("Internal note added.")).to_be_visible()
    noted = page.locator("#timeline ~ ol li").filter(has_text=note)
    expect(noted.get_by_text("Staff only: the family cannot see this")).to_be_visible()

    family = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
    try:
        parent_page = family.new_page()
        parent_page.set_default_timeout(10_000)
        sign_in(parent_page, "parent1")
        parent_page.goto(f"/concerns/{case.pk}/")
        expect(parent_page.get_by_text(reply)).to_be_visible()
        expect(parent_page.get_by_text(note)).to_have_count(0)
        # The family page is not the staff page: staff-only pages refuse them.
        assert parent_page.goto(f"/queue/cases/{case.pk}/").status == 403
    finally:
        family.close()


def test_the_case_page_shows_the_error_summary_for_an_empty_message(page, borough):
    case = log(borough)
    sign_in(page, borough.officer1.user.username)
    page.goto(f"/queue/cases/{case.pk}/")

    page.get_by_role("button", name="Send message to the family").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_role("link", name="Enter a message to the family")).to_be_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    screenshot(page, "staff-case-errors")


@pytest.mark.parametrize("button", ["Send message to the family", "Acknowledge"])
def test_a_second_click_on_a_case_page_button_does_not_send_the_form_again(page, borough, button):
    case = log(borough)
    sign_in(page, borough.officer1.user.username)
    page.goto(f"/queue/cases/{case.pk}/")
    page.get_by_label("Your message").fill("We have chased the therapist today.")

    # Counted in the page, not at the server: a fast server can answer the first click before the second.
    submits = page.get_by_role("button", name=button, exact=True).evaluate(
        """button => {
            let submits = 0;
            button.form.addEventListener("submit", event => { submits += 1; event.preventDefault(); });
            button.click();
            button.click();
            return submits;
        }"""
    )

    assert submits == 1


def test_a_manager_offboards_an_officer_and_the_case_shows_its_new_owner(page, borough):
    case = log(borough)
    leaver = borough.officer1
    successor = colleague_of(leaver)

    sign_in(page, borough.north.manager.user.username)
    page.goto("/officers/")
    page.get_by_role("link", name=f"Offboard {leaver.display_name}").click()

    preview = page.get_by_role("table", name="Where each case would go")
    row = preview.get_by_role("row").filter(has_text=case.reference)
    expect(row).to_contain_text(successor.display_name)
    expect(row).to_contain_text(f"Fewest open cases in {borough.north.name}")
    assert_accessible(page)
    screenshot(page, "manager-offboard-preview")

    page.get_by_label("Handover note").fill("Alex's family prefer email. The school SENCo is very helpful.")
    page.get_by_role("button", name=re.compile(r"^Hand over 1 case and offboard")).click()

    expect(page.get_by_text(f"{leaver.display_name}: 1 case handed over to {successor.display_name}.")).to_be_visible()
    page.goto(f"/queue/cases/{case.pk}/")
    named = page.locator(".govuk-summary-list__row").filter(has=page.get_by_text("Named officer", exact=True))
    expect(named).to_contain_text(successor.display_name)
    expect(page.get_by_text("Alex's family prefer email.", exact=False)).to_be_visible()


def _a_busy_borough(borough):
    """Cases across four months: some resolved in time, some left to run late, one escalated, one covered."""
    now = timezone.now()
    officer = borough.officer1
    for months_ago in range(3, -1, -1):
        with time_machine.travel(now - timedelta(days=30 * months_ago + 1), tick=False):
            on_time = log(borough, summary=f"Therapy missed, {months_ago} months ago")
            case_acknowledge(actor=officer.user, case=on_time)
            case_resolve(actor=officer.user, case=on_time, outcome="Therapy restarted.")
            log(borough, summary=f"Transport late, {months_ago} months ago")
    sla_sweep()  # the late ones breach and escalate to the team manager
    urgent = log(borough, child=borough.child2, summary="Left alone at the school gate", safeguarding=True)
    return urgent


def test_every_main_staff_page_is_accessible(page, borough):
    urgent = _a_busy_borough(borough)
    case = Case.objects.filter(accountable_officer=borough.officer1, status=Case.Status.NEW).order_by("pk").first()
    manager = borough.north.manager

    sign_in(page, borough.officer1.user.username)
    for path, name in [
        ("/queue/", "staff-queue"),
        ("/queue/team/", "staff-team-queue"),
        (f"/queue/cases/{case.pk}/", "staff-case"),
        (f"/queue/cases/{case.pk}/handover/", "staff-handover"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)
        screenshot(page, name)
    page.goto("/queue/team/")
    expect(page.get_by_role("row").filter(has_text=urgent.reference)).to_contain_text("Safeguarding")
    expect(page.locator("tbody .govuk-tag--red").filter(has_text="Overdue").first).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, manager.user.username)
    for path, name in [
        ("/dashboard/", "manager-dashboard"),
        ("/officers/", "manager-officers"),
        (f"/officers/{borough.officer1.pk}/offboard/", "manager-offboard"),
        (f"/officers/{borough.officer1.pk}/cover/", "manager-cover"),
    ]:
        response = page.goto(path)
        assert response.status == 200, path
        assert_accessible(page)
        screenshot(page, name)

    page.goto("/dashboard/")
    chart = page.get_by_role("img", name=re.compile("by month logged"))
    expect(chart).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("by month logged: the figures"))).to_be_visible()
    expect(page.locator("#escalations ~ table").first).to_contain_text("team manager")


def test_a_manager_arranges_cover_and_the_cover_officer_sees_the_cases(page, browser, live_server, borough):
    case = log(borough)
    away = borough.officer1
    cover = colleague_of(away)
    until = timezone.localdate() + timedelta(days=14)

    sign_in(page, borough.north.manager.user.username)
    page.goto(f"/officers/{away.pk}/cover/")
    page.get_by_role("button", name="Arrange cover").click()
    expect(page.locator(".govuk-error-summary").get_by_role("link", name="Enter the last day of cover")).to_be_visible()
    assert_accessible(page)
    screenshot(page, "manager-cover-errors")

    page.get_by_label("Who will cover?").select_option(str(cover.pk))
    last_day = page.get_by_role("group", name="What is the last day of cover?")
    last_day.get_by_label("Day").fill(str(until.day))
    last_day.get_by_label("Month").fill(str(until.month))
    last_day.get_by_label("Year").fill(str(until.year))
    page.get_by_role("button", name="Arrange cover").click()
    expect(page.get_by_text(f"{cover.display_name} is covering {away.display_name}'s cases")).to_be_visible()

    covering = browser.new_context(base_url=live_server.url, viewport={"width": 1024, "height": 900})
    try:
        cover_page = covering.new_page()
        cover_page.set_default_timeout(10_000)
        sign_in(cover_page, cover.user.username)
        cover_page.goto("/queue/")
        expect(cover_page.get_by_role("row").filter(has_text=case.reference)).to_contain_text("Covering")
    finally:
        covering.close()
