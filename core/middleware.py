"""Every answer under /api/ is JSON, errors included (API.md "Accounts and legal pages")."""

from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse

API_PREFIX = "/api/"
# The API's documentation and schema are pages for people and tools, not JSON answers.
NOT_JSON = ("/api/docs/", "/api/schema/")


def api_answers_in_json(get_response):
    """Middleware: a body over its limit is refused with 413 before anything reads it (DRF reads JSON as a
    stream, which Django's own limit never sees: a 100 MB body to the token endpoint was read and parsed,
    holding about 235 MB more in the worker for good); an error answer under /api/ that is not JSON already
    (a 404 for a path that does not exist, a 500) becomes {"detail": ...} with the same status.

    The limit, checked against the declared Content-Length before sessions and sign-in: any body but an
    upload, DATA_UPLOAD_MAX_MEMORY_SIZE (1 MB; the longest text the API takes is 20,000 characters, at most
    80 KB); a multipart upload, the file limit CASEFILE_MAX_UPLOAD_BYTES plus as much again for its other
    fields and boundaries. A file over its own limit but inside that is read and refused by the case file
    (400 on `file`, as API.md says). A body sent without a Content-Length (chunked) is not read at all."""

    def middleware(request):
        if not request.path.startswith(API_PREFIX) or request.path.startswith(NOT_JSON):
            return get_response(request)
        limit = _body_limit(request)
        if _declared_length(request) > limit:
            return JsonResponse(
                {"detail": f"The request body is too large: the most this API accepts is {_in_words(limit)}."},
                status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            )
        response = get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith("application/json"):
            json = JsonResponse({"detail": HTTPStatus(response.status_code).phrase}, status=response.status_code)
            for header in ("Retry-After", "WWW-Authenticate", "Allow"):
                if header in response:
                    json[header] = response[header]
            return json
        return response

    return middleware


def _body_limit(request) -> int:
    if request.content_type == "multipart/form-data":
        return settings.CASEFILE_MAX_UPLOAD_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _in_words(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{size:,} bytes"


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
