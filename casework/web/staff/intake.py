"""Logging a concern for a family who rang, wrote or came in: find the child, then log it on their behalf."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import SERVICE_REFUSALS, add_refusal_to_form

from ... import selectors, services
from ...permissions import officer_of
from ..access import staff_only
from .forms import ChildSearchForm, StaffLogForm

# Enough to pick a child from; a longer list means the search should be narrower.
CHILDREN_SHOWN = 20


@staff_only
@require_GET
def find_child(request):
    form = ChildSearchForm(request.GET if "q" in request.GET else None)
    children = []
    if form.is_bound and form.is_valid():
        children = list(selectors.children_loggable_by_named(request.user, form.cleaned_data["q"])[:CHILDREN_SHOWN])
    return render(
        request,
        "casework/staff/log_find_child.html",
        {"form": form, "children": children, "searched": form.is_bound and form.is_valid(), "limit": CHILDREN_SHOWN},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_only
@require_http_methods(["GET", "POST"])
def log_for_child(request, child_id):
    child = selectors.child_loggable_by(request.user, child_id)
    if child is None or officer_of(request.user) is None:
        raise Http404("No such child.")
    form = StaffLogForm(request.POST if request.method == "POST" else None, categories=selectors.categories_active())
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_log(
                    actor=request.user, child_id=child.pk, category_slug=data["category"].pk, summary=data["summary"],
                    description=data["description"], safeguarding=data["safeguarding"],
                    contact_method=data["contact_method"],
                )
            except SERVICE_REFUSALS as refused:
                status = add_refusal_to_form(form, refused)
            else:
                messages.success(
                    request, f"Concern {case.reference} logged. {case.accountable_officer.display_name} is the named officer."
                )
                # Routing may send it to another team, out of this officer's sight: then their queue is the place to go.
                if not selectors.cases_visible_to(request.user).filter(pk=case.pk).exists():
                    return redirect("staff-queue")
                return redirect("staff-case", pk=case.pk)
    return render(request, "casework/staff/log_for_child.html", {"form": form, "child": child}, status=status)
