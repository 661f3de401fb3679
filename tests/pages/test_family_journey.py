"""A parent in a real browser: telling us about a problem question by question, then the family's other pages.

Every family page is checked with axe-core and photographed for review (test-artefacts/screenshots/family-*.png).
Each check takes about a second, so the pages are spread over several short tests.
"""

import pytest

from casework import services
from casework.models import Case
from tests.factories import ChildFactory

from .conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1024, "height": 900}
PHONE = {"width": 390, "height": 844}


def check(page, name: str) -> None:
    assert_accessible(page)
    screenshot(page, name)


def on_a_phone(page, name: str) -> None:
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def continue_(page) -> None:
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def a_family_with_two_children(borough):
    """A second child, so the journey asks every question there is."""
    borough.organisation.out_of_hours_phone = "0300 123 4567"
    borough.organisation.save()
    ChildFactory(family=borough.child1.family, first_name="Sam")


def answer(page, borough, *, until: str | None = None, checks: bool = False) -> None:
    """Answer each question in turn, from the start button, stopping on the question named `until`."""
    steps = [
        ("which-child", "Which child is the problem about?", lambda: page.get_by_label(borough.child1.display_name)),
        ("what-about", "What is the problem about?", lambda: page.get_by_label("Support in the EHCP is not happening")),
        (
            "ehcp-support",
            "Which support in Alex's EHCP is not happening?",
            lambda: page.get_by_label("Speech and language therapy: 1 hour weekly"),
        ),
        ("risk", "Keeping children safe", lambda: page.get_by_label("No")),
        ("what-happened", "What has happened?", None),
    ]
    page.goto("/concerns/")
    page.get_by_role("button", name="Tell us about a problem").click()
    page.wait_for_load_state()
    for number, (name, heading, choice) in enumerate(steps, start=1):
        if name == until:
            return
        assert page.get_by_role("heading", name=heading).is_visible()
        if checks:
            check(page, f"family-journey-{number}-{name}")
        if choice:
            choice().check()
        else:
            page.get_by_label("Describe the problem in one sentence").fill("Speech therapy has stopped")
            page.get_by_label("Tell us what has happened").fill("No therapist has come to school since September.")
        continue_(page)


def test_a_parent_tells_us_about_a_problem_from_start_to_confirmation_and_sees_it_on_their_list(page, borough):
    a_family_with_two_children(borough)
    sign_in(page, "parent1")
    assert page.get_by_role("heading", name="Your concerns").is_visible()

    answer(page, borough)

    assert page.get_by_role("heading", name="Check your answers before sending your concern").is_visible()
    page.get_by_role("button", name="Send concern").click()
    page.wait_for_load_state()

    case = Case.objects.get()
    assert (case.child, case.category_id, case.provision_item, case.safeguarding) == (
        borough.child1, "provision_not_delivered", borough.provision1, False
    )
    assert page.get_by_role("heading", name="Concern sent").is_visible()
    assert page.get_by_text(case.reference).is_visible()
    assert page.get_by_text(f"{case.accountable_officer.display_name} is your named officer").is_visible()
    check(page, "family-journey-7-confirmation")

    page.get_by_role("link", name="See all your concerns").click()
    assert page.get_by_role("link", name="Speech therapy has stopped").is_visible()
    assert page.get_by_text(f"Reference {case.reference}").is_visible()
    check(page, "family-concerns")
    on_a_phone(page, "family-concerns")


def test_the_first_two_questions_are_accessible(page, borough):
    a_family_with_two_children(borough)
    sign_in(page, "parent1")

    answer(page, borough, until="ehcp-support", checks=True)


def test_the_ehcp_question_is_accessible_and_fits_a_phone(page, borough):
    a_family_with_two_children(borough)
    sign_in(page, "parent1")
    answer(page, borough, until="ehcp-support")

    assert page.get_by_role("heading", name="Which support in Alex's EHCP is not happening?").is_visible()
    check(page, "family-journey-3-ehcp-support")
    on_a_phone(page, "family-journey-3-ehcp-support")


def test_the_last_questions_and_the_check_page_are_accessible(page, borough):
    a_family_with_two_children(borough)
    sign_in(page, "parent1")
    answer(page, borough, until="risk")

    assert page.get_by_text("If a child is in immediate danger, call 999 now. Out of hours, call 0300 123 4567.").is_visible()
    check(page, "family-journey-4-risk")
    page.get_by_label("No").check()
    continue_(page)
    check(page, "family-journey-5-what-happened")
    page.get_by_label("Describe the problem in one sentence").fill("Speech therapy has stopped")
    page.get_by_label("Tell us what has happened").fill("No therapist has come to school since September.")
    continue_(page)

    assert page.get_by_text("Speech and language therapy: 1 hour weekly").is_visible()
    check(page, "family-journey-6-check-answers")


def test_form_errors_show_the_error_summary_on_a_journey_question(page, borough):
    sign_in(page, "parent1")
    page.goto("/concerns/new/")

    continue_(page)

    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="Select what the problem is about").is_visible()
    assert page.title().startswith("Error: ")
    check(page, "family-journey-error")
    # The summary's link takes the parent to the first choice.
    summary.get_by_role("link", name="Select what the problem is about").click()
    assert page.locator("#id_category_0").evaluate("el => el === document.activeElement")


def a_concern_with_a_reply(borough) -> Case:
    case = services.case_log(
        actor=borough.parent1,
        child_id=borough.child1.pk,
        category_slug="provision_not_delivered",
        provision_item_id=borough.provision1.pk,
        summary="Speech therapy has stopped",
        description="No therapist since September.",
    )
    officer = case.accountable_officer.user
    services.case_acknowledge(actor=officer, case=case)
    services.case_message_add(actor=officer, case=case, text="I have asked the therapy service why.")
    return case


def test_the_concern_and_children_pages_are_accessible(page, borough):
    case = a_concern_with_a_reply(borough)
    sign_in(page, "parent1")

    page.goto(f"/concerns/{case.pk}/")
    assert page.get_by_text("I have asked the therapy service why.").is_visible()
    check(page, "family-concern")
    page.get_by_role("button", name="Send message").click()
    assert page.locator(".govuk-error-summary").get_by_role("link", name="Enter a message").is_visible()
    page.get_by_label("Send a message").fill("Thank you. The school says the same.")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your message has been sent").is_visible()

    page.goto("/children/")
    assert page.get_by_role("cell", name="Community NHS Trust").is_visible()
    check(page, "family-children")


def test_the_inbox_and_settings_pages_are_accessible(page, borough):
    case = a_concern_with_a_reply(borough)
    sign_in(page, "parent1")

    page.goto("/inbox/")
    assert page.get_by_text("You have 3 unread messages.").is_visible()
    check(page, "family-inbox")
    page.locator("form").filter(has_text="Unread").first.get_by_role("button").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/concerns/{case.pk}/")

    page.goto("/settings/notifications/")
    check(page, "family-settings")
    page.get_by_role("group", name="Do you want us to email you when something happens?").get_by_label("No").check()
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your settings have been saved.").is_visible()
