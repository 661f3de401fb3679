"""Sign-in throttling, two locks on one door (the sign-in page and the API's token endpoint):
- django-axes: 5 wrong passwords for one username from one address lock that pair (the username each failed
  attempt is counted against, and the answer to someone locked out, are here);
- a password spray, one guess at each of many usernames, is held back by counting wrong passwords per client
  address and for everyone together (SIGN_IN_LIMIT_*), in accounts/throttling.py's shared count.
"""

from datetime import timedelta

from axes.helpers import get_client_ip_address, get_cool_off, get_failure_limit
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render

from .models import Attempt
from .throttling import attempt_record, refuse_if_client_over_limit, refuse_if_everyone_over_limit

# Said on the API and the page alike: a paused door, not a wrong password.
SIGN_IN_PAUSED = (
    "There have been too many attempts to sign in, so signing in is paused for {minutes} minute{s}. "
    "This is not about your password: it was not checked. Wait, then try again."
)

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


def password_attempt_check(request) -> None:
    """Raise TooManyAttempts, before any password is checked, when this client address or everyone together has
    given too many wrong passwords in the last SIGN_IN_LIMIT_MINUTES."""
    door = Attempt.Door.WRONG_PASSWORD
    window = timedelta(minutes=settings.SIGN_IN_LIMIT_MINUTES)
    refuse_if_client_over_limit(
        door=door,
        client_address=get_client_ip_address(request),
        limit=settings.SIGN_IN_LIMIT_PER_ADDRESS,
        window=window,
    )
    refuse_if_everyone_over_limit(door=door, limit=settings.SIGN_IN_LIMIT_OVERALL, window=window)


def wrong_password_record(sender, credentials, request=None, **kwargs) -> None:
    """Count a failed password sign-in (Django's user_login_failed), wherever it was tried: the sign-in page, the
    token endpoint, the admin. Only wrong passwords count, so an office or school signing in from one address
    is not held back; a spray is nearly all wrong. A refused single sign-on has no password and is not counted."""
    if request is not None and "password" in credentials:
        attempt_record(door=Attempt.Door.WRONG_PASSWORD, client_address=get_client_ip_address(request))


def sign_in_paused_text(retry_after: int) -> str:
    minutes = -(-retry_after // 60)
    return SIGN_IN_PAUSED.format(minutes=minutes, s="" if minutes == 1 else "s")
