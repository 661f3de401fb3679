"""Every report answers JSON, or CSV when asked: a table, safe to open in a spreadsheet."""

import csv
import io

from django.http import Http404
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.database import report_reads


class CSVRenderer(BaseRenderer):
    """Renders a table, `{"header": [...], "rows": [[...], ...]}`, as CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(data["header"])
        writer.writerows([csv_cell(value) for value in row] for row in data["rows"])
        return buffer.getvalue().encode(self.charset)


def csv_cell(value):
    """Empty for null; text that a spreadsheet would run as a formula is quoted as text first."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def attachment(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


class CsvOrJsonView(APIView):
    """JSON, or CSV when asked for (`format=csv`). Errors are always JSON: a CSV of an error helps nobody."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    def initial(self, request, *args, **kwargs):
        # Who is asking, and whether they may, is read on the primary; the report's figures may come from a
        # replica (core.database.report_reads) until the answer is made.
        super().initial(request, *args, **kwargs)
        if request.method in SAFE_METHODS:
            self.report_reads = report_reads()
            self.report_reads.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        reads, self.report_reads = getattr(self, "report_reads", None), None
        if reads is not None:
            reads.__exit__(None, None, None)
        return super().finalize_response(request, response, *args, **kwargs)

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            raise ValidationError({"format": ["Choose json or csv."]}) from None

    def handle_exception(self, exc):
        self.answer_in_json()
        return super().handle_exception(exc)

    def options(self, request, *args, **kwargs):
        # OPTIONS describes the endpoint (a dict, not a table), so it is JSON even where CSV was asked for.
        self.answer_in_json()
        return super().options(request, *args, **kwargs)

    def answer_in_json(self):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type

    def answer(self, data: dict, *, table, filename: str) -> Response:
        if self.request.accepted_renderer.format == CSVRenderer.format:
            return Response(table(data), headers=attachment(filename))
        return Response(data)
