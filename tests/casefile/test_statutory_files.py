"""Files on a statutory process, its steps and decisions, through the API: who may add and see which, what is
refused, and that decisions and files are hash-chained on the process (API.md "Evidence and the case file")."""

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from casefile import services as casefile_services
from casefile.exports import export_check
from casefile.models import ProcessAttachment, ProcessFileDownload
from casefile.verification import process_chain_verify, processes_chain_verify
from notifications.models import Notification
from statutory.models import Decision, ProcessChain
from tests.casefile.conftest import EXE_BYTES, PDF_BYTES, stored_files
from tests.factories import OrganisationFactory, make_team
from tests.statutory.conftest import start_assessment, step

pytestmark = pytest.mark.django_db


def upload(api, user, process, content=PDF_BYTES, name="report.pdf", **fields):
    api.as_user(user)
    body = {"file": SimpleUploadedFile(name, content), **fields}
    return api.post(f"/api/statutory/{process.pk}/attachments/", body, format="multipart")


def listed(api, user, process):
    return api.as_user(user).get(f"/api/statutory/{process.pk}/attachments/")


def sql(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_the_coordinator_shares_a_report_on_a_step_and_the_family_sees_downloads_and_is_told(api, borough, process):
    advice = step(process, "advice")

    response = upload(api, process.coordinator.user, process, name="Educational psychologist.pdf", step=advice.pk)

    assert response.status_code == 201, response.content
    created = response.json()
    assert created["step"] == advice.pk and created["decision"] is None
    assert created["download"] == f"/api/statutory/attachments/{created['id']}/download/"
    family_list = listed(api, borough.parent1, process).json()["results"]
    assert [item["name"] for item in family_list] == ["Educational psychologist.pdf"]
    got = api.as_user(borough.parent1).get(created["download"])
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF_BYTES
    assert got["Content-Disposition"] == 'attachment; filename="Educational psychologist.pdf"'
    assert got["X-Content-Type-Options"] == "nosniff"
    told = Notification.objects.filter(template="statutory_file_shared")
    assert borough.parent1 in {each.recipient for each in told}
    assert {each.link for each in told} == {f"/statutory/{process.pk}/files/"}
    assert not ProcessFileDownload.objects.exists()  # a family's own download is not a staff access


def test_staff_downloads_are_logged_who_and_when(api, borough, process):
    created = upload(api, borough.parent1, process, name="Our views.pdf").json()

    got = api.as_user(process.coordinator.user).get(created["download"])

    assert got.status_code == 200
    assert list(ProcessFileDownload.objects.values_list("attachment_id", "user_id")) == [
        (created["id"], process.coordinator.user.pk)
    ]


def test_a_family_cannot_see_a_staff_only_file_nor_another_familys(api, borough, process, decided):
    hidden = upload(api, process.coordinator.user, process, decision=decided.pk, staff_only="true").json()
    other = start_assessment(borough, child=borough.child2)
    theirs = upload(api, borough.parent2, other, name="Their letter.pdf").json()

    assert listed(api, borough.parent1, process).json()["results"] == []
    assert api.as_user(borough.parent1).get(hidden["download"]).status_code == 404
    assert api.as_user(borough.parent1).get(theirs["download"]).status_code == 404
    assert listed(api, borough.parent1, other).status_code == 404
    assert upload(api, borough.parent1, other).status_code == 404
    assert [item["id"] for item in listed(api, process.coordinator.user, process).json()["results"]] == [hidden["id"]]


def test_an_executable_renamed_pdf_on_a_step_is_refused_with_nothing_stored(api, borough, process, evidence_store):
    chain_before = list(ProcessChain.objects.values_list("process_id", "length", "head"))

    response = upload(api, process.coordinator.user, process, EXE_BYTES, "report.pdf", step=step(process, "advice").pk)

    assert response.status_code == 400
    assert "must be a PDF" in response.json()["file"][0]
    assert not ProcessAttachment.objects.exists()
    assert stored_files(evidence_store) == []
    assert list(ProcessChain.objects.values_list("process_id", "length", "head")) == chain_before


def test_a_family_sends_evidence_to_the_process_and_the_coordinator_is_told(api, borough, process):
    response = upload(api, borough.parent1, process, name="Our views.pdf", description="What we think Sam needs")

    assert response.status_code == 201, response.content
    told = Notification.objects.filter(template="officer_statutory_family_file")
    assert {each.recipient for each in told} == {process.coordinator.user}
    assert all("What we think Sam needs" in each.body for each in told)


def test_a_family_cannot_keep_a_file_from_staff_nor_file_it_on_a_decision(api, borough, process, decided):
    staff_only = upload(api, borough.parent1, process, staff_only="true")
    on_decision = upload(api, borough.parent1, process, decision=decided.pk)
    wrong_step = upload(api, process.coordinator.user, process, step=999999)

    assert staff_only.status_code == 403
    assert on_decision.status_code == 400 and "decision" in on_decision.json()
    assert wrong_step.status_code == 400 and "step" in wrong_step.json()
    assert not ProcessAttachment.objects.exists()


def test_another_councils_staff_cannot_add_a_file_or_list_them(api, borough, process):
    elsewhere = make_team(OrganisationFactory(name="Another Borough"), "Their SEND team").manager.user

    assert upload(api, elsewhere, process).status_code == 404
    assert listed(api, elsewhere, process).status_code == 404
    assert not ProcessAttachment.objects.exists()


def test_an_officer_of_the_council_who_is_not_the_coordinator_cannot_add_a_file(api, borough, process):
    assert upload(api, borough.officer2.user, process).status_code == 403


# --- the process's hash chain ---------------------------------------------------------------------------


@pytest.fixture
def chained(borough, process, decided):
    """A decision, then a file on it, then a family's file: three records on the process's chain."""
    casefile_services.process_attachment_add(
        actor=process.coordinator.user, process=process, upload=SimpleUploadedFile("papers.pdf", PDF_BYTES),
        decision_id=decided.pk, staff_only=True,
    )
    casefile_services.process_attachment_add(
        actor=borough.parent1, process=process, upload=SimpleUploadedFile("views.pdf", PDF_BYTES)
    )
    return process


def test_decisions_and_files_written_through_the_services_are_intact(chained, decided):
    report = process_chain_verify(chained)

    assert report.intact, report.breaks
    assert report.records == 3
    assert Decision.objects.get(pk=decided.pk).chain_seq == 1
    assert report.head == ProcessChain.objects.get(process=chained).head


def test_a_decision_changed_in_sql_is_reported_naming_the_child_process_and_decision(chained, decided):
    sql("UPDATE statutory_decision SET reasons = 'No evidence of need.' WHERE id = %s", [decided.pk])

    breaks = process_chain_verify(chained).breaks

    assert [(b.record, b.problem) for b in breaks] == [(f"decision {decided.pk}", "changed")]
    assert chained.child.display_name in breaks[0].reference
    assert f"statutory process {chained.pk}" in breaks[0].reference


def test_a_panel_member_added_in_sql_is_reported(borough, chained, decided):
    sql("INSERT INTO statutory_decision_panel (decision_id, officer_id) VALUES (%s, %s)",
        [decided.pk, borough.officer2.pk])

    assert [(b.record, b.problem) for b in process_chain_verify(chained).breaks] == [
        (f"decision {decided.pk}", "changed")
    ]


def test_a_decision_deleted_in_sql_is_reported(chained, decided):
    sql("DELETE FROM casefile_processattachment WHERE decision_id = %s", [decided.pk])
    sql("DELETE FROM statutory_decision_panel WHERE decision_id = %s", [decided.pk])
    sql("DELETE FROM statutory_decision WHERE id = %s", [decided.pk])

    breaks = process_chain_verify(chained).breaks

    assert [(b.record, b.problem) for b in breaks] == [("the record at places 1 to 2", "removed")]
    assert f"statutory process {chained.pk}" in breaks[0].reference


def test_a_decision_inserted_outside_the_service_is_reported(chained, decided):
    inserted = Decision.objects.create(
        process=chained, decision="not_assess", decided_on=date(2027, 1, 22), reasons="Backdated.",
        approved_by=decided.approved_by, recorded_by=decided.recorded_by,
    )

    assert [(b.record, b.problem) for b in process_chain_verify(chained).breaks] == [
        (f"decision {inserted.pk}", "inserted")
    ]


def test_the_command_and_the_nightly_digest_cover_statutory_processes(chained, decided, capsys):
    call_command("verify_case_files", "--nightly")
    assert "1 statutory processes" in capsys.readouterr().out

    sql("UPDATE statutory_decision SET decided_on = '2027-01-02' WHERE id = %s", [decided.pk])

    with pytest.raises(CommandError):
        call_command("verify_case_files")
    out = capsys.readouterr().out
    assert f"decision {decided.pk} changed" in out
    assert f"statutory process {chained.pk}" in out


# --- the child's file and the subject access export ----------------------------------------------------


def child_zip(api, user, child, **params):
    response = api.as_user(user).get(f"/api/children/{child.pk}/file/", params)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_childs_full_file_holds_each_decision_and_file_and_its_manifest_matches(api, borough, chained, decided):
    archive = child_zip(api, chained.coordinator.user, borough.child1, version="full")

    manifest = json.loads(archive.read("manifest.json"))
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert set(listed) == set(archive.namelist()) - {"manifest.json"}
    for path, sha256 in listed.items():
        assert hashlib.sha256(archive.read(path)).hexdigest() == sha256
    [entry] = manifest["statutory_processes"]
    chain = ProcessChain.objects.get(process=chained)
    assert entry["chain"] == {"length": 3, "head": chain.head}
    folder = entry["folder"]
    [decision] = json.loads(archive.read(f"{folder}decisions.json"))
    manager = chained.coordinator.team.manager
    assert decision["decision"] == decided.get_decision_display()
    assert decision["decided_on"] == "2027-01-20"
    assert decision["reasons"] == decided.reasons
    assert decision["approved_by"] == manager.display_name
    assert set(decision["panel"]) == {manager.display_name, chained.coordinator.display_name}
    files = json.loads(archive.read(f"{folder}attachments.json"))
    assert [(f["name"], f["decision"]) for f in files] == [("papers.pdf", decided.pk), ("views.pdf", None)]
    assert archive.read(f"{folder}{files[0]['file']}") == PDF_BYTES
    assert export_check(io.BytesIO(_zip_bytes(archive))).problems == []


def test_the_familys_copy_holds_the_decisions_but_not_the_staff_only_papers(api, borough, chained, decided):
    archive = child_zip(api, borough.parent1, borough.child1)

    [entry] = json.loads(archive.read("manifest.json"))["statutory_processes"]
    assert [d["id"] for d in json.loads(archive.read(f"{entry['folder']}decisions.json"))] == [decided.pk]
    assert [f["name"] for f in json.loads(archive.read(f"{entry['folder']}attachments.json"))] == ["views.pdf"]
    assert not any(name.endswith("papers.pdf") for name in archive.namelist())
    assert export_check(io.BytesIO(_zip_bytes(archive))).problems == []


def test_the_command_checks_a_childs_file_and_names_a_decision_changed_since(
    api, borough, chained, decided, tmp_path, capsys
):
    copy = tmp_path / "child.zip"
    copy.write_bytes(_zip_bytes(child_zip(api, chained.coordinator.user, borough.child1, version="full")))
    call_command("verify_case_files", "--export", str(copy))

    sql("UPDATE statutory_decision SET chain_hash = %s WHERE id = %s", ["b" * 64, decided.pk])

    with pytest.raises(CommandError):
        call_command("verify_case_files", "--export", str(copy))
    assert f"statutory process {chained.pk}" in capsys.readouterr().out


def test_a_subject_access_export_holds_the_familys_statutory_processes(api, borough, chained, decided):
    manager = chained.coordinator.team.manager.user
    response = api.as_user(manager).get(f"/api/families/{borough.child1.family_id}/subject-access/")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    [entry] = json.loads(archive.read("manifest.json"))["statutory_processes"]
    files = json.loads(archive.read(f"{entry['folder']}attachments.json"))
    assert [f.get("review_before_disclosure", False) for f in files] == [True, False]


def _zip_bytes(archive: zipfile.ZipFile) -> bytes:
    archive.fp.seek(0)
    return archive.fp.read()


def test_checking_many_processes_takes_a_fixed_number_of_queries(borough, chained, django_assert_max_num_queries):
    others = [start_assessment(borough, child=borough.child2, on=date(2026, 12, 10 + day)) for day in range(3)]
    ids = [chained.pk, *(other.pk for other in others)]

    with django_assert_max_num_queries(6):
        reports = processes_chain_verify(ids)

    assert [report.intact for report in reports] == [True] * 4


def test_the_list_of_a_processs_files_takes_a_fixed_number_of_queries(
    api, borough, chained, django_assert_max_num_queries
):
    api.as_user(chained.coordinator.user)

    with django_assert_max_num_queries(10):
        response = api.get(f"/api/statutory/{chained.pk}/attachments/")

    assert response.json()["count"] == 2
