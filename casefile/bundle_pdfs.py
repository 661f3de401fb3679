"""Attached PDFs, placed in the bundle after their evidence page and numbered with the bundle's pages.

A Tribunal bundle holds the documents themselves, not a list of them. ReportLab lays out the bundle's own
pages; pypdf then puts each attached PDF's pages in after its evidence page and writes the bundle's page
number on each. A PDF that cannot be read (damaged, or protected with a password) is left out and the
evidence page says so: the original is always in the ZIP.
"""

import io
import logging

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .storage import evidence_store

logger = logging.getLogger(__name__)


def readable_pdf(attachment) -> PdfReader | None:
    """The attached PDF, ready to copy pages from; None if it cannot be read."""
    with evidence_store().open(attachment.stored_as, "rb") as stored:
        data = io.BytesIO(stored.read())
    try:
        reader = PdfReader(data)
        if reader.is_encrypted or not reader.pages:
            return None
        for page in reader.pages:
            page.mediabox  # noqa: B018 - reading each page's box finds a damaged page tree now, not halfway through
        return reader
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
        logger.info("Attachment %s is not a PDF the bundle can include: %s", attachment.pk, error)
        return None


def with_attached_pdfs(bundle, *, after_pages: dict[int, PdfReader], total: int, output) -> None:
    """Write `bundle` (ReportLab's pages) to `output` with each attached PDF's pages after the page given for
    it, every inserted page numbered "Page N of total" as the bundle's own pages are."""
    writer = PdfWriter()
    shown = 0
    for number, page in enumerate(PdfReader(bundle).pages, start=1):
        writer.add_page(page)
        shown += 1
        attached = after_pages.get(number)
        if attached is None:
            continue
        for attached_page in attached.pages:
            shown += 1
            added = writer.add_page(attached_page)
            added.merge_page(_page_number(shown, total, float(added.mediabox.width)))
    writer.write(output)


def _page_number(number: int, total: int, width: float):
    stamp = io.BytesIO()
    drawing = canvas.Canvas(stamp, pagesize=(width, 20 * mm))
    drawing.setFont("Vera", 9)
    drawing.drawCentredString(width / 2, 10 * mm, f"Page {number} of {total}")
    drawing.save()
    return PdfReader(stamp).pages[0]
