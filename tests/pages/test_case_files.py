"""The case's files page in a real browser: a parent adds a letter and sees the case file links; an officer
sees the staff-only choice and the check that the record was not altered. Checked with axe-core and
photographed (test-artefacts/screenshots/case-files-*.png)."""

import pytest

from casework import services

from .conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def evidence_store(tmp_path, settings):
    settings.CASEFILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "evidence")},
    }


def test_a_parent_adds_a_letter_and_an_officer_sees_it(page, borough, evidence_store, tmp_path):
    case = services.case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="other", summary="Reports missing",
        description="The school has not sent the report.",
    )
    letter = tmp_path / "Letter to school.txt"
    letter.write_text("Dear Headteacher, please send the therapy report.\n")

    sign_in(page, "parent1")
    page.goto(f"/concerns/{case.pk}/")
    page.get_by_role("link", name="Files and your case file").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Add file").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Select a file").is_visible()
    assert_accessible(page)
    screenshot(page, "case-files-family-error")
    page.get_by_label("Upload a file").set_input_files(str(letter))
    page.get_by_label("What is this file? (optional)").fill("My letter to the school")
    page.get_by_role("button", name="Add file").click()
    page.wait_for_load_state()
    assert page.get_by_text("Letter to school.txt has been added.").is_visible()
    assert page.get_by_role("link", name="Download your case file (PDF)").is_visible()
    assert_accessible(page)
    screenshot(page, "case-files-family")

    page.context.clear_cookies()
    sign_in(page, case.accountable_officer.user.username)
    page.goto(f"/cases/{case.pk}/files/")
    assert page.get_by_role("link", name="Letter to school.txt").is_visible()
    assert page.get_by_label("Staff only: do not show this file to the family").is_visible()
    assert page.get_by_text("match the codes they were sealed with").is_visible()
    assert_accessible(page)
    screenshot(page, "case-files-staff")
