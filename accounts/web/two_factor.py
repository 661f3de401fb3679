"""Two-factor sign-in pages for staff: give a code, set up an authenticator app, new backup codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from core.forms import add_refusal_to_form

from .. import two_factor
from ..permissions import is_staff_account
from .forms import AuthenticatorConfirmForm, SecondFactorForm


def staff_account_only(view):
    def check(request, *args, **kwargs):
        if not is_staff_account(request.user):
            raise PermissionDenied("Two-factor sign-in is for council staff.")
        return view(request, *args, **kwargs)

    return login_required(check)


def next_page(request) -> str:
    """Where the staff member was going, if it is on this site; else their start page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@staff_account_only
@require_http_methods(["GET", "POST"])
def verify(request):
    """Give the code from the app, or a backup code. Staff without an app are sent to set one up."""
    if not two_factor.has_authenticator(request.user):
        return redirect(f"{reverse('two-factor-set-up')}?next={next_page(request)}")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as refused:
            add_refusal_to_form(form, refused)
        else:
            otp_login(request, device)
            _say_how_many_backup_codes_are_left(request, device)
            return redirect(next_page(request))
    status = 400 if form.errors else 200
    return render(request, "accounts/two_factor.html", {"form": form, "next": next_page(request)}, status=status)


def _say_how_many_backup_codes_are_left(request, device) -> None:
    if not isinstance(device, StaticDevice):
        return
    left = two_factor.backup_codes_left(request.user)
    messages.warning(
        request,
        f"You used a backup code. You have {left} left. If you have lost your phone, set up a new app and "
        "get new backup codes.",
    )


@staff_account_only
@require_http_methods(["GET", "POST"])
def set_up(request):
    """Set up an authenticator app: the key as a QR code and as text, confirmed by the app's first code.

    Replacing an app needs a second factor first, so someone with only a password cannot swap in their own.
    """
    if two_factor.has_authenticator(request.user) and not request.user.is_verified():
        return redirect(f"{reverse('two-factor')}?next={next_page(request)}")
    device = two_factor.authenticator_start(user=request.user)
    form = AuthenticatorConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                codes = two_factor.authenticator_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
            except ValidationError as refused:
                status = add_refusal_to_form(form, refused)
            else:
                device.refresh_from_db()
                otp_login(request, device)
                return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_page(request)})
    context = {
        "form": form,
        "next": next_page(request),
        "key": two_factor.key_as_text(device),
        "qr_code": two_factor.qr_code_data_uri(device),
    }
    return render(request, "accounts/two_factor_set_up.html", context, status=status)


@staff_account_only
@require_POST
def backup_codes(request):
    """New backup codes, shown once; the old ones stop working. Needs the second factor given in this session."""
    if not request.user.is_verified():
        return redirect(f"{reverse('two-factor')}?next={reverse('two-factor-set-up')}")
    codes = two_factor.backup_codes_renew(user=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": reverse("home")})
