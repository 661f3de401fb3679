"""Django's own error answers, in the API's JSON shape for every address under /api/ (API.md "Errors").

DRF answers the errors its views raise. These are the rest, which Django answers itself with an HTML
page: an address that no route matches (a case id that is not a number, `/api/cases/abc/`), a failure
nobody expected (500), a request Django refuses to read before any view runs (400), a permission check
outside DRF (403). Pages keep Django's HTML error pages (templates/404.html and the others).
"""

from django.http import JsonResponse
from django.views import defaults

from core.request_limits import API_PREFIX


def is_api(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def json_error(detail: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request, exception):
    if is_api(request):
        return json_error("The request could not be read.", 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if is_api(request):
        return json_error("You do not have permission to perform this action.", 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    if is_api(request):
        # DRF's words for its own 404s, so a client sees one answer for "no such address" and "no such case".
        return json_error("Not found.", 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if is_api(request):
        # Nothing of the cause: it is logged (django.request), and may hold what a caller must not see.
        return json_error("Something went wrong on our side. Try again later.", 500)
    return defaults.server_error(request)
