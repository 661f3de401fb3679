"""Evidence for the demo borough: a family's letter and photo, a school report and an officer's staff-only note,
added through the services as the people themselves would, then the first nightly check of every case file."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from casework.models import Case

from .services import attachment_add, case_files_verify

SCHOOL_REPORT_LINES = [
    "Wexley Primary School: speech and language report (a made-up example)",
    "",
    "Sessions planned this term: 12. Sessions delivered: 3.",
    "The therapist left in September and has not been replaced.",
]


def add_demo_evidence() -> int:
    """Attach the demo files to the first concerns of parent1 and parent2; returns how many were added."""
    added = 0
    for username in ("parent1", "parent2"):
        case = (
            Case.objects.filter(child__family__memberships__user__username=username)
            .exclude(status=Case.Status.CLOSED)
            .select_related("accountable_officer__user", "logged_by")
            .order_by("created_at", "pk")
            .first()
        )
        if case is None:
            continue
        family_member = case.child.family.memberships.select_related("user").first().user
        officer = case.accountable_officer.user
        for actor, upload, description, staff_only in (
            (family_member, _school_report(), "The school's report on speech and language therapy", False),
            (family_member, _letter(), "My letter to the school", False),
            (officer, _note(), "Call with the school's SENCo", True),
        ):
            attachment_add(actor=actor, case=case, upload=upload, description=description, staff_only=staff_only)
            added += 1
    case_files_verify(nightly=True)
    return added


def _school_report() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for line_number, line in enumerate(SCHOOL_REPORT_LINES):
        page.drawString(72, 770 - 18 * line_number, line)
    page.save()
    return SimpleUploadedFile("School SALT report.pdf", buffer.getvalue())


def _letter() -> SimpleUploadedFile:
    text = (
        "Dear Headteacher,\n\nMy child's EHCP says weekly speech and language therapy. "
        "There have been three sessions this term. Please tell me when they will start again.\n\nYours sincerely\n"
    )
    return SimpleUploadedFile("Letter to school.txt", text.encode("utf-8"))


def _note() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "SENCo call notes.txt", b"The SENCo confirmed the vacancy. Agency cover is being sought; no start date yet.\n"
    )
