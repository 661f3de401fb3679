"""Fixtures for evidence and the case file: a private evidence store per test, cases, a statutory process
and sample files."""

import io
import zipfile
from datetime import date

import pytest

from casework import services
from statutory.services import decision_record
from tests.escalations.conftest import at, uk
from tests.statutory.conftest import start_assessment


@pytest.fixture(autouse=True)
def evidence_store(tmp_path, settings):
    """Each test keeps its files in its own folder, never in var/."""
    location = tmp_path / "evidence"
    settings.CASEFILE_STORAGE = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(location), "base_url": None},
    }
    settings.CLAMD_SOCKET = ""
    return location


def stored_files(location) -> list:
    return [path for path in location.rglob("*") if path.is_file()] if location.exists() else []


@pytest.fixture
def case1(borough):
    """A concern logged by parent1 for their child; it goes to SEND North's officer1."""
    return services.case_log(
        actor=borough.parent1,
        child_id=borough.child1.pk,
        category_slug="other",
        summary="Therapy reports missing",
        description="The school has not sent the speech therapy report.",
    )


@pytest.fixture
def case2(borough):
    """parent2's concern: another family's."""
    return services.case_log(
        actor=borough.parent2,
        child_id=borough.child2.pk,
        category_slug="other",
        summary="No reply",
        description="Nobody has answered my emails.",
    )


@pytest.fixture
def process(borough):
    return start_assessment(borough)


@pytest.fixture
def decided(process):
    """The council decided to assess, with a panel, and the coordinator keeps the panel's papers on it."""
    manager = process.coordinator.team.manager
    with at(uk(2027, 1, 21, 12)):
        decision = decision_record(
            actor=process.coordinator.user, process=process, decision="assess", decided_on=date(2027, 1, 20),
            approved_by=manager.pk, panel=[manager.pk, process.coordinator.pk],
            reasons="The school's evidence shows needs it cannot meet from its own resources.",
        )
    return decision


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
# The start of a Windows program: "MZ", then the DOS stub.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode"


def office_zip(main_part: str, *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00\x01")
    return buffer.getvalue()
