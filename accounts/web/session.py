"""Signing in and out (Django's own views, in GOV.UK words, paused during a password spray), single sign-on's
refusals, and keeping a session alive from the time-out warning."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ..sign_in import password_attempt_check, sign_in_paused_text
from ..sign_on import FAMILIES, REFUSAL, STAFF, door_setting, sign_on_enabled
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


def sign_in_on_the_service_page(request):
    """The admin's and the browsable API's own sign-in forms would be doors the limits on wrong passwords do not
    pause: they send people to the service's sign-in page instead, to come back where they were going."""
    return redirect_to_login(request.GET.get("next") or "/", login_url=reverse("sign-in"))


def sign_on_refused(request):
    """Why single sign-on did not sign someone in: no account has the provider's verified email, or the account
    is not one this door signs in (staff through the families' door, or the other way round)."""
    refusal = request.session.pop(REFUSAL, None) or {}
    audience = refusal.get("audience")
    context = {
        "audience": audience,
        "reason": refusal.get("reason"),
        "provider": door_setting(audience, "PROVIDER_NAME") if audience else "",
        # The other door, to point to when this one was the wrong one.
        "families_button": door_setting(FAMILIES, "BUTTON") if sign_on_enabled(FAMILIES) else "",
        "staff_button": door_setting(STAFF, "BUTTON") if sign_on_enabled(STAFF) else "",
    }
    return render(request, "accounts/sign_on_refused.html", context)
