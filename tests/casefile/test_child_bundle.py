"""The child's PDF bundle (API.md "Evidence and the case file"): every case of the child and each statutory process,
with its steps and legal dates, its decisions with their named approver, panel and reasons, and every file, behind
an index and numbered pages; the family's copy without internal notes or staff-only files; every copy logged."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from casefile import services as casefile_services
from casefile.models import CaseFileExport
from casework import services
from tests.casefile.conftest import PNG_BYTES
from tests.casefile.test_exports import two_page_pdf
from tests.statutory.conftest import step

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "Internal: the head teacher thinks the family exaggerates."


@pytest.fixture
def child_file(borough, case1, process, decided):
    """child1 has a concern with a message, an internal note and a staff-only file, and an assessment with a
    decision: the panel's papers on the decision kept for staff, and the educational psychologist's advice on a step
    shared with the family."""
    officer = case1.accountable_officer.user
    services.case_message_add(actor=borough.parent1, case=case1, text="Here is the school's report.")
    services.case_message_add(actor=officer, case=case1, text=INTERNAL_NOTE, internal=True)
    casefile_services.attachment_add(
        actor=officer, case=case1, upload=SimpleUploadedFile("safeguarding referral.txt", b"Staff only"), staff_only=True
    )
    casefile_services.attachment_add(actor=borough.parent1, case=case1, upload=SimpleUploadedFile("photo.png", PNG_BYTES))
    casefile_services.process_attachment_add(
        actor=process.coordinator.user, process=process, upload=SimpleUploadedFile("panel papers.txt", b"Papers"),
        decision_id=decided.pk, staff_only=True,
    )
    casefile_services.process_attachment_add(
        actor=process.coordinator.user, process=process, upload=SimpleUploadedFile("EP advice.pdf", two_page_pdf()),
        step_id=step(process, "advice").pk,
    )
    return borough.child1


def child_pdf(api, user, child, **params):
    response = api.as_user(user).get(f"/api/children/{child.pk}/file/", {"format": "pdf", **params})
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def pages_of(body: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]


def test_the_childs_bundle_opens_with_an_index_numbered_pages_and_each_statutory_decision(
    api, borough, case1, process, decided, child_file
):
    response, body = child_pdf(api, process.coordinator.user, child_file)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="child-{child_file.pk}-case-files.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    pages = pages_of(body)
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
    process_part = "Statutory process: EHC needs assessment, received 18 December 2026"
    advice_page = "Evidence 2: EP advice.pdf Added to:"
    starts = {
        title: next(n for n, text in enumerate(pages, start=1) if title in text and n > 1)
        for title in (process_part, f"Concern {case1.reference}", advice_page)
    }
    index = re.sub(r"[ .]{3,}", " ", " ".join(pages[: starts[process_part] - 1]))  # without the dot leaders
    assert "Index" in index
    for title, page in starts.items():
        # The extractor reads each entry's page number before its title.
        assert f"{page} {title.removesuffix(' Added to:')}" in index
    text = " ".join(pages)
    manager = process.coordinator.team.manager
    assert f"Approved by {manager.display_name}" in text
    assert f"Panel {', '.join(sorted([manager.display_name, process.coordinator.display_name]))}" in text
    assert decided.reasons in text
    assert "Decided on 20 January 2027" in text
    assert f"EHC coordinator now {process.coordinator.display_name}" in text
    advice = step(process, "advice")
    assert advice.label in text and advice.regulation in text
    # The advice's two pages follow its evidence page, numbered with the bundle.
    assert "School report, first page" in pages[starts[advice_page]]
    assert INTERNAL_NOTE in text
    assert "panel papers.txt" in text and "safeguarding referral.txt" in text


def test_the_familys_bundle_holds_the_decision_but_no_internal_note_nor_staff_only_file(
    api, borough, process, decided, child_file
):
    response, body = child_pdf(api, borough.parent1, child_file)

    assert response.status_code == 200
    text = " ".join(pages_of(body))
    assert decided.reasons in text
    assert f"Approved by {process.coordinator.team.manager.display_name}" in text
    assert "Here is the school's report." in text
    assert "EP advice.pdf" in text and "photo.png" in text
    assert "head teacher" not in text
    assert "safeguarding referral" not in text
    assert "panel papers" not in text
    assert "This is the family's copy." in text


def test_a_family_cannot_take_the_full_bundle_nor_another_familys_child(api, borough, child_file):
    assert child_pdf(api, borough.parent1, child_file, version="full")[0].status_code == 403
    assert child_pdf(api, borough.parent2, child_file)[0].status_code == 404
    assert not CaseFileExport.objects.exists()


def test_every_bundle_is_logged_with_who_when_and_what(api, borough, case1, process, child_file):
    officer = case1.accountable_officer.user
    child_pdf(api, officer, child_file)
    child_pdf(api, borough.parent1, child_file)

    logged = list(CaseFileExport.objects.order_by("at").values_list("requested_by", "kind", "version", "child", "family"))
    family = child_file.family_id
    assert logged == [
        (officer.pk, "pdf", "full", child_file.pk, family),
        (borough.parent1.pk, "pdf", "family", child_file.pk, family),
    ]
    # Staff taking the child's bundle have opened each case in it; a family looking at theirs has not.
    assert list(case1.accesses.filter(via="api:child file pdf").values_list("user", flat=True)) == [officer.pk]


def test_an_unknown_format_is_a_400_and_nothing_is_logged(api, borough, child_file):
    response, _ = child_pdf(api, borough.parent1, child_file, format="docx")

    assert response.status_code == 400
    assert response.json() == {"format": ["Choose pdf or zip."]}
    assert not CaseFileExport.objects.exists()
