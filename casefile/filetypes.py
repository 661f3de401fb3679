"""What a file really is, read from its content, never from its name.

A family's "report.pdf" may be anything. Only the kinds of file councils and
families exchange as evidence are accepted: PDF, common images, Word and Excel
documents (current and legacy) and plain text. Word and Excel files with
macros are refused: they can run code on a council computer.
"""

import io
import re
import zipfile
from dataclasses import dataclass

import olefile


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    # In the words a family reads in "What kind of file is this?"
    label: str


PDF = FileType("application/pdf", "pdf", "PDF")
PNG = FileType("image/png", "png", "PNG image")
JPEG = FileType("image/jpeg", "jpg", "JPEG image")
GIF = FileType("image/gif", "gif", "GIF image")
WEBP = FileType("image/webp", "webp", "WebP image")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "Word document")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "Excel spreadsheet")
DOC = FileType("application/msword", "doc", "Word 97-2003 document")
XLS = FileType("application/vnd.ms-excel", "xls", "Excel 97-2003 spreadsheet")
TEXT = FileType("text/plain; charset=utf-8", "txt", "text file")

ACCEPTED_IN_WORDS = "a PDF, a photo or picture (JPEG, PNG, GIF or WebP), a Word or Excel document, or a text file"

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
# Control characters, bar tab, line feed, form feed and carriage return: no text editor writes them.
TEXT_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A zip with more parts than this is not a document anyone wrote by hand (and may be a zip bomb).
MAX_ZIP_ENTRIES = 10_000


def detect(stream) -> FileType | None:
    """The type of the file in `stream` (a seekable binary file), or None if it is not one we accept."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(ZIP_SIGNATURE):
        return _office_open_xml(stream)
    if head.startswith(OLE2_SIGNATURE):
        return _legacy_office(stream)
    return _plain_text(stream)


def _office_open_xml(stream) -> FileType | None:
    """A .docx or .xlsx is a zip holding [Content_Types].xml and its main part; a macro project makes it unsafe."""
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    finally:
        stream.seek(0)
    if len(names) > MAX_ZIP_ENTRIES or "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _legacy_office(stream) -> FileType | None:
    """A Word 97-2003 file has a WordDocument stream, an Excel one a Workbook (or, older, Book) stream."""
    try:
        ole = olefile.OleFileIO(stream)
    except (OSError, ValueError):
        return None
    finally:
        stream.seek(0)
    try:
        if ole.exists("Macros") or ole.exists("_VBA_PROJECT_CUR"):
            return None
        if ole.exists("WordDocument"):
            return DOC
        if ole.exists("Workbook") or ole.exists("Book"):
            return XLS
        return None
    finally:
        ole.close()


def _plain_text(stream) -> FileType | None:
    """UTF-8 text with no control characters but line breaks and tabs: what a text editor writes."""
    decoder = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    try:
        while chunk := decoder.read(64 * 1024):
            if TEXT_CONTROL_CHARACTERS.search(chunk):
                return None
    except UnicodeDecodeError:
        return None
    finally:
        decoder.detach()
        stream.seek(0)
    return TEXT
