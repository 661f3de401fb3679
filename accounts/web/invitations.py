"""Invitations: the staff's pages (who can see a child's record, invite someone, withdraw an invitation) and the
family's (enter a letter's code, accept). Thin: each finds what the person may see, checks a form, calls a service."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.forms import SERVICE_REFUSALS, add_refusal_to_form, refusal_messages

from .. import invitations, selectors
from ..models import Invitation
from ..permissions import is_staff_account
from ..throttling import TooManyAttempts
from .forms import InviteForm, JoinCodeForm, NewAccountForm
from .passwords import too_many_attempts

LETTER_CODE_KEY = "accounts_invitation_letter"


def staff_only(view):
    def check(request, *args, **kwargs):
        if not is_staff_account(request.user):
            raise PermissionDenied("These pages are for council staff.")
        return view(request, *args, **kwargs)

    return login_required(check)


# --- staff ---------------------------------------------------------------------------------


@staff_only
def child_people(request, pk):
    """Everyone who can see the child's record, and every invitation to it: who sent it, when, what became of it."""
    child = selectors.child_get_for_inviter(request.user, pk)
    now = timezone.now()
    rows = [(invitation, invitation.state_at(now)) for invitation in selectors.invitations_of_child(child)]
    context = {"child": child, "people": selectors.people_of_child(child), "invitations": rows, "State": Invitation.State}
    return render(request, "accounts/staff/child_people.html", context)


@staff_only
@require_http_methods(["GET", "POST"])
def child_invite(request, pk):
    child = selectors.child_get_for_inviter(request.user, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = invitations.invitation_create(actor=request.user, child=child, **form.cleaned_data)
        except SERVICE_REFUSALS as refused:
            add_refusal_to_form(form, refused)
        else:
            return _send(request, issued)
    status = 400 if form.errors else 200
    return render(request, "accounts/staff/child_invite.html", {"child": child, "form": form}, status=status)


def _send(request, issued):
    invitation = issued.invitation
    if invitation.delivery == Invitation.Delivery.LETTER:
        # The code goes to the letter page through the session, once: reloading that page cannot show it again,
        # nor send the form again and make a second invitation.
        request.session[LETTER_CODE_KEY] = {"invitation": invitation.pk, "code": issued.code}
        return redirect("invitation-letter", pk=invitation.pk)
    if invitations.invitation_email_send(issued=issued):
        messages.success(request, f"We have emailed an invitation to {invitation.display_name}.")
    else:
        messages.error(
            request,
            f"We could not email the invitation to {invitation.display_name}. Withdraw it, then send a new one by "
            "email later or by letter.",
        )
    return redirect("child-people", pk=invitation.child_id)


@staff_only
def invitation_letter(request, pk):
    """The letter to print, with its code, shown once."""
    invitation = selectors.invitation_get_for_inviter(request.user, pk)
    shown = request.session.pop(LETTER_CODE_KEY, None)
    code = shown["code"] if shown and shown["invitation"] == invitation.pk else None
    context = {
        "invitation": invitation,
        "code": code,
        "join_url": f"{settings.SITE_URL.rstrip('/')}{reverse('join')}",
        "days": invitations.INVITATION_DAYS[invitation.delivery],
    }
    return render(request, "accounts/staff/invitation_letter.html", context)


@staff_only
@require_POST
def invitation_withdraw(request, pk):
    invitation = selectors.invitation_get_for_inviter(request.user, pk)
    try:
        invitations.invitation_withdraw(actor=request.user, invitation=invitation)
    except SERVICE_REFUSALS as refused:
        for texts in refusal_messages(refused).values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, f"The invitation to {invitation.display_name} was withdrawn. It can no longer be used.")
    return redirect("child-people", pk=invitation.child_id)


# --- families ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def join(request):
    """Type the code from a letter."""
    form = JoinCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = "".join(form.cleaned_data["code"].split()).upper()
        return redirect("join-accept", code=code)
    return render(request, "accounts/join.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def join_accept(request, code):
    """Accept an invitation: create an account (or use the family account signed in) and see the child's record."""
    try:
        invitation = invitations.invitation_for_code(code=code, client_address=get_client_ip_address(request))
    except TooManyAttempts as refused:
        return too_many_attempts(request, refused)
    if invitation is None or invitation.state in (Invitation.State.ACCEPTED, Invitation.State.WITHDRAWN):
        return render(request, "accounts/join_refused.html", {"reason": invitations.UNUSABLE}, status=404)
    if invitation.state == Invitation.State.EXPIRED:
        return render(request, "accounts/join_refused.html", {"reason": invitations.expired_message()}, status=410)
    signed_in = request.user.is_authenticated
    form = None if signed_in else NewAccountForm(request.POST or None, initial=_known_details(invitation))
    context = {"invitation": invitation, "form": form, "staff": signed_in and is_staff_account(request.user)}
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            user = invitations.invitation_accept(
                invitation=invitation,
                user=request.user if signed_in else None,
                new_account=None if signed_in else _new_account(form),
            )
        except SERVICE_REFUSALS as refused:
            context["refusals"] = [text for texts in refusal_messages(refused).values() for text in texts]
            if form is not None:
                add_refusal_to_form(form, refused)
            return render(request, "accounts/join_accept.html", context, status=400)
        if not signed_in:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"You can now see {invitation.child.first_name}'s record.")
        return redirect("home")
    status = 400 if form is not None and form.errors else 200
    return render(request, "accounts/join_accept.html", context, status=status)


def _known_details(invitation) -> dict:
    return {
        "first_name": invitation.first_name,
        "last_name": invitation.last_name,
        "email": invitation.email,
        "username": invitation.email,
    }


def _new_account(form) -> invitations.NewAccount:
    data = form.cleaned_data
    return invitations.NewAccount(
        username=data["username"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        password=data["password1"],
    )
