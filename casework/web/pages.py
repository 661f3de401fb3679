"""Pages shared by every kind of user. Thin: each finds what the signed-in person may see and calls one service."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from core.forms import SERVICE_REFUSALS, refusal_messages

from .. import selectors, services
from ..permissions import is_staff_member
from .family.forms import WasItFixedForm
from .navigation import start_page_for


@login_required
def home(request):
    """Each kind of user starts on their own page: families their concerns, officers their queue."""
    start = start_page_for(request.user)
    return redirect(start) if start else render(request, "pages/home.html")


@login_required
def case_page(request, pk):
    """Where links in emails and the inbox lead: the family's or the staff view of the case."""
    case = selectors.case_get_for_user(request.user, pk)
    page = "staff-case" if is_staff_member(request.user) else "family-concern"
    try:
        return redirect(reverse(page, args=[case.pk]))
    except NoReverseMatch:
        return redirect(reverse("api-case", args=[case.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def was_it_fixed(request, pk):
    """Four weeks after resolution: one click to say the problem is still fixed, or what is wrong now."""
    case = selectors.case_get_for_user(request.user, pk)
    # Only the family answers (the service refuses anyone else): staff who follow the link are told so.
    context = {
        "case": case,
        "errors": [],
        "answered": False,
        "waiting": case.awaits_was_it_fixed,
        "staff": is_staff_member(request.user),
    }
    if request.method == "POST":
        form = WasItFixedForm(request.POST)
        # What they typed is shown again with any error, so a worried parent does not have to write it twice.
        context["text"] = request.POST.get("text", "")
        if form.is_valid():
            context["errors"] = _follow_up_refusals(request.user, case, form.cleaned_data)
            context.update(answered=not context["errors"], fixed=form.cleaned_data["fixed"] == "yes")
        else:
            context["errors"] = [error for errors in form.errors.values() for error in errors]
    return render(request, "casework/was_it_fixed.html", context, status=400 if context["errors"] else 200)


def _follow_up_refusals(actor, case, answer: dict) -> list[str]:
    """Record the family's answer; returns why it was refused, if it was."""
    try:
        services.case_follow_up_answer(actor=actor, case=case, fixed=answer["fixed"] == "yes", text=answer["text"])
    except SERVICE_REFUSALS as refused:
        return [text for texts in refusal_messages(refused).values() for text in texts]
    return []
