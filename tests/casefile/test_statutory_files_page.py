"""The statutory process's files page: the coordinator keeps reports and the panel's papers on a step or a
decision, the family sees what is shared with them and sends their own."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from casefile.models import ProcessAttachment
from tests.casefile.conftest import EXE_BYTES, PDF_BYTES
from tests.casefile.test_files_page import signed_in
from tests.statutory.conftest import step

pytestmark = pytest.mark.django_db


def test_the_process_page_links_to_its_files(borough, process):
    page = signed_in(borough.parent1).get(f"/statutory/{process.pk}/").content.decode()

    assert f'href="/statutory/{process.pk}/files/"' in page


def test_the_coordinator_keeps_the_panels_papers_on_a_decision_for_staff_only(borough, process, decided):
    coordinator = signed_in(process.coordinator.user)

    response = coordinator.post(
        f"/statutory/{process.pk}/files/",
        {"file": SimpleUploadedFile("panel papers.pdf", PDF_BYTES), "about": f"decision:{decided.pk}",
         "staff_only": "on"},
    )

    assert response.status_code == 302
    kept = ProcessAttachment.objects.get()
    assert (kept.decision, kept.staff_only) == (decided, True)
    page = coordinator.get(response["Location"]).content.decode()
    assert "panel papers.pdf has been added." in page
    assert f"/api/statutory/attachments/{kept.pk}/download/" in page
    assert "Staff only" in page
    assert "match the codes they were sealed with" in page
    assert f"/api/children/{process.child_id}/file/?format=pdf&amp;version=full" in page
    family_page = signed_in(borough.parent1).get(f"/statutory/{process.pk}/files/").content.decode()
    assert "panel papers.pdf" not in family_page


def test_a_family_sends_comments_on_a_step_and_sees_the_shared_report(borough, process):
    advice = step(process, "advice")
    signed_in(process.coordinator.user).post(
        f"/statutory/{process.pk}/files/",
        {"file": SimpleUploadedFile("psychologist.pdf", PDF_BYTES), "about": f"step:{advice.pk}"},
    )
    family = signed_in(borough.parent1)

    response = family.post(
        f"/statutory/{process.pk}/files/",
        {"file": SimpleUploadedFile("our views.pdf", PDF_BYTES), "about": f"step:{advice.pk}"},
    )

    assert response.status_code == 302
    page = family.get(response["Location"]).content.decode()
    assert "psychologist.pdf" in page and "our views.pdf" in page
    assert f"About: {advice.label}" in page
    assert "Staff only" not in page
    assert "Has this record been altered?" not in page
    assert f"/api/children/{process.child_id}/file/?format=pdf" in page
    assert f"/api/children/{process.child_id}/file/?format=zip" in page
    assert "version=full" not in page


def test_a_wrong_file_is_refused_with_the_govuk_error_summary(borough, process):
    response = signed_in(borough.parent1).post(
        f"/statutory/{process.pk}/files/", {"file": SimpleUploadedFile("report.pdf", EXE_BYTES)}
    )

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not ProcessAttachment.objects.exists()


def test_another_family_is_not_found(borough, process):
    assert signed_in(borough.parent2).get(f"/statutory/{process.pk}/files/").status_code == 404
