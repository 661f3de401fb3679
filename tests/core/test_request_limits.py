"""API request bodies over the limit are refused with 413, in the contract's error shape, before anything
reads them: 1 MB for JSON (and any other body), the file upload limit for a multipart upload."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.parsers import JSONParser, MultiPartParser

from casefile.models import Attachment
from casework.services import case_log
from tests.casework.api.test_bad_input import row_counts

ONE_MB = 1024 * 1024


@pytest.fixture
def parsing_forbidden(monkeypatch):
    """Any parser reading a body fails the test: a body over the limit must be refused before that."""

    def parse(*args, **kwargs):
        raise AssertionError("the body was parsed")

    monkeypatch.setattr(JSONParser, "parse", parse)
    monkeypatch.setattr(MultiPartParser, "parse", parse)


@pytest.fixture
def evidence_store(tmp_path, settings):
    """Files kept in this test's own folder, never in var/, and no virus scanner to reach."""
    settings.CASEFILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "evidence"), "base_url": None},
    }
    settings.CLAMD_SOCKET = ""


def a_concern(borough):
    return case_log(actor=borough.parent1, child_id=borough.child1.pk, category_slug="other",
                    summary="Letter", description="See the letter")


def json_body_of(size: int) -> str:
    padding = size - len(json.dumps({"username": "parent1", "password": ""}))
    return json.dumps({"username": "parent1", "password": "x" * padding})


def test_a_json_body_over_1_mb_to_the_token_endpoint_is_a_413_before_parsing(db, parsing_forbidden):
    response = Client().post("/api/auth/token/", json_body_of(ONE_MB + 1), content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "The request body is too large: the most this API accepts is 1 MB."}


def test_a_json_body_of_exactly_1_mb_is_read_as_usual(db):
    response = Client().post("/api/auth/token/", json_body_of(ONE_MB), content_type="application/json")

    assert response.status_code == 400
    assert "non_field_errors" in response.json() or "password" in response.json()


def test_a_large_case_from_a_signed_in_family_is_a_413_and_writes_nothing(api, borough, parsing_forbidden):
    before = row_counts()
    body = {"child": borough.child1.pk, "category": "other", "summary": "Big", "description": "x" * (2 * ONE_MB)}

    response = api.as_user(borough.parent1).post("/api/cases/", body, format="json")

    assert response.status_code == 413
    assert row_counts() == before


def test_a_form_encoded_body_over_1_mb_is_a_413_too(db, parsing_forbidden):
    response = Client().post(
        "/api/auth/token/", "username=parent1&password=" + "x" * ONE_MB, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413


def test_an_upload_over_the_file_limit_and_its_fields_allowance_is_a_413(
    api, borough, settings, evidence_store, parsing_forbidden
):
    settings.CASEFILE_MAX_UPLOAD_BYTES = 2 * ONE_MB
    case = a_concern(borough)
    big = SimpleUploadedFile("letter.pdf", b"%PDF-1.4\n" + b"0" * (3 * ONE_MB + 1))

    response = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/attachments/", {"file": big}, format="multipart")

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large: the most this API accepts is 3 MB."}
    assert not Attachment.objects.exists()


def test_an_upload_under_its_limit_is_not_refused_as_too_large_a_body(api, borough, settings, evidence_store):
    # 1.5 MB: over the JSON limit, but an upload may be as large as a file may be.
    settings.CASEFILE_MAX_UPLOAD_BYTES = 2 * ONE_MB
    case = a_concern(borough)
    letter = SimpleUploadedFile("letter.txt", b"Dear parent\n" * (ONE_MB // 8))

    response = api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/attachments/", {"file": letter}, format="multipart")

    assert response.status_code != 413


def test_pages_outside_the_api_keep_djangos_own_limits(db):
    response = Client().post("/sign-in/", "username=parent1&password=" + "x" * ONE_MB,
                             content_type="application/x-www-form-urlencoded")

    assert response.status_code != 413
