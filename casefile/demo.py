"""Evidence for the demo borough: a family's letter and photo, a school report and an officer's staff-only note,
the educational psychologist's advice on a step of parent1's assessment and the panel's papers on its decision,
added through the services as the people themselves would, then the first nightly check of every case file.

Runs after the statutory demo (`statutory` comes before `casefile` in INSTALLED_APPS), so the assessment is there.
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from casework.models import Case
from statutory.models import Process

from .services import attachment_add, case_files_verify, process_attachment_add

SCHOOL_REPORT_LINES = [
    "Wexley Primary School: speech and language report (a made-up example)",
    "",
    "Sessions planned this term: 12. Sessions delivered: 3.",
    "The therapist left in September and has not been replaced.",
]


EP_ADVICE_LINES = [
    "Educational psychology advice (a made-up example)",
    "",
    "Needs: speech, language and communication; social interaction.",
    "Advice: a weekly session with a speech and language therapist, and a quiet space at lunchtime.",
]
PANEL_PAPERS_LINES = [
    "SEND panel: papers for the decision to issue a plan (a made-up example)",
    "",
    "Advice received: educational psychologist, school, health and social care.",
    "Recommendation: issue an Education, Health and Care plan.",
]


def add_demo_evidence() -> int:
    """Attach the demo files to the first concerns of parent1 and parent2, and to a step and a decision of
    parent1's assessment; returns how many were added."""
    added = _add_statutory_evidence()
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


def _add_statutory_evidence() -> int:
    """The coordinator shares the psychologist's advice on its step and the panel's papers on the decision to
    issue a plan, so the family sees both on the process's files page and in the child's bundle."""
    process = (
        Process.objects.filter(child__family__memberships__user__username="parent1", decisions__decision="issue")
        .select_related("coordinator__user")
        .first()
    )
    if process is None:
        return 0
    coordinator = process.coordinator.user
    for upload, description, about in (
        (_pdf("Educational psychologist advice.pdf", EP_ADVICE_LINES), "Advice from the educational psychologist",
         {"step_id": process.steps.get(key="advice").pk}),
        (_pdf("Panel papers.pdf", PANEL_PAPERS_LINES), "The papers the panel decided on",
         {"decision_id": process.decisions.get(decision="issue").pk}),
    ):
        process_attachment_add(actor=coordinator, process=process, upload=upload, description=description, **about)
    return 2


def _school_report() -> SimpleUploadedFile:
    return _pdf("School SALT report.pdf", SCHOOL_REPORT_LINES)


def _pdf(name: str, lines: list[str]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for line_number, line in enumerate(lines):
        page.drawString(72, 770 - 18 * line_number, line)
    page.save()
    return SimpleUploadedFile(name, buffer.getvalue())


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
