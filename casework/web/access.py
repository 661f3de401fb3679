"""Who may open which pages: staff pages answer 403 to families, manager pages 403 to officers.

A case or officer outside someone's teams answers 404 on every page, exactly as the API does: that is the
selectors' work, not these decorators'.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from ..permissions import (
    is_staff_member,
    may_read_reports,
)


def staff_only(view):
    """Signed in and a member of staff; a family member gets 403."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied("These pages are for council staff.")
        return view(request, *args, **kwargs)

    return login_required(check)


def managers_only(view):
    """Signed in as an active manager (or an administrator); officers and families get 403."""

    @wraps(view)
    def check(request, *args, **kwargs):
        if not may_read_reports(request.user):
            raise PermissionDenied("These pages are for managers.")
        return view(request, *args, **kwargs)

    return login_required(check)


def family_only(view):
    """Signed in, and not staff: staff are sent to their own view of the same thing."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if is_staff_member(request.user):
            if "pk" in kwargs:
                return redirect("case-page", pk=kwargs["pk"])
            return redirect("home")
        return view(request, *args, **kwargs)

    return login_required(page)
