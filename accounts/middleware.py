"""Staff who have not given their second factor in this session reach only the pages that let them give it."""

from urllib.parse import quote

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .permissions import needs_second_factor

# Open before the second factor: giving it, signing out, the legal pages, and the stylesheet and scripts.
OPEN_BEFORE_SECOND_FACTOR = (
    "/two-factor/",
    "/sign-out/",
    "/admin/logout/",
    "/static/",
    "/accessibility/",
    "/privacy/",
    "/cookies/",
)
SECOND_FACTOR_NEEDED = "Finish signing in: give the code from your authenticator app at /two-factor/."


def second_factor_required(get_response):
    """Middleware, after django-otp's OTPMiddleware: a staff session without a verified second factor is sent
    to give it (pages and the admin), or refused with 403 (the API, when called with the session's cookie)."""

    def middleware(request):
        user = request.user
        if _open(request.path) or not needs_second_factor(user) or user.is_verified():
            return get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": SECOND_FACTOR_NEEDED}, status=403)
        return redirect(f"{reverse('two-factor')}?next={quote(request.get_full_path())}")

    return middleware


def _open(path: str) -> bool:
    return path.startswith(OPEN_BEFORE_SECOND_FACTOR)
