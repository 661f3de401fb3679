"""What every part of a PDF bundle is written with: the fonts, the styles, dates as GOV.UK writes them, paragraphs
and tables, and the numbered evidence each part points to.

ReportLab's own Bitstream Vera fonts: nothing to install on the machine.
"""

from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import LongTable, Paragraph, TableStyle

from core.time import UK_TIME

pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))
pdfmetrics.registerFont(TTFont("VeraBd", "VeraBd.ttf"))
pdfmetrics.registerFontFamily("Vera", normal="Vera", bold="VeraBd", italic="Vera", boldItalic="VeraBd")

BODY = ParagraphStyle("body", fontName="Vera", fontSize=10, leading=14, spaceAfter=6)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11, spaceAfter=0)
SMALL_BOLD = ParagraphStyle("small_bold", parent=SMALL, fontName="VeraBd")
TITLE = ParagraphStyle("title", parent=BODY, fontName="VeraBd", fontSize=20, leading=26, spaceAfter=12)
# A section, in the index with the page it starts on.
SECTION = ParagraphStyle(
    "section", parent=BODY, fontName="VeraBd", fontSize=15, leading=20, spaceBefore=6, spaceAfter=10
)
# A part of a section, in the index under it (the child's bundle: each concern's timeline, each process's decisions).
INDEXED = ParagraphStyle("indexed", parent=BODY, fontName="VeraBd", fontSize=13, leading=17, spaceBefore=8)
# A heading in the text only.
SUBSECTION = ParagraphStyle("subsection", parent=BODY, fontName="VeraBd", fontSize=11.5, leading=15, spaceBefore=8)
TABLE_STYLE = TableStyle(
    [
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
    ]
)


@dataclass(frozen=True)
class Evidence:
    """A file in the bundle, numbered in the order it is appended; `about` says what it was added to."""

    number: int
    attachment: object
    about: str = ""

    @property
    def title(self) -> str:
        return f"Evidence {self.number}: {self.attachment.name}"


def paragraph(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def when(moment) -> str:
    """'4 January 2027, 9:05am', in UK time."""
    if moment is None:
        return ""
    local = moment.astimezone(UK_TIME)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y}, {hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def day(value) -> str:
    """'4 January 2027'."""
    return f"{value.day} {value:%B %Y}" if value else ""


def table(rows, widths, *, header: bool = True):
    body = rows[1:]
    cells = [[paragraph(value, SMALL_BOLD) for value in rows[0]]] if header else []
    cells += [[paragraph(value, SMALL) for value in row] for row in body]
    if not cells:
        cells = [[paragraph("", SMALL) for _ in widths]]
    drawn = LongTable(cells, colWidths=widths, repeatRows=1 if header else 0)
    drawn.setStyle(TABLE_STYLE if header else TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return drawn


def facts(rows: list[tuple[str, str]]):
    """Label and value, one a row, leaving out what is empty."""
    return table([("", ""), *[(label, value) for label, value in rows if value]], [45 * mm, None], header=False)
