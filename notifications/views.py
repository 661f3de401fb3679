"""Each person's messages and how they hear from us: pages for everyone who signs in, staff included."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.module_loading import import_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.forms import SERVICE_REFUSALS, add_refusal_to_form
from core.time import describe_moment

from . import selectors, services
from .forms import NotificationSettingsForm


def _is_reminded(user) -> bool:
    """Whether `user` is sent reminders, and so offered the daily digest. This app knows nothing of who is
    staff (DESIGN.md): the settings name the rule (NOTIFICATIONS_REMINDED_PEOPLE)."""
    return import_string(settings.NOTIFICATIONS_REMINDED_PEOPLE)(user)


@login_required
@require_GET
def inbox(request):
    page = Paginator(selectors.notifications_inbox(user=request.user), 20).get_page(request.GET.get("page"))
    rows = [{"notification": n, "when": describe_moment(n.created_at)} for n in page]
    context = {
        "page": page,
        "rows": rows,
        "unread": selectors.notifications_unread_count(user=request.user),
    }
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def inbox_open(request, pk):
    """Opening a message marks it read, then follows its link (only ever to a page of this site)."""
    notification = selectors.notification_inbox_get(user=request.user, notification_id=pk)
    services.notification_mark_read(notification=notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}, require_https=False):
        return redirect(link)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request):
    marked = services.notification_mark_all_read(user=request.user)
    messages.success(request, f"{marked} message{'s' if marked != 1 else ''} marked as read.")
    return redirect("inbox")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    staff = _is_reminded(request.user)
    preference = selectors.notification_preferences_get(user=request.user)
    initial = {
        "email_enabled": "yes" if preference.email_enabled else "no",
        "daily_digest": "yes" if preference.daily_digest else "no",
    }
    form = NotificationSettingsForm(request.POST if request.method == "POST" else None, staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        choices = {name: value == "yes" for name, value in form.cleaned_data.items()}
        try:
            services.notification_preferences_update(user=request.user, **choices)
        except SERVICE_REFUSALS as refused:
            add_refusal_to_form(form, refused)
        else:
            messages.success(request, "Your settings have been saved.")
            return redirect("notification-settings")
    return render(request, "notifications/settings.html", {"form": form},
                  status=400 if form.errors else 200)
