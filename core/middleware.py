"""Every answer under /api/ is JSON, errors included (API.md "Accounts and legal pages")."""

from http import HTTPStatus

from django.conf import settings
from django.http import JsonResponse

API_PREFIX = "/api/"
# The API's documentation and schema are pages for people and tools, not JSON answers.
NOT_JSON = ("/api/docs/", "/api/schema/")


def api_answers_in_json(get_response):
    """Middleware: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with 413 before anything reads it (DRF
    reads JSON as a stream, which Django's own limit never sees); an error answer under /api/ that is not JSON
    already (a 404 for a path that does not exist, a 500) becomes {"detail": ...} with the same status."""

    def middleware(request):
        if not request.path.startswith(API_PREFIX) or request.path.startswith(NOT_JSON):
            return get_response(request)
        if _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return JsonResponse(
                {"detail": f"The request body is too large: the most this API accepts is "
                           f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."},
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


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
