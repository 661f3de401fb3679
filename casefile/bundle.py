"""The case file as a PDF bundle, laid out as the SEND Tribunal asks for one: an index, numbered pages,
then the concern, who was accountable when, the timeline, the messages and the evidence.

A child's bundle holds every case of the child the taker may see and each of the child's statutory processes
(`bundle_statutory`), then all their evidence, numbered through the bundle.

Made with ReportLab (pure Python, with its own Bitstream Vera fonts: nothing to install on the machine).
The PDF is written to a temporary file that spills to disk, then sent from there, so a long case never
sits in memory as one piece.
"""

import io
import tempfile

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, Image, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.tableofcontents import TableOfContents

from casework.models import Case
from casework.models.chain import CaseChain
from statutory.models import Process, ProcessChain

from . import exports, selectors
from .bundle_layout import (
    BODY,
    INDEXED,
    SECTION,
    SMALL,
    SUBSECTION,
    TITLE,
    Evidence,
    facts,
    paragraph,
    table,
    when,
)
from .bundle_pdfs import readable_pdf, with_attached_pdfs
from .bundle_statutory import process_story, process_title, what_a_file_is_about
from .exports import Contents
from .models import ProcessAttachment
from .storage import evidence_store

SPILL_TO_DISK_AT = 5 * 1024 * 1024
# Plain text attachments are printed in the bundle up to this many characters; the whole file is in the ZIP.
TEXT_SHOWN = 20_000
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")


def case_pdf(*, case: Case, contents: Contents, made_by):
    """The bundle as an open temporary file, at its start, ready to send."""
    attachments = selectors.case_file_attachments(case, with_staff_only=contents.with_staff_only)
    evidence = _numbered([(attachment, "") for attachment in attachments])
    pdfs = _readable_pdfs(evidence)
    body = [
        *_case_story(case, contents, heading=_numbered_section),
        PageBreak(),
        *_evidence(evidence, contents, pdfs, "5. Evidence"),
    ]
    cover = _case_cover(case, contents, made_by)
    return _laid_out(title=f"Case file {case.reference}", cover=cover, body=body, pdfs=pdfs)


def child_pdf(*, child, cases: list[Case], processes: list[Process], contents: Contents, made_by):
    """Each of the child's statutory processes and every case of the child the taker may see, then all their
    evidence, as one bundle: an open temporary file, at its start, ready to send."""
    files = [
        (attachment, what_a_file_is_about(process, attachment))
        for process in processes
        for attachment in selectors.process_file_attachments(process, with_staff_only=contents.with_staff_only)
    ]
    files += [
        (attachment, f"Concern {case.reference}")
        for case in cases
        for attachment in selectors.case_file_attachments(case, with_staff_only=contents.with_staff_only)
    ]
    evidence = _numbered(files)
    pdfs = _readable_pdfs(evidence)
    # The statutory processes first: an appeal to the Tribunal is about the council's decisions on them.
    parts = [process_story(process, contents, [e for e in evidence if _is_on(e, process)]) for process in processes]
    parts += [
        [paragraph(f"Concern {case.reference}: {case.summary}", SECTION), *_case_story(case, contents, heading=_indexed)]
        for case in cases
    ]
    body = [flowable for part in parts for flowable in (*part, PageBreak())]
    body += _evidence(evidence, contents, pdfs, "Evidence")
    cover = _child_cover(child, cases, processes, contents, made_by)
    return _laid_out(title=f"File of {child.display_name}", cover=cover, body=body, pdfs=pdfs)


def _numbered(files: list[tuple[object, str]]) -> list[Evidence]:
    return [Evidence(number, attachment, about) for number, (attachment, about) in enumerate(files, start=1)]


def _is_on(evidence: Evidence, process: Process) -> bool:
    return isinstance(evidence.attachment, ProcessAttachment) and evidence.attachment.process_id == process.pk


def _readable_pdfs(evidence: list[Evidence]) -> dict:
    """Evidence number: the attached PDF, ready to put in after its evidence page."""
    return {
        e.number: reader
        for e in evidence
        if e.attachment.content_type == "application/pdf" and (reader := readable_pdf(e.attachment)) is not None
    }


def _laid_out(*, title: str, cover: list, body: list, pdfs: dict):
    """The cover, the index and the body laid out, then each attached PDF's pages put in after its evidence page."""
    laid_out = tempfile.SpooledTemporaryFile(max_size=SPILL_TO_DISK_AT)
    document = _Bundle(laid_out, title=title, inserted={n: len(r.pages) for n, r in pdfs.items()})
    story = [*cover, Paragraph("Index", SUBSECTION), _index(), PageBreak(), *body]
    document.multiBuild(story, canvasmaker=document.numbered_canvas())
    laid_out.seek(0)
    if not pdfs:
        return laid_out
    output = tempfile.SpooledTemporaryFile(max_size=SPILL_TO_DISK_AT)
    after_pages = {document.evidence_pages[number]: reader for number, reader in pdfs.items()}
    with_attached_pdfs(laid_out, after_pages=after_pages, total=document.total_pages, output=output)
    laid_out.close()
    output.seek(0)
    return output


def _index() -> TableOfContents:
    index = TableOfContents()
    index.levelStyles = [
        ParagraphStyle("index", parent=BODY, leftIndent=0),
        ParagraphStyle("index_part", parent=SMALL, leftIndent=8 * mm, spaceAfter=2),
    ]
    return index


class _EvidenceStarts(Flowable):
    """Marks where an attachment's evidence page is, so its PDF's pages can follow it."""

    def __init__(self, number: int, title: str):
        super().__init__()
        self.number, self.title = number, title

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        pass


class _Bundle(BaseDocTemplate):
    """Sections go into the index with the page they start on, counting the attached PDFs' pages before them."""

    def __init__(self, output, *, title: str, inserted: dict[int, int]):
        super().__init__(
            output,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=20 * mm,
            title=title,
            author="SEND Casework",
        )
        # Evidence number: how many pages its PDF adds after its evidence page; and that page, once laid out.
        self.inserted = inserted
        self.evidence_pages: dict[int, int] = {}
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._header)])

    def _header(self, drawing, document):
        drawing.saveState()
        drawing.setFont("Vera", 8)
        drawing.drawString(self.leftMargin, A4[1] - 12 * mm, self.title)
        drawing.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Paragraph) and flowable.style.name in INDEX_LEVELS:
            level = INDEX_LEVELS[flowable.style.name]
            self.notify("TOCEntry", (level, flowable.getPlainText(), self.shown_number(self.page)))
        elif isinstance(flowable, _EvidenceStarts):
            self.evidence_pages[flowable.number] = self.page
            self.notify("TOCEntry", (1, flowable.title, self.shown_number(self.page)))

    def shown_number(self, page: int) -> int:
        """The number a laid-out page has in the bundle: after it, attached PDFs' pages come in."""
        return page + sum(
            self.inserted.get(number, 0) for number, at in self.evidence_pages.items() if at < page
        )

    @property
    def total_pages(self) -> int:
        return self.page + sum(self.inserted.get(number, 0) for number in self.evidence_pages)

    def numbered_canvas(self):
        bundle = self

        class NumberedCanvas(canvas.Canvas):
            """Writes "Page N of M" on every page, once the number of pages is known."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._pages = []

            def showPage(self):
                self._pages.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                total = len(self._pages) + sum(bundle.inserted.get(n, 0) for n in bundle.evidence_pages)
                for state in self._pages:
                    self.__dict__.update(state)
                    self.setFont("Vera", 9)
                    shown = bundle.shown_number(self._pageNumber)
                    self.drawCentredString(A4[0] / 2, 10 * mm, f"Page {shown} of {total}")
                    super().showPage()
                super().save()

        return NumberedCanvas


# Which headings go into the index, and at which level.
INDEX_LEVELS = {SECTION.name: 0, INDEXED.name: 1}


def _numbered_section(number: int, title: str) -> Paragraph:
    return paragraph(f"{number}. {title}", SECTION)


def _indexed(number: int, title: str) -> Paragraph:
    return paragraph(title, INDEXED)


WHICH_COPY = {
    exports.Version.FAMILY: "This is the family's copy. It does not include the council's internal notes "
    "or files kept for staff only.",
    exports.Version.FULL: "This is the full {what}, for the SEND Tribunal or the Local Government and "
    "Social Care Ombudsman. It includes internal notes and files kept for staff only.",
}


def _made(contents: Contents, made_by, what: str) -> list:
    return [
        paragraph(
            f"Made on {when(timezone.now())} by {made_by.get_full_name() or made_by.username}, from {settings.SITE_URL}"
        ),
        paragraph(WHICH_COPY.get(contents.version, "").format(what=what)),
    ]


def _case_cover(case: Case, contents: Contents, made_by) -> list:
    chain = CaseChain.objects.filter(case=case).values("length", "head").first() or {"length": 0, "head": ""}
    return [
        paragraph(f"Case file {case.reference}", TITLE),
        paragraph(f"Child: {case.child.display_name}"),
        paragraph(f"Concern: {case.summary}"),
        *_made(contents, made_by, "case file"),
        paragraph(
            f"Proof that the record has not been altered: the case's {chain['length']} records are linked by a "
            f"chain of SHA-256 hashes ending in {chain['head']}. The council can check this at any time."
        ),
        Spacer(1, 8 * mm),
    ]


def _child_cover(child, cases: list[Case], processes: list[Process], contents: Contents, made_by) -> list:
    chains = {
        ("case", row[0]): row[1:]
        for row in CaseChain.objects.filter(case__in=cases).values_list("case_id", "length", "head")
    }
    chains |= {
        ("process", row[0]): row[1:]
        for row in ProcessChain.objects.filter(process__in=processes).values_list("process_id", "length", "head")
    }
    ends = [(f"Statutory process: {process_title(p)}", *chains.get(("process", p.pk), (0, ""))) for p in processes]
    ends += [(f"Concern {c.reference}", *chains.get(("case", c.pk), (0, ""))) for c in cases]
    return [
        paragraph(f"File of {child.display_name}", TITLE),
        paragraph(f"Child: {child.display_name}, born {child.date_of_birth.day} {child.date_of_birth:%B %Y}"),
        paragraph(
            f"It holds {_count(len(processes), 'statutory process', 'statutory processes')} and "
            f"{_count(len(cases), 'concern', 'concerns')}, then every file added to them."
        ),
        *_made(contents, made_by, "file"),
        paragraph(
            "Proof that the record has not been altered: the records of each process and each concern are linked "
            "by a chain of SHA-256 hashes. The council can check this at any time. Where each chain ended when "
            "this copy was made:"
        ),
        *[paragraph(f"{name}: {length} records, ending in {head or 'none yet'}", SMALL) for name, length, head in ends],
        Spacer(1, 8 * mm),
    ]


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _case_story(case: Case, contents: Contents, *, heading) -> list:
    """The concern, who was accountable, the timeline and the messages; `heading(number, title)` starts each."""
    return [
        *_about(case, heading),
        *_accountability(case, heading),
        *_timeline(case, contents, heading),
        *_messages(case, contents, heading),
    ]


def _about(case: Case, heading) -> list:
    return [
        heading(1, "The concern"),
        paragraph(case.summary, SUBSECTION),
        paragraph(case.description),
        facts([
            ("Reference", case.reference),
            ("Child", case.child.display_name),
            ("Kind of concern", case.category.name),
            ("Status", case.get_status_display()),
            ("Logged", when(case.created_at)),
            ("Acknowledged", when(case.acknowledged_at)),
            ("Resolved", when(case.resolved_at)),
            ("Closed", when(case.closed_at)),
            ("Outcome", case.outcome),
        ]),
    ]


def _accountability(case: Case, heading) -> list:
    rows = [
        (owner["officer"], owner["team"], when(owner["from"]), when(owner["until"]) or "Now")
        for owner in exports.accountable_officers(case)
    ]
    return [
        heading(2, "Who was accountable"),
        paragraph("The named officer accountable for the case at each point, from the moment they took it."),
        table([("Named officer", "Team", "From", "Until"), *rows], [45 * mm, 45 * mm, None, None]),
    ]


def _timeline(case: Case, contents: Contents, heading) -> list:
    rows = [
        (when(event.at), event.get_kind_display() + (" (internal)" if event.internal else ""),
         exports._who(event.actor, contents), event.text)
        for event in selectors.case_file_events(case, with_internal=contents.with_internal)
    ]
    return [
        PageBreak(),
        heading(3, "Timeline"),
        table([("When", "What", "Who", "Details"), *rows], [32 * mm, 30 * mm, 32 * mm, None]),
    ]


def _messages(case: Case, contents: Contents, heading) -> list:
    story = [PageBreak(), heading(4, "Messages")]
    for message in selectors.case_file_messages(case, with_internal=contents.with_internal):
        label = "Internal note" if message.internal else "Message"
        by = f"{label} from {exports._who(message.author, contents)}, {when(message.created_at)}"
        story.append(paragraph(by, SUBSECTION))
        story.append(paragraph(message.text))
    if len(story) == 2:
        story.append(paragraph("There are no messages on this case."))
    return story


def _evidence(evidence: list[Evidence], contents: Contents, pdfs: dict, title: str) -> list:
    story = [paragraph(title, SECTION)]
    if not evidence:
        return [*story, paragraph("No files were attached.")]
    with_about = any(e.about for e in evidence)
    rows = [
        (
            f"{e.number}. {e.attachment.name}",
            *((e.about,) if with_about else ()),
            e.attachment.content_type.split(";")[0],
            f"{e.attachment.size:,} bytes",
            f"{exports._who(e.attachment.uploaded_by, contents)}, {when(e.attachment.uploaded_at)}",
        )
        for e in evidence
    ]
    if with_about:
        header = ("File", "Added to", "Type", "Size", "Added by")
        story.append(table([header, *rows], [42 * mm, 42 * mm, 28 * mm, 22 * mm, None]))
    else:
        story.append(table([("File", "Type", "Size", "Added by"), *rows], [55 * mm, 35 * mm, 25 * mm, None]))
    for e in evidence:
        story.extend(_one_attachment(e, pdf=pdfs.get(e.number)))
    return story


def _one_attachment(evidence: Evidence, *, pdf) -> list:
    attachment = evidence.attachment
    story = [
        PageBreak(),
        _EvidenceStarts(evidence.number, evidence.title),
        paragraph(evidence.title, SUBSECTION),
        paragraph(f"Added to: {evidence.about}") if evidence.about else Spacer(1, 0),
        paragraph(attachment.description) if attachment.description else Spacer(1, 0),
        paragraph(f"SHA-256 of the original file: {attachment.sha256}", SMALL),
        Spacer(1, 4 * mm),
    ]
    if attachment.content_type in IMAGE_TYPES:
        story.append(_image(attachment))
    elif pdf is not None:
        pages = len(pdf.pages)
        story.append(paragraph(f"The document follows: {pages} page{'s' if pages != 1 else ''}."))
    elif attachment.content_type.startswith("text/plain"):
        with evidence_store().open(attachment.stored_as, "rb") as stored:
            text = stored.read(TEXT_SHOWN * 4).decode("utf-8-sig", "replace")[:TEXT_SHOWN]
        story.append(paragraph(text, SMALL))
    elif attachment.content_type == "application/pdf":
        story.append(paragraph("This PDF could not be included (it is damaged or protected with a password). "
                               "The original file is in the ZIP copy of this case file, under the same name."))
    else:
        story.append(paragraph("The original file is in the ZIP copy of this case file, under the same name."))
    return story


def _image(attachment):
    """The picture, fitted to the page; one that cannot be read (its type is checked only by its first
    bytes) is named instead, so a damaged photo never stops the bundle being made."""
    with evidence_store().open(attachment.stored_as, "rb") as stored:
        data = io.BytesIO(stored.read())
    try:
        ImageReader(data).getSize()
    except Exception:  # Pillow raises many kinds of error for a damaged picture; any means "cannot show it".
        return paragraph("This picture could not be shown. The original file is in the ZIP copy of this case file.")
    data.seek(0)
    image = Image(data)
    image._restrictSize(170 * mm, 200 * mm)
    return image
