"""The case's files page: families and staff add files and download the case file there."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from casefile.models import Attachment
from casework.models import CaseAccess
from tests.casefile.conftest import EXE_BYTES, PDF_BYTES

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_family_adds_a_file_and_sees_it_listed(borough, case1):
    client = signed_in(borough.parent1)

    response = client.post(
        f"/cases/{case1.pk}/files/",
        {"file": SimpleUploadedFile("school report.pdf", PDF_BYTES), "description": "From Mrs O'Connor"},
    )

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "school report.pdf has been added." in page
    assert f"/api/attachments/{Attachment.objects.get().pk}/download/" in page
    assert "From Mrs O&#x27;Connor" in page
    assert "Download your case file (PDF)" in page
    assert "Staff only" not in page


def test_a_file_of_the_wrong_kind_is_refused_with_the_govuk_error_summary(borough, case1):
    response = signed_in(borough.parent1).post(
        f"/cases/{case1.pk}/files/", {"file": SimpleUploadedFile("report.pdf", EXE_BYTES)}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "The selected file must be a PDF" in page
    assert not Attachment.objects.exists()


def test_no_file_chosen_says_select_a_file(borough, case1):
    response = signed_in(borough.parent1).post(f"/cases/{case1.pk}/files/", {})

    assert response.status_code == 400
    assert "Select a file" in response.content.decode()


def test_staff_see_staff_only_files_the_check_and_the_full_file_and_their_look_is_logged(borough, case1):
    officer = case1.accountable_officer.user
    client = signed_in(officer)
    client.post(f"/cases/{case1.pk}/files/", {"file": SimpleUploadedFile("referral.pdf", PDF_BYTES), "staff_only": "on"})

    page = client.get(f"/cases/{case1.pk}/files/").content.decode()

    assert "Staff only" in page
    assert "Full case file (PDF)" in page
    assert "Has this record been altered?" in page
    assert "match the codes they were sealed with" in page
    assert CaseAccess.objects.filter(case=case1, user=officer, via="page:files").exists()
    family_page = signed_in(borough.parent1).get(f"/cases/{case1.pk}/files/").content.decode()
    assert "referral.pdf" not in family_page


def test_another_familys_files_page_is_not_found(borough, case2):
    assert signed_in(borough.parent1).get(f"/cases/{case2.pk}/files/").status_code == 404


def test_the_concern_page_links_to_the_files_page(borough, case1):
    page = signed_in(borough.parent1).get(f"/concerns/{case1.pk}/").content.decode()

    assert f"/cases/{case1.pk}/files/" in page
