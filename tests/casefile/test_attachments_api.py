"""Attachments through the API: who may add and see which files, and what is refused (API.md "Evidence")."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefile.models import Attachment
from casework.models import CaseAccess, CaseEvent, CaseMessage
from tests.casefile.conftest import EXE_BYTES, PDF_BYTES, PNG_BYTES, office_zip, stored_files

pytestmark = pytest.mark.django_db


def upload(api, user, case, content: bytes, name: str = "report.pdf", **fields):
    api.as_user(user)
    body = {"file": SimpleUploadedFile(name, content), **fields}
    return api.post(f"/api/cases/{case.pk}/attachments/", body, format="multipart")


def download(api, user, attachment_id):
    api.as_user(user)
    return api.get(f"/api/attachments/{attachment_id}/download/")


def test_a_pdf_uploaded_by_a_family_is_seen_and_downloaded_by_the_named_officer(api, borough, case1):
    response = upload(api, borough.parent1, case1, PDF_BYTES, "School report.pdf", description="From the school")

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["name"] == "School report.pdf"
    assert created["content_type"] == "application/pdf"
    assert created["size"] == len(PDF_BYTES)
    assert created["uploaded_by"]["display_name"] == borough.parent1.get_full_name()
    assert created["staff_only"] is False
    officer = case1.accountable_officer.user
    listed = api.as_user(officer).get(f"/api/cases/{case1.pk}/attachments/").json()
    assert [item["id"] for item in listed["results"]] == [created["id"]]
    got = download(api, officer, created["id"])
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF_BYTES
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"] == 'attachment; filename="School report.pdf"'
    assert got["X-Content-Type-Options"] == "nosniff"


def test_the_file_is_listed_on_the_timeline_for_the_family_and_staff(api, borough, case1):
    upload(api, borough.parent1, case1, PDF_BYTES, "letter.pdf")

    timeline = api.as_user(borough.parent1).get(f"/api/cases/{case1.pk}/timeline/").json()["results"]

    assert timeline[-1]["kind"] == "attached"
    assert "letter.pdf" in timeline[-1]["text"]


@pytest.mark.parametrize(
    "content, name, message",
    [
        (EXE_BYTES, "report.pdf", "must be a PDF"),
        (b"", "report.pdf", "The selected file is empty."),
        (office_zip("word/document.xml", macros=True), "minutes.docx", "must be a PDF"),
        (b"<html>\x00<script>", "notes.txt", "must be a PDF"),
    ],
    ids=["executable renamed .pdf", "empty", "word document with macros", "binary posing as text"],
)
def test_a_file_of_the_wrong_kind_or_empty_is_refused_and_nothing_is_kept(
    api, borough, case1, evidence_store, content, name, message
):
    events_before = CaseEvent.objects.filter(case=case1).count()

    response = upload(api, borough.parent1, case1, content, name)

    assert response.status_code == 400
    assert message in response.json()["file"][0]
    assert not Attachment.objects.exists()
    assert CaseEvent.objects.filter(case=case1).count() == events_before
    assert stored_files(evidence_store) == []


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_kept(api, borough, case1, evidence_store, settings):
    settings.CASEFILE_MAX_UPLOAD_BYTES = 1024
    response = upload(api, borough.parent1, case1, PDF_BYTES + b"0" * 1024)

    assert response.status_code == 400
    assert response.json()["file"] == ["The selected file must be smaller than 1 KB."]
    assert not Attachment.objects.exists()
    assert stored_files(evidence_store) == []


@pytest.mark.parametrize(
    "content, name, expected_type, expected_name",
    [
        (PNG_BYTES, "photo.PNG", "image/png", "photo.png"),
        (b"\xff\xd8\xff\xe0JFIF", "scan.jpeg", "image/jpeg", "scan.jpg"),
        (office_zip("word/document.xml"), "plan.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "plan.docx"),
        (office_zip("xl/workbook.xml"), "hours.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "hours.xlsx"),
        ("Notes from the meeting: Zoë said “yes”.\r\n".encode(), "notes.txt", "text/plain; charset=utf-8", "notes.txt"),
        (PDF_BYTES, "report.txt", "application/pdf", "report.pdf"),
    ],
    # Named, not shown: the Office files are made now and carry the time, so their bytes differ between runs.
    ids=["png", "jpeg", "word", "excel", "text", "pdf named .txt"],
)
def test_the_type_comes_from_the_content_and_the_name_says_it(api, borough, case1, content, name, expected_type, expected_name):
    response = upload(api, borough.parent1, case1, content, name)

    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == expected_type
    assert response.json()["name"] == expected_name


def test_a_file_name_with_folders_and_special_characters_is_made_safe(api, borough, case1):
    response = upload(api, borough.parent1, case1, PDF_BYTES, '..\\..\\etc/"evil";<name>.pdf')

    assert response.json()["name"] == "evil name.pdf"


def test_another_familys_attachment_answers_404_and_leaks_nothing(api, borough, case1, case2):
    theirs = upload(api, borough.parent2, case2, PDF_BYTES).json()

    assert download(api, borough.parent1, theirs["id"]).status_code == 404
    assert api.as_user(borough.parent1).get(f"/api/cases/{case2.pk}/attachments/").status_code == 404
    assert upload(api, borough.parent1, case2, PDF_BYTES).status_code == 404
    assert download(api, borough.parent1, 999999).json() == download(api, borough.parent1, theirs["id"]).json()


def test_a_staff_only_attachment_is_never_shown_to_the_family(api, borough, case1):
    officer = case1.accountable_officer.user
    staff_only = upload(api, officer, case1, PDF_BYTES, "safeguarding.pdf", staff_only="true").json()
    shared = upload(api, officer, case1, PDF_BYTES, "letter.pdf").json()

    listed = api.as_user(borough.parent1).get(f"/api/cases/{case1.pk}/attachments/").json()["results"]
    timeline = api.as_user(borough.parent1).get(f"/api/cases/{case1.pk}/timeline/").json()["results"]

    assert [item["id"] for item in listed] == [shared["id"]]
    assert download(api, borough.parent1, staff_only["id"]).status_code == 404
    assert download(api, borough.parent1, shared["id"]).status_code == 200
    assert not any("safeguarding.pdf" in event["text"] for event in timeline)


def test_a_family_cannot_mark_a_file_staff_only(api, borough, case1):
    response = upload(api, borough.parent1, case1, PDF_BYTES, staff_only="true")

    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_an_officer_of_another_team_cannot_see_the_file(api, borough, case1):
    shared = upload(api, borough.parent1, case1, PDF_BYTES).json()

    assert download(api, borough.officer2.user, shared["id"]).status_code == 404


def test_every_staff_download_is_logged_as_a_case_access_and_a_familys_is_not(api, borough, case1):
    shared = upload(api, borough.parent1, case1, PDF_BYTES).json()
    officer = case1.accountable_officer.user

    download(api, borough.parent1, shared["id"])
    download(api, officer, shared["id"])
    download(api, officer, shared["id"])

    accesses = CaseAccess.objects.filter(case=case1, via=f"attachment {shared['id']}")
    assert [access.user for access in accesses] == [officer, officer]


def test_a_file_can_go_with_a_message_the_family_can_see(api, borough, case1):
    officer = case1.accountable_officer.user
    note = CaseMessage.objects.create(case=case1, author=officer, text="Internal", internal=True)
    reply = CaseMessage.objects.create(case=case1, author=borough.parent1, text="Here it is")

    assert upload(api, borough.parent1, case1, PDF_BYTES, message=note.pk).status_code == 400
    attached = upload(api, borough.parent1, case1, PDF_BYTES, message=reply.pk)
    assert attached.json()["message"] == reply.pk


def test_a_closed_case_takes_no_more_files_from_the_family(api, borough, case1):
    from casework import services

    officer = case1.accountable_officer.user
    services.case_close(actor=borough.head_of_service.user, case=case1, outcome="Sorted.")

    assert upload(api, borough.parent1, case1, PDF_BYTES).status_code == 409
    assert upload(api, officer, case1, PDF_BYTES).status_code == 201


def test_signed_out_callers_get_401(api, case1):
    response = api.post(f"/api/cases/{case1.pk}/attachments/", {"file": io.BytesIO(PDF_BYTES)}, format="multipart")

    assert response.status_code == 401


def test_the_named_officer_is_told_of_a_familys_file_and_the_family_of_a_shared_one_never_a_staff_only_one(
    api, borough, case1
):
    from notifications.models import Notification

    officer = case1.accountable_officer.user
    upload(api, borough.parent1, case1, PDF_BYTES, "school report.pdf", description="The report you asked for")
    upload(api, officer, case1, PDF_BYTES, "referral.pdf", staff_only="true")
    upload(api, officer, case1, PDF_BYTES, "plan.pdf")

    told_officer = Notification.objects.get(recipient=officer, template="officer_family_added_file", channel="in_app")
    assert "school report.pdf" in told_officer.body and "The report you asked for" in told_officer.body
    told_family = Notification.objects.filter(recipient=borough.parent1, template="case_file_shared", channel="in_app")
    assert [note.body.count("plan.pdf") for note in told_family] == [1]
    assert not Notification.objects.filter(body__contains="referral.pdf").exists()


def test_an_oversized_upload_stops_being_kept_at_the_limit_and_is_refused_by_its_real_size(settings):
    from casefile.uploads import SizeLimitedUploadHandler

    settings.CASEFILE_MAX_UPLOAD_BYTES = 1024
    handler = SizeLimitedUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", 4096)
    kept = [handler.receive_data_chunk(b"x" * 1000, start) for start in range(0, 4000, 1000)]

    upload = handler.file_complete(4000)

    assert kept[0] == b"x" * 1000 and kept[1:] == [None, None, None]
    assert upload.size == 4000
    assert upload.read() == b""


def test_a_file_on_an_internal_note_is_kept_from_the_family_like_the_note(api, borough, case1):
    officer = case1.accountable_officer.user
    note = CaseMessage.objects.create(case=case1, author=officer, text="Internal", internal=True)

    created = upload(api, officer, case1, PDF_BYTES, "notes.pdf", message=note.pk).json()

    assert created["staff_only"] is True
    assert download(api, borough.parent1, created["id"]).status_code == 404
