"""How API request bodies are read (API.md "Conventions": never a 500 for anything a client sends)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, which answers 400 for a body nested too deeply to read.

    Python's decoder gives up on a few thousand nested brackets (a body of a few kilobytes) with a
    RecursionError, which DRF does not catch as it catches malformed JSON, so it was a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
