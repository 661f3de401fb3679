"""Sign-in throttling (django-axes): the username each failed attempt is counted against, and the answer to
someone locked out."""

from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

# The width of django-axes' username columns.
THROTTLE_USERNAME_LENGTH = 255


def username_to_throttle(request, credentials: dict | None) -> str | None:
    """The username axes counts an attempt against: the one tried, cut to what axes can store.

    django-axes stores the username as typed, so a failed sign-in with a longer one (a scanner's,
    say: no real username is over 150) was a 500 on every sign-in door (jazzband/django-axes#1381).
    Otherwise axes' own reading: from the credentials, else the posted form.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if isinstance(username, str):
        return username[:THROTTLE_USERNAME_LENGTH]
    return username


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out sign-in: 429 with Retry-After; JSON for the API, the page otherwise."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    minutes = -(-seconds // 60)
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": f"Too many attempts to sign in. Wait {minutes} minutes, then try again."}, status=429
        )
    else:
        context = {"failure_limit": get_failure_limit(request, credentials), "cooloff_timedelta": cool_off}
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response
