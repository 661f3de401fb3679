"""The case file: a ZIP whose manifest proves its files and records, a PDF bundle with an index and
numbered pages, the family's copy without internal notes, and every copy logged."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from casefile import services as casefile_services
from casefile.exports import export_check
from casefile.models import CaseFileExport
from casework import services
from casework.models.chain import CaseChain
from tests.casefile.conftest import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db

INTERNAL_NOTE = "Internal: the school's SENCo thinks the family exaggerates."


@pytest.fixture
def filed_case(borough, case1):
    officer = case1.accountable_officer.user
    services.case_acknowledge(actor=officer, case=case1)
    services.case_message_add(actor=borough.parent1, case=case1, text="Here is the school's report.")
    services.case_message_add(actor=officer, case=case1, text=INTERNAL_NOTE, internal=True)
    casefile_services.attachment_add(
        actor=borough.parent1, case=case1, upload=SimpleUploadedFile("school report.pdf", PDF_BYTES)
    )
    casefile_services.attachment_add(
        actor=officer, case=case1, upload=SimpleUploadedFile("safeguarding referral.txt", b"Staff only"), staff_only=True
    )
    casefile_services.attachment_add(actor=officer, case=case1, upload=SimpleUploadedFile("photo.png", PNG_BYTES))
    return case1


def get_file(api, user, case, **params):
    response = api.as_user(user).get(f"/api/cases/{case.pk}/file/", params)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def zip_of(body: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(body))


def test_the_zips_manifest_matches_its_files_and_the_chain(api, filed_case):
    response, body = get_file(api, filed_case.accountable_officer.user, filed_case, format="zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="{filed_case.reference}-case-file.zip"'
    archive = zip_of(body)
    manifest = json.loads(archive.read("manifest.json"))
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for path, sha256 in listed.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == sha256
    chain = CaseChain.objects.get(case=filed_case)
    assert manifest["chain"] == {"length": chain.length, "head": chain.head}
    originals = [name for name in archive.namelist() if name.startswith("attachments/")]
    assert len(originals) == 3
    assert archive.read(next(name for name in originals if name.endswith("school report.pdf"))) == PDF_BYTES


def test_the_command_finds_a_zip_intact_and_names_what_was_changed_in_one(api, filed_case, tmp_path):
    _, body = get_file(api, filed_case.accountable_officer.user, filed_case, format="zip")
    intact = tmp_path / "intact.zip"
    intact.write_bytes(body)
    call_command("verify_case_files", "--export", str(intact))

    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(intact) as original, zipfile.ZipFile(tampered, "w") as copy:
        for name in original.namelist():
            data = original.read(name)
            if name == "timeline.json":
                data = data.replace(b"Here is the school", b"Here is NOT the school")
            copy.writestr(name, data)

    result = export_check(tampered.open("rb"))
    assert any(problem.startswith("timeline.json: changed") for problem in result.problems)
    with pytest.raises(CommandError):
        call_command("verify_case_files", "--export", str(tampered))


def test_a_zip_whose_records_were_rewritten_in_the_database_since_is_reported(api, filed_case):
    from django.db import connection

    _, body = get_file(api, filed_case.accountable_officer.user, filed_case, format="zip")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE casework_caseevent SET chain_hash = %s WHERE case_id = %s", ["a" * 64, filed_case.pk])

    problems = export_check(io.BytesIO(body)).problems

    assert any("differs from the database" in problem for problem in problems)


def test_the_familys_zip_holds_no_internal_note_and_no_staff_only_file(api, borough, filed_case):
    response, body = get_file(api, borough.parent1, filed_case, format="zip")

    assert response.status_code == 200
    archive = zip_of(body)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert INTERNAL_NOTE.encode() not in everything
    assert b"safeguarding referral" not in everything
    assert b"Staff only" not in everything
    assert export_check(io.BytesIO(body)).problems == []


def test_a_family_cannot_ask_for_the_full_file(api, borough, filed_case):
    response, _ = get_file(api, borough.parent1, filed_case, format="zip", version="full")

    assert response.status_code == 403


def test_the_pdf_opens_with_an_index_and_numbered_pages(api, filed_case):
    response, body = get_file(api, filed_case.accountable_officer.user, filed_case, format="pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(body))
    pages = [page.extract_text() for page in reader.pages]
    total = len(pages)
    assert total >= 5
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
    index = " ".join(pages[0].split())
    assert "Index" in index
    for section in ("1. The concern", "2. Who was accountable", "3. Timeline", "4. Messages", "5. Evidence"):
        starts_on = next(number for number, text in enumerate(pages[1:], start=2) if section in text)
        # The index gives the page each section starts on (the extractor reads the number first).
        assert f"{starts_on} {section}" in index
    assert INTERNAL_NOTE in " ".join(" ".join(pages).split())


def test_the_familys_pdf_holds_no_internal_note(api, borough, filed_case):
    _, body = get_file(api, borough.parent1, filed_case, format="pdf")

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())
    assert "Here is the school's report." in text
    assert "SENCo" not in text
    assert "safeguarding referral" not in text


def test_every_copy_is_logged_with_who_when_and_what(api, borough, filed_case):
    officer = filed_case.accountable_officer.user
    get_file(api, officer, filed_case, format="zip")
    get_file(api, borough.parent1, filed_case, format="pdf")

    logged = list(CaseFileExport.objects.order_by("at").values_list("requested_by", "kind", "version", "case"))
    assert logged == [
        (officer.pk, "zip", "full", filed_case.pk),
        (borough.parent1.pk, "pdf", "family", filed_case.pk),
    ]
    # Staff taking a copy have also opened the record (DESIGN.md invariant 6); a family looking at theirs has not.
    assert list(filed_case.accesses.filter(via__startswith="api:case file").values_list("user", flat=True)) == [
        officer.pk
    ]


def test_another_familys_case_file_is_not_found(api, borough, case2):
    response, body = get_file(api, borough.parent1, case2, format="zip")

    assert response.status_code == 404
    assert not CaseFileExport.objects.exists()


def test_an_unknown_format_is_a_400(api, borough, case1):
    response, _ = get_file(api, borough.parent1, case1, format="docx")

    assert response.status_code == 400
    assert response.json() == {"format": ["Choose pdf or zip."]}


def test_a_subject_access_export_gathers_every_case_of_the_family_with_internal_notes_marked_for_review(
    api, borough, filed_case
):
    second = services.case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="transport", summary="Bus late",
        description="The bus was late every day this week.",
    )
    family = borough.child1.family

    response = api.as_user(borough.head_of_service.user).get(f"/api/families/{family.pk}/subject-access/")

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    archive = zip_of(body)
    names = archive.namelist()
    assert "family.json" in names
    assert {f"{filed_case.reference}/timeline.json", f"{second.reference}/timeline.json"} <= set(names)
    timeline = json.loads(archive.read(f"{filed_case.reference}/timeline.json"))
    note = next(event for event in timeline if event["text"] == INTERNAL_NOTE)
    assert note["review_before_disclosure"] is True
    assert not any(event.get("review_before_disclosure") for event in timeline if not event["internal"])
    assert json.loads(archive.read("manifest.json"))["before_disclosure"].startswith("Every item marked")
    assert export_check(io.BytesIO(body)).problems == []
    assert CaseFileExport.objects.get().family == family


def test_only_a_manager_of_the_familys_council_may_take_a_subject_access_export(api, borough, filed_case):
    from tests.factories import OfficerFactory

    family = borough.child1.family
    elsewhere = OfficerFactory(is_manager=True, user__username="elsewhere-manager")

    assert api.as_user(borough.parent1).get(f"/api/families/{family.pk}/subject-access/").status_code == 403
    assert api.as_user(borough.officer1.user).get(f"/api/families/{family.pk}/subject-access/").status_code == 403
    assert api.as_user(elsewhere.user).get(f"/api/families/{family.pk}/subject-access/").status_code == 404
    assert not CaseFileExport.objects.exists()


def two_page_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    drawing = canvas.Canvas(buffer)
    for text in ("School report, first page", "School report, second page"):
        drawing.drawString(72, 700, text)
        drawing.showPage()
    drawing.save()
    return buffer.getvalue()


def test_an_attached_pdf_is_put_in_the_bundle_after_its_evidence_page_and_numbered_with_it(api, borough, case1):
    casefile_services.attachment_add(
        actor=borough.parent1, case=case1, upload=SimpleUploadedFile("report.pdf", two_page_pdf())
    )
    casefile_services.attachment_add(
        actor=borough.parent1, case=case1, upload=SimpleUploadedFile("letter.txt", b"Dear school")
    )

    _, body = get_file(api, borough.parent1, case1, format="pdf")

    pages = [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages]
    total = len(pages)
    evidence_page = next(n for n, text in enumerate(pages, start=1) if "Evidence 1: report.pdf" in text and n > 1)
    assert "The document follows: 2 pages." in pages[evidence_page - 1]
    assert "School report, first page" in pages[evidence_page]
    assert "School report, second page" in pages[evidence_page + 1]
    assert "Dear school" in pages[evidence_page + 2]
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text
    index = re.sub(r"[ .]{3,}", " ", pages[0])  # without the dot leaders
    # The extractor reads each entry's page number before its title.
    assert f"{evidence_page} Evidence 1: report.pdf" in index
    assert f"{evidence_page + 3} Evidence 2: letter.txt" in index


def test_a_damaged_pdf_is_named_in_the_bundle_not_included(api, borough, case1):
    casefile_services.attachment_add(actor=borough.parent1, case=case1, upload=SimpleUploadedFile("x.pdf", PDF_BYTES))

    response, body = get_file(api, borough.parent1, case1, format="pdf")

    assert response.status_code == 200
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())
    assert "This PDF could not be included" in text


def test_every_case_of_a_child_comes_in_one_zip_a_folder_a_case(api, borough, filed_case):
    transport = services.case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="transport", summary="Bus late",
        description="The bus was late every day this week.",
    )

    response = api.as_user(borough.parent1).get(f"/api/children/{borough.child1.pk}/file/")

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    names = zip_of(body).namelist()
    assert {f"{filed_case.reference}/case.json", f"{transport.reference}/case.json"} <= set(names)
    assert INTERNAL_NOTE.encode() not in b"".join(zip_of(body).read(name) for name in names)
    assert export_check(io.BytesIO(body)).problems == []
    assert CaseFileExport.objects.get().child == borough.child1


def test_staff_get_only_the_cases_of_a_child_they_may_see(api, borough, filed_case):
    transport = services.case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="transport", summary="Bus late",
        description="The bus was late every day this week.",
    )

    response = api.as_user(borough.officer2.user).get(f"/api/children/{borough.child1.pk}/file/")

    names = zip_of(b"".join(response.streaming_content)).namelist()
    assert f"{transport.reference}/case.json" in names
    assert not any(name.startswith(filed_case.reference) for name in names)
    assert api.as_user(borough.parent2).get(f"/api/children/{borough.child1.pk}/file/").status_code == 404
