"""The family's own contact details page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.forms import add_refusal_to_form

from ..contact_details import contact_details_update
from ..models import ContactDetails
from ..permissions import is_staff_account
from .forms import ContactDetailsForm


@login_required
@require_http_methods(["GET", "POST"])
def contact_details(request):
    """A parent, carer or young person keeps their email, phone numbers, address and preference up to date."""
    if is_staff_account(request.user):
        raise PermissionDenied("This page is for families. Staff details are kept by the council's administrator.")
    form = ContactDetailsForm(request.POST or None, initial=_current(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            contact_details_update(user=request.user, **form.cleaned_data)
        except ValidationError as refused:
            add_refusal_to_form(form, refused)
        else:
            messages.success(request, "Your contact details have been saved.")
            return redirect("contact-details")
    context = {"form": form, "texts_on": settings.NOTIFY_ENABLED}
    return render(request, "accounts/contact_details.html", context, status=400 if form.errors else 200)


def _current(user) -> dict:
    details = ContactDetails.objects.filter(user=user).first()
    preference = getattr(user, "notification_preference", None)
    return {
        "email": user.email,
        "mobile": preference.mobile_number if preference else "",
        "phone": details.phone if details else "",
        "address": details.address if details else "",
        "preferred": details.preferred if details else ContactDetails.Preferred.EMAIL,
    }
