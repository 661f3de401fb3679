"""Forgotten password: Django's own token views, in GOV.UK words."""

from axes.helpers import get_client_ip_address
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy

from ..passwords import password_reset_request
from ..throttling import TooManyAttempts
from .forms import NewPasswordForm, PasswordResetRequestForm


def too_many_attempts(request, refused: TooManyAttempts):
    response = render(request, "accounts/too_many_attempts.html", {"minutes": -(-refused.retry_after // 60)}, status=429)
    response["Retry-After"] = str(refused.retry_after)
    return response


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link. Whatever the address, the next page is the same "check your email"."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password-reset-sent")

    def form_valid(self, form):
        try:
            password_reset_request(email=form.cleaned_data["email"], client_address=get_client_ip_address(self.request))
        except TooManyAttempts as refused:
            return too_many_attempts(self.request, refused)
        return redirect(self.success_url)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose a new password, from the emailed link. A link that has expired or was used is refused."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password-reset-done")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def dispatch(self, *args, **kwargs):
        response = super().dispatch(*args, **kwargs)
        if not self.validlink and response.status_code == 200:
            # "This link cannot be used": a page saying so, answered as not found.
            response.status_code = 404
        return response


class PasswordResetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_done.html"


