"""How large a request body the API reads (API.md "Conventions": a body over the limit answers 413).

DRF reads a body as far as its Content-Length says, whatever its size: Django's
DATA_UPLOAD_MAX_MEMORY_SIZE guards only `request.POST` and `request.body`, which DRF's parsers do not
use. A 100 MB JSON body to the token endpoint was read and parsed, holding about 235 MB more in the
worker for good. So the size a client declares is checked first, before sign-in and before any parser
reads a byte. A body sent without a Content-Length (chunked) is not read by Django at all.

- Any body but an upload: `API_MAX_BODY_BYTES` (1 MB; the longest text the API accepts is 20,000
  characters, at most 80 KB as UTF-8).
- A multipart upload: the file limit `CASEFILE_MAX_UPLOAD_BYTES`, plus `API_MAX_BODY_BYTES` for its other
  fields and the form's boundaries. A file between its own limit and that is still read and refused by
  the case file (400 on `file`, as API.md says of a file too large).
"""

from django.conf import settings
from django.http import JsonResponse

API_PREFIX = "/api/"


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # As Django itself reads it: a body of unreadable length is not read.


def body_limit(request) -> int:
    if request.content_type == "multipart/form-data":
        return settings.CASEFILE_MAX_UPLOAD_BYTES + settings.API_MAX_BODY_BYTES
    return settings.API_MAX_BODY_BYTES


def in_words(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{size // 1024} KB"


def api_body_limit(get_response):
    """Middleware: a request to the API whose body is over its limit is answered 413 without reading it."""

    def middleware(request):
        if request.path_info.startswith(API_PREFIX):
            limit = body_limit(request)
            if declared_length(request) > limit:
                return JsonResponse(
                    {"detail": f"The request body is too large: the most this API accepts is {in_words(limit)}."},
                    status=413,
                )
        return get_response(request)

    return middleware
