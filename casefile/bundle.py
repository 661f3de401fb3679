"""The case file as a PDF bundle, laid out as the SEND Tribunal asks for one: an index, numbered pages,
then the concern, who was accountable when, the timeline, the messages and the evidence.

Made with ReportLab (pure Python, with its own Bitstream Vera fonts: nothing to install on the machine).
The PDF is written to a temporary file that spills to disk, then sent from there, so a long case never
sits in memory as one piece.
"""

import io
import tempfile
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    Image,
    LongTable,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from casework.models import Case
from casework.models.chain import CaseChain
from core.time import UK_TIME

from . import exports, selectors
from .bundle_pdfs import readable_pdf, with_attached_pdfs
from .exports import Contents
from .storage import evidence_store

SPILL_TO_DISK_AT = 5 * 1024 * 1024
# Plain text attachments are printed in the bundle up to this many characters; the whole file is in the ZIP.
TEXT_SHOWN = 20_000
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="VeraBd", italic="Vera", boldItalic="VeraBd")

BODY = ParagraphStyle("body", fontName="Vera", fontSize=10, leading=14, spaceAfter=6)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11, spaceAfter=0)
SMALL_BOLD = ParagraphStyle("small_bold", parent=SMALL, fontName="VeraBd")
TITLE = ParagraphStyle("title", parent=BODY, fontName="VeraBd", fontSize=20, leading=26, spaceAfter=12)
SECTION = ParagraphStyle("section", parent=BODY, fontName="VeraBd", fontSize=15, leading=20, spaceBefore=6, spaceAfter=10)
SUBSECTION = ParagraphStyle("subsection", parent=BODY, fontName="VeraBd", fontSize=11.5, leading=15, spaceBefore=8)
TABLE_STYLE = TableStyle(
    [
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
)


def case_pdf(*, case: Case, contents: Contents, made_by):
    """The bundle as an open temporary file, at its start, ready to send."""
    attachments = selectors.case_file_attachments(case, with_staff_only=contents.with_staff_only)
    pdfs = {
        number: reader
        for number, attachment in enumerate(attachments, start=1)
        if attachment.content_type == "application/pdf" and (reader := readable_pdf(attachment)) is not None
    }
    laid_out = tempfile.SpooledTemporaryFile(max_size=SPILL_TO_DISK_AT)
    document = _Bundle(laid_out, reference=case.reference, inserted={n: len(r.pages) for n, r in pdfs.items()})
    document.multiBuild(_story(case, contents, made_by, attachments, pdfs), canvasmaker=document.numbered_canvas())
    laid_out.seek(0)
    if not pdfs:
        return laid_out
    output = tempfile.SpooledTemporaryFile(max_size=SPILL_TO_DISK_AT)
    after_pages = {document.evidence_pages[number]: reader for number, reader in pdfs.items()}
    with_attached_pdfs(laid_out, after_pages=after_pages, total=document.total_pages, output=output)
    laid_out.close()
    output.seek(0)
    return output


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

    def __init__(self, output, *, reference: str, inserted: dict[int, int]):
        super().__init__(
            output,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=20 * mm,
            title=f"Case file {reference}",
            author="SEND Casework",
        )
        self.reference = reference
        # Evidence number: how many pages its PDF adds after its evidence page; and that page, once laid out.
        self.inserted = inserted
        self.evidence_pages: dict[int, int] = {}
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._header)])

    def _header(self, drawing, document):
        drawing.saveState()
        drawing.setFont("Vera", 8)
        drawing.drawString(self.leftMargin, A4[1] - 12 * mm, f"Case file {self.reference}")
        drawing.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Paragraph) and flowable.style.name == SECTION.name:
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.shown_number(self.page)))
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


def _story(case: Case, contents: Contents, made_by, attachments, pdfs) -> list:
    index = TableOfContents()
    index.levelStyles = [
        ParagraphStyle("index", parent=BODY, leftIndent=0),
        ParagraphStyle("index_evidence", parent=SMALL, leftIndent=8 * mm, spaceAfter=2),
    ]
    return [
        *_cover(case, contents, made_by),
        Paragraph("Index", SUBSECTION),
        index,
        PageBreak(),
        *_about(case),
        *_accountability(case),
        *_timeline(case, contents),
        *_messages(case, contents),
        *_evidence(attachments, contents, pdfs),
    ]


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _when(moment) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y}, {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def _cover(case: Case, contents: Contents, made_by) -> list:
    chain = CaseChain.objects.filter(case=case).values("length", "head").first() or {"length": 0, "head": ""}
    which = {
        exports.Version.FAMILY: "This is the family's copy. It does not include the council's internal notes "
        "or files kept for staff only.",
        exports.Version.FULL: "This is the full case file, for the SEND Tribunal or the Local Government and "
        "Social Care Ombudsman. It includes internal notes and files kept for staff only.",
    }.get(contents.version, "")
    return [
        _p(f"Case file {case.reference}", TITLE),
        _p(f"Child: {case.child.display_name}"),
        _p(f"Concern: {case.summary}"),
        _p(f"Made on {_when(timezone.now())} by {made_by.get_full_name() or made_by.username}, from {settings.SITE_URL}"),
        _p(which),
        _p(
            f"Proof that the record has not been altered: the case's {chain['length']} records are linked by a "
            f"chain of SHA-256 hashes ending in {chain['head']}. The council can check this at any time."
        ),
        Spacer(1, 8 * mm),
    ]


def _about(case: Case) -> list:
    rows = [
        ("Reference", case.reference),
        ("Child", case.child.display_name),
        ("Kind of concern", case.category.name),
        ("Status", case.get_status_display()),
        ("Logged", _when(case.created_at)),
        ("Acknowledged", _when(case.acknowledged_at)),
        ("Resolved", _when(case.resolved_at)),
        ("Closed", _when(case.closed_at)),
        ("Outcome", case.outcome),
    ]
    return [
        _p("1. The concern", SECTION),
        _p(case.summary, SUBSECTION),
        _p(case.description),
        _table([("", ""), *[(label, value) for label, value in rows if value]], [45 * mm, None], header=False),
    ]


def _accountability(case: Case) -> list:
    rows = [
        (owner["officer"], owner["team"], _when(owner["from"]), _when(owner["until"]) or "Now")
        for owner in exports.accountable_officers(case)
    ]
    return [
        _p("2. Who was accountable", SECTION),
        _p("The named officer accountable for the case at each point, from the moment they took it."),
        _table([("Named officer", "Team", "From", "Until"), *rows], [45 * mm, 45 * mm, None, None]),
    ]


def _timeline(case: Case, contents: Contents) -> list:
    rows = [
        (_when(event.at), event.get_kind_display() + (" (internal)" if event.internal else ""),
         exports._who(event.actor, contents), event.text)
        for event in selectors.case_file_events(case, with_internal=contents.with_internal)
    ]
    return [
        PageBreak(),
        _p("3. Timeline", SECTION),
        _table([("When", "What", "Who", "Details"), *rows], [32 * mm, 30 * mm, 32 * mm, None]),
    ]


def _messages(case: Case, contents: Contents) -> list:
    story = [PageBreak(), _p("4. Messages", SECTION)]
    for message in selectors.case_file_messages(case, with_internal=contents.with_internal):
        label = "Internal note" if message.internal else "Message"
        story.append(_p(f"{label} from {exports._who(message.author, contents)}, {_when(message.created_at)}", SUBSECTION))
        story.append(_p(message.text))
    if len(story) == 2:
        story.append(_p("There are no messages on this case."))
    return story


def _evidence(attachments, contents: Contents, pdfs: dict) -> list:
    story = [PageBreak(), _p("5. Evidence", SECTION)]
    if not attachments:
        return [*story, _p("No files were attached to this case.")]
    rows = [
        (f"{number}. {a.name}", a.content_type.split(";")[0], f"{a.size:,} bytes",
         f"{exports._who(a.uploaded_by, contents)}, {_when(a.uploaded_at)}")
        for number, a in enumerate(attachments, start=1)
    ]
    story.append(_table([("File", "Type", "Size", "Added by"), *rows], [55 * mm, 35 * mm, 25 * mm, None]))
    for number, attachment in enumerate(attachments, start=1):
        story.extend(_one_attachment(number, attachment, pdf=pdfs.get(number)))
    return story


def _one_attachment(number: int, attachment, *, pdf) -> list:
    title = f"Evidence {number}: {attachment.name}"
    story = [
        PageBreak(),
        _EvidenceStarts(number, title),
        _p(title, SUBSECTION),
        _p(attachment.description) if attachment.description else Spacer(1, 0),
        _p(f"SHA-256 of the original file: {attachment.sha256}", SMALL),
        Spacer(1, 4 * mm),
    ]
    if attachment.content_type in IMAGE_TYPES:
        story.append(_image(attachment))
    elif pdf is not None:
        pages = len(pdf.pages)
        story.append(_p(f"The document follows: {pages} page{'s' if pages != 1 else ''}."))
    elif attachment.content_type.startswith("text/plain"):
        with evidence_store().open(attachment.stored_as, "rb") as stored:
            text = stored.read(TEXT_SHOWN * 4).decode("utf-8-sig", "replace")[:TEXT_SHOWN]
        story.append(_p(text, SMALL))
    elif attachment.content_type == "application/pdf":
        story.append(_p("This PDF could not be included (it is damaged or protected with a password). "
                        "The original file is in the ZIP copy of this case file, under the same name."))
    else:
        story.append(_p("The original file is in the ZIP copy of this case file, under the same name."))
    return story


def _image(attachment):
    """The picture, fitted to the page; one that cannot be read (its type is checked only by its first
    bytes) is named instead, so a damaged photo never stops the bundle being made."""
    with evidence_store().open(attachment.stored_as, "rb") as stored:
        data = io.BytesIO(stored.read())
    try:
        ImageReader(data).getSize()
    except Exception:  # Pillow raises many kinds of error for a damaged picture; any means "cannot show it".
        return _p("This picture could not be shown. The original file is in the ZIP copy of this case file.")
    data.seek(0)
    image = Image(data)
    image._restrictSize(170 * mm, 200 * mm)
    return image


def _table(rows, widths, *, header: bool = True):
    body = rows[1:]
    cells = [[_p(value, SMALL_BOLD) for value in rows[0]]] if header else []
    cells += [[_p(value, SMALL) for value in row] for row in body]
    if not cells:
        cells = [[_p("", SMALL) for _ in widths]]
    table = LongTable(cells, colWidths=widths, repeatRows=1 if header else 0)
    table.setStyle(TABLE_STYLE if header else TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
