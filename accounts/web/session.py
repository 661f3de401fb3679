"""Signing in and out (Django's own views, in GOV.UK words), and keeping a session alive from the time-out warning."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def session_keep_alive(request):
    """The time-out warning's "Stay signed in": any request renews the session (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)
