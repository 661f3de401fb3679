"""The officers' pages of issue 23 in a real browser, each checked with axe-core and for fitting the screen at
1280 px and 360 px: the queue (search, sorting, due next, legal dates among the cases), logging a concern for a
family who rang, an officer's page where a manager moves a chosen set of cases, and a family withdrawing a
concern (whose response clock starting work did not stop)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from casework.models import Case
from casework.services import case_acknowledge, case_start
from tests.statutory.conftest import start_assessment

from .conftest import assert_accessible, screenshot, sign_in
from .test_staff_journeys import log

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 800}


def check_at_both_widths(page, name: str) -> None:
    """No serious or critical axe finding, and nothing wider than the screen, on a desktop and a small phone."""
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        assert_accessible(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name} is {width} px wide on a {size['width']} px screen"
        screenshot(page, f"{name}-{size['width']}")
    page.set_viewport_size(WIDE)


def test_the_queue_searches_sorts_and_holds_the_coordinators_legal_dates(page, borough):
    process = start_assessment(borough, on=date(2026, 10, 1))
    coordinator = process.coordinator
    cases = [log(borough, child=child) for child in (borough.child1, borough.child2)]
    Case.objects.filter(pk__in=[case.pk for case in cases]).update(accountable_officer=coordinator, team=coordinator.team)

    sign_in(page, coordinator.user.username)
    page.goto("/queue/")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    legal = rows.filter(has_text="Statutory process")
    expect(legal.locator('[data-label="Summary"]')).to_contain_text("(SEND Regulations 2014, regulation 5(1))")
    expect(legal.locator('[data-label="Due next"]')).to_contain_text("Legal date")
    expect(legal.get_by_text("Late")).to_be_visible()
    expect(rows.filter(has_text=cases[0].reference).locator('[data-label="Due next"]')).to_contain_text("Acknowledge")
    check_at_both_widths(page, "queue")

    page.get_by_label("Search by reference, child's name or family name").fill(borough.child2.first_name)
    page.get_by_label("Sort by").select_option("oldest")
    page.get_by_role("button", name="Apply").click()
    assert f"q={borough.child2.first_name}" in page.url and "sort=oldest" in page.url
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(borough.child2.first_name)


def test_an_officer_logs_a_concern_for_a_family_who_rang_and_adds_a_note(page, borough):
    sign_in(page, borough.officer1.user.username)
    page.goto("/queue/")
    page.get_by_role("link", name="Log a concern for a family who rang").click()
    page.get_by_label("Child's name or family name").fill(borough.child1.first_name)
    page.get_by_role("button", name="Find the child").click()
    check_at_both_widths(page, "log-find-child")
    page.locator(f'a[href="/queue/log/children/{borough.child1.pk}/"]').click()

    page.get_by_role("button", name="Log the concern").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Choose how the family got in touch")
    check_at_both_widths(page, "log-for-child-errors")
    page.get_by_label("Phone call").check()
    page.get_by_label("What is the concern about?").select_option("provision_not_delivered")
    page.get_by_label("Summary").fill("Taxi did not come")
    page.get_by_label("What the family told you").fill("Dad rang: the taxi did not come this morning.")
    page.get_by_role("button", name="Log the concern").click()

    expect(page.get_by_text("(it came in by phone)")).to_be_visible()
    page.get_by_label("Your note").fill("Dad sounded worried; ring back after 3pm.")
    page.get_by_role("button", name="Add internal note").click()
    expect(page.locator("#timeline ~ ol li").filter(has_text="ring back after 3pm")
           .get_by_text("Staff only: the family cannot see this")).to_be_visible()
    check_at_both_widths(page, "staff-case-with-note")


def test_a_manager_moves_a_chosen_set_of_cases_from_an_officers_page(page, borough):
    cases = [log(borough) for _ in range(3)]
    holder = cases[0].accountable_officer
    colleague = holder.team.officers.filter(is_manager=False, active=True).exclude(pk=holder.pk).first()

    sign_in(page, borough.north.manager.user.username)
    page.goto("/officers/")
    page.locator(f'a[href="/officers/{holder.pk}/cases/"]').click()
    check_at_both_widths(page, "officer-cases")
    page.get_by_label(f"Move {cases[0].reference}").check()
    page.get_by_label(f"Move {cases[2].reference}").check()
    page.get_by_label("Move the chosen cases to").select_option(
        label=f"{colleague.display_name} ({colleague.team.name}): 0 open cases"
    )
    page.get_by_label("Handover note").fill("Sharing out the work while term starts.")
    page.get_by_role("button", name="Move the chosen cases").click()

    expect(page.get_by_text(f"2 cases moved to {colleague.display_name}")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)


def test_a_family_withdraws_a_concern_whose_response_clock_still_runs_after_work_started(page, borough):
    case = log(borough)
    officer = case.accountable_officer.user
    case_acknowledge(actor=officer, case=case)
    case_start(actor=officer, case=case)

    sign_in(page, borough.parent1.username)
    page.goto(f"/concerns/{case.pk}/")
    reply_row = page.locator(".govuk-summary-list__row").filter(has_text="Give you a full reply")
    expect(reply_row).not_to_contain_text("on time")
    page.get_by_text("Withdraw this concern", exact=True).click()
    check_at_both_widths(page, "family-withdraw")
    page.get_by_label("Why do you want to withdraw this concern?").fill("The school has sorted it out.")
    page.get_by_role("button", name="Withdraw concern").click()

    expect(page.get_by_text("You have withdrawn this concern.")).to_be_visible()
    expect(page.get_by_text("Withdraw this concern", exact=True)).to_have_count(0)
