"""Pages shared by every kind of user. Thin: each finds what the signed-in person may see and calls one service."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_http_methods

from config.errors import Conflict, NotAllowed

from . import selectors, services
from .models import Case
from .navigation import start_page_for
from .permissions import is_staff_member


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
    context = {"case": case, "errors": [], "answered": False, "waiting": case.status == Case.Status.RESOLVED}
    if request.method == "POST":
        fixed = request.POST.get("fixed") == "yes"
        try:
            services.case_follow_up_answer(
                actor=request.user, case=case, fixed=fixed, text=request.POST.get("text", "")
            )
        except ValidationError as invalid:
            context["errors"] = invalid.messages
        except (Conflict, NotAllowed) as refused:
            context["errors"] = [refused.detail]
        else:
            context.update(answered=True, fixed=fixed)
    return render(request, "casework/was_it_fixed.html", context, status=400 if context["errors"] else 200)
