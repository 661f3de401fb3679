"""Signing in and out (Django's own views, in GOV.UK words), and keeping a session alive from the time-out warning."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from ..sign_in import password_attempt_check, sign_in_paused_text
from ..throttling import TooManyAttempts
from .forms import SignInForm


class SignInView(auth_views.LoginView):
    """Django's sign-in, paused (429, before any password is checked) while a password spray is held back."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm

    def post(self, request, *args, **kwargs):
        try:
            password_attempt_check(request)
        except TooManyAttempts as refused:
            response = render(
                request, "accounts/sign_in_paused.html", {"why": sign_in_paused_text(refused.retry_after)}, status=429
            )
            response["Retry-After"] = str(refused.retry_after)
            return response
        return super().post(request, *args, **kwargs)


@login_required
def session_keep_alive(request):
    """The time-out warning's "Stay signed in": any request renews the session (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)
