"""The case file export of a long case: 500 timeline events and 20 attachments of 1 MB each; then the child's PDF
bundle, which adds an EHC needs assessment with a decision (approver and panel) and 5 files of 1 MB on its steps
and decision.

    DATABASE_URL=postgres://... .venv/bin/python bench/casefile_export.py

Builds the case through the services in a transaction that is rolled back at the end (its files go to a
temporary folder that is removed), then makes the ZIP and the PDF as the API does and measures the time,
the size, and the peak of Python's memory while each is made (tracemalloc), and the process's peak
resident memory. The ZIP is streamed, so its peak should not grow with the case; the PDF is laid out
whole by ReportLab before it is written (to a file that spills to disk), so its peak follows the number
of timeline rows. Results: bench/results/casefile-export.md.
"""

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import RESULTS, setup_django  # noqa: E402

EVENTS = 500
FILES = 20
FILE_SIZE = 1024 * 1024
PROCESS_FILES = 5


class Rollback(Exception):
    pass


def build_case():
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casefile.services import attachment_add
    from casework.models import CaseEvent, Child, Family, FamilyMember, Officer, Organisation, RoutingRule, Team
    from casework.services import case_log

    users = get_user_model().objects
    council = Organisation.objects.create(name="Casefile bench borough")
    team = Team.objects.create(organisation=council, name="Casefile bench team")
    officer = Officer.objects.create(user=users.create(username="casefile-bench-officer", first_name="Sam",
                                                       last_name="Officer"), team=team)
    RoutingRule.objects.create(organisation=council, team=team, position=1)
    family = Family.objects.create(organisation=council, name="Bench family")
    parent = users.create(username="casefile-bench-parent", first_name="Pat", last_name="Parent")
    FamilyMember.objects.create(family=family, user=parent)
    child = Child.objects.create(family=family, first_name="Alex", last_name="Bench", date_of_birth="2015-01-01")
    case = case_log(actor=parent, child_id=child.pk, category_slug="other", summary="Long case",
                    description="A case with a long history, for the export benchmark.")
    CaseEvent.objects.record_many([
        CaseEvent.objects.line(case=case, kind="message" if n % 2 else "note", actor=officer.user,
                               text=f"Entry {n}: " + "what was said and done. " * 8, internal=not n % 2)
        for n in range(EVENTS - 1)
    ])
    for number in range(FILES):
        upload = SimpleUploadedFile(f"evidence {number}.pdf", b"%PDF-1.4\n" + os.urandom(FILE_SIZE))
        attachment_add(actor=officer.user, case=case, upload=upload)
    return case, officer.user


def build_process(child, parent, officer):
    """The child's EHC needs assessment: the family asks, the council decides to assess, files on steps and on the
    decision."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from casefile.services import process_attachment_add
    from statutory.services import decision_record, process_start

    process = process_start(actor=parent, child_id=child.pk, kind="needs_assessment")
    decision = decision_record(
        actor=officer, process=process, decision="assess", decided_on=process.received_on,
        approved_by=process.coordinator_id, panel=[process.coordinator_id],
        reasons="The school's evidence shows needs it cannot meet from its own resources. " * 5,
    )
    steps = list(process.steps.order_by("position"))
    for number in range(PROCESS_FILES):
        about = {"decision_id": decision.pk} if number == 0 else {"step_id": steps[number % len(steps)].pk}
        upload = SimpleUploadedFile(f"report {number}.pdf", b"%PDF-1.4\n" + os.urandom(FILE_SIZE))
        process_attachment_add(actor=officer, process=process, upload=upload, **about)
    return process


def measure(make) -> dict:
    """Timed once, then made again for its memory: tracemalloc slows every allocation (pypdf reading a
    megabyte that only looks like a PDF takes ten times as long), so the run it watches is not timed."""
    started = time.perf_counter()
    size = make()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    make()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": round(seconds, 2), "bytes": size, "peak_python_mb": round(peak / 1024 / 1024, 1)}


def main() -> None:
    evidence = tempfile.mkdtemp(prefix="casefile-bench-")
    os.environ.setdefault("VAR_DIR", evidence)
    setup_django()
    from django.conf import settings
    from django.db import transaction
    from pypdf import PdfReader

    from casefile.bundle import case_pdf, child_pdf
    from casefile.exports import CONTENTS, case_zip_chunks
    from casefile.models import CaseFileExport

    settings.CASEFILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                 "OPTIONS": {"location": evidence}}
    results = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            case, officer = build_case()
            results["build_seconds"] = round(time.perf_counter() - started, 1)
            full = CONTENTS[CaseFileExport.Version.FULL]
            results["zip"] = measure(lambda: sum(len(chunk) for chunk in case_zip_chunks(
                case=case, contents=full, made_by=officer)))

            def pdf_size():
                pdf = case_pdf(case=case, contents=full, made_by=officer)
                results["pdf_pages"] = len(PdfReader(pdf).pages)
                pdf.seek(0, 2)
                return pdf.tell()

            results["pdf"] = measure(pdf_size)
            process = build_process(case.child, case.logged_by, officer)

            def child_pdf_size():
                pdf = child_pdf(child=case.child, cases=[case], processes=[process], contents=full, made_by=officer)
                results["child_pdf_pages"] = len(PdfReader(pdf).pages)
                pdf.seek(0, 2)
                return pdf.tell()

            results["child_pdf"] = measure(child_pdf_size)
            raise Rollback
    except Rollback:
        pass
    finally:
        for path in sorted(Path(evidence).rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        Path(evidence).rmdir()
    results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    # Times depend on what else the machine is doing: say so beside them.
    results["load"] = round(os.getloadavg()[0], 1)
    report = render(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "casefile-export.md").write_text(report)
    print(report)


def render(r: dict) -> str:
    z, p, c = r["zip"], r["pdf"], r["child_pdf"]
    return (
        f"# Case file export: {EVENTS} timeline events, {FILES} attachments of {FILE_SIZE // 1024 // 1024} MB\n\n"
        f"Case built through the services in {r['build_seconds']} s (rolled back afterwards).\n\n"
        "| what | time | size | peak Python memory while made |\n| --- | --- | --- | --- |\n"
        f"| ZIP, streamed | {z['seconds']} s | {z['bytes'] / 1024 / 1024:.1f} MB | {z['peak_python_mb']} MB |\n"
        f"| PDF bundle ({r['pdf_pages']} pages) | {p['seconds']} s | {p['bytes'] / 1024 / 1024:.1f} MB | "
        f"{p['peak_python_mb']} MB |\n"
        f"| the child's PDF bundle: the case and an assessment with a decision and {PROCESS_FILES} more files "
        f"({r['child_pdf_pages']} pages) | {c['seconds']} s | {c['bytes'] / 1024 / 1024:.1f} MB | "
        f"{c['peak_python_mb']} MB |\n\n"
        f"Peak resident memory of the whole process, building the case included: {r['peak_rss_mb']} MB.\n\n"
        f"Measured with a load average of {r['load']} on {os.cpu_count()} cores.\n"
    )


if __name__ == "__main__":
    main()
