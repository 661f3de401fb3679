"""The managers' officers pages: who is in their teams, offboarding a leaver, and arranging cover."""

from dataclasses import dataclass
from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import Conflict
from core.forms import SERVICE_REFUSALS, add_refusal_to_form
from core.time import describe_moment
from escalations.working_days import end_of_working_day, start_of_working_day

from ... import selectors, staffing
from ...labels import STAFF_STATUS_LABELS
from ...models import Case, Cover, Officer
from ...permissions import (
    officer_of,
    outranks,
    senior_managers_answering_to,
    teams_reported_to,
)
from ...routing import routing_offboard_preview
from ..access import managers_only
from .forms import (
    CoverForm,
    MoveCasesForm,
    OffboardForm,
    OffboardPreviewForm,
)
from .queue import QUEUE_ORDERS, QUEUE_PAGE_SIZE, queue_rows


def officers_managed_by(user):
    """The officers of the teams a manager oversees, and the senior managers with no team who answer to
    them, with open case counts and any cover running now."""
    managed = Q(team__in=teams_reported_to(user)) | Q(pk__in=senior_managers_answering_to(user).values("pk"))
    return (
        selectors.officers_visible_to(user)
        .filter(managed)
        .prefetch_related(
            Prefetch(
                "covers",
                queryset=Cover.objects.in_force().select_related("cover_officer__user"),
                to_attr="covers_in_force",
            )
        )
        .order_by("team__name", "-active", "user__last_name", "user__first_name", "pk")
    )


@dataclass
class PreviewRow:
    case: Case
    status: str
    officer: Officer | None
    why: str


def _managed_officer(user, pk) -> Officer:
    """An officer `user` manages and stands above: nobody acts on someone at or above their own level."""
    officer = officers_managed_by(user).filter(pk=pk).first()
    if officer is None or not outranks(user, officer):
        raise Http404("No officer found.")
    return officer


# Heads of service and directors belong to no team: the officers page lists them under this heading.
SENIOR_MANAGERS = "Senior managers"


@managers_only
@require_GET
def officers(request):
    rows = [_officer_row(officer, request.user) for officer in officers_managed_by(request.user)]
    return render(request, "casework/staff/officers.html", {"rows": rows})


def _officer_row(officer: Officer, user) -> dict:
    cover = selectors.cover_in_force(officer)
    return {
        "officer": officer,
        "cover": cover,
        "cover_until": describe_moment(cover.ends_at) if cover else "",
        "may_act": outranks(user, officer),
        "group": officer.team.name if officer.team else SENIOR_MANAGERS,
    }


@managers_only
@require_http_methods(["GET", "POST"])
def officer_cases(request, pk):
    """One officer's cases, next due first, for a manager over them; a chosen set can be moved to another officer."""
    user = request.user
    officer = _managed_officer(user, pk)
    cases = (
        selectors.cases_visible_to(user)
        .filter(accountable_officer=officer, status__in=Case.OWNED_STATES)
        .order_by(*QUEUE_ORDERS["due"])
    )
    takers = selectors.officers_visible_to(user).filter(active=True).exclude(pk=officer.pk)
    form = MoveCasesForm(request.POST if request.method == "POST" else None, cases=cases, officers=takers)
    status = 200
    if form.is_bound:
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                moved = staffing.cases_reassign(
                    actor=user, case_ids=[case.pk for case in data["cases"]], officer=data["officer"], note=data["note"]
                )
            except SERVICE_REFUSALS as refused:
                status = add_refusal_to_form(form, refused)
            else:
                messages.success(
                    request,
                    f"{moved} case{'s' if moved != 1 else ''} moved to {data['officer'].display_name}. "
                    "They and each family have been told.",
                )
                return redirect("manager-officer-cases", pk=officer.pk)
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    chosen = {str(value) for value in form["cases"].value() or []} if form.is_bound else set()
    return render(
        request,
        "casework/staff/officer_cases.html",
        {
            "officer": officer,
            "form": form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": queue_rows(page.object_list, viewer=officer_of(user), now=timezone.now()),
            "chosen": chosen,
        },
        status=status,
    )


CHANGED_SINCE_PREVIEW = (
    "You changed who should take the cases after the preview. Check where each case would go now, "
    "then hand them over."
)


@managers_only
@require_http_methods(["GET", "POST"])
def offboard(request, pk):
    """One form: who takes the cases, where each would go, a note, then confirm.

    Offboarding acts on the successor the form says when it is sent. If that is not the one previewed
    (the list was changed without pressing "Show where the cases would go"), nothing is handed over and
    the preview is shown again for the new choice (409), so the manager sees where the cases would go.
    """
    user = request.user
    leaver = _managed_officer(user, pk)
    successors = selectors.officers_visible_to(user).filter(active=True).exclude(pk=leaver.pk)
    status = 200
    failed = None
    successor = None
    if request.method == "POST":
        form = OffboardForm(request.POST, successors=successors)
        valid = form.is_valid()
        # A missing note must not lose the successor chosen: the page shows where the cases would go.
        successor = form.cleaned_data.get("successor")
        if "preview" in request.POST:
            if "successor" in form.errors:
                failed, status = form, 400
            else:
                form = OffboardForm(initial={**form.cleaned_data, "note": request.POST.get("note", "")},
                                    successors=successors)
        elif valid and form.changed_since_the_preview():
            form.add_error("successor", CHANGED_SINCE_PREVIEW)
            failed, status = form, 409
        elif valid:
            try:
                result = staffing.officer_offboard(
                    actor=user, officer=leaver, successor=successor, note=form.cleaned_data["note"]
                )
            except Conflict as refused:
                status = add_refusal_to_form(form, refused)
                for unplaced in refused.data.get("cases", []):
                    form.add_error(None, f"{unplaced['case']}: {unplaced['reason']}")
                failed = form
            except SERVICE_REFUSALS as refused:
                status = add_refusal_to_form(form, refused)
                failed = form
            else:
                messages.success(request, f"{leaver.display_name}: {result.detail}")
                return redirect("manager-officers")
        else:
            failed, status = form, 400
    else:
        chooser = OffboardPreviewForm(request.GET if "successor" in request.GET else None, successors=successors)
        if chooser.is_bound and chooser.is_valid():
            successor = chooser.cleaned_data["successor"]
        elif chooser.is_bound:
            failed = chooser
            status = 400
        form = OffboardForm(initial={"successor": successor.pk if successor else ""}, successors=successors)
    preview = (
        [
            PreviewRow(p.case, STAFF_STATUS_LABELS[p.case.status], p.officer, p.why)
            for p in routing_offboard_preview(leaver=leaver, successor=successor)
        ]
        if leaver.active
        else []
    )
    unplaced = [row for row in preview if row.officer is None]
    return render(
        request,
        "casework/staff/offboard.html",
        {
            "leaver": leaver,
            "successor": successor,
            "confirm": form,
            "form": failed,
            "preview": preview,
            "unplaced": unplaced,
        },
        status=status,
    )


@managers_only
@require_http_methods(["GET", "POST"])
def cover(request, pk):
    """A manager arranges cover, now or from a later day: someone else picks up an absent officer's cases until a date."""
    user = request.user
    officer = _managed_officer(user, pk)
    form = CoverForm(request.POST if request.method == "POST" else None, cover_officers=_cover_choices(user, officer))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            starts_at = _cover_starts(form.cleaned_data["from"])
            # "Until Friday" means to the end of Friday's working day, as a deadline would.
            ends_at = end_of_working_day(form.cleaned_data["until"])
            try:
                staffing.cover_set(
                    actor=user,
                    officer=officer,
                    cover_officer=form.cleaned_data["cover_officer"],
                    starts_at=starts_at,
                    ends_at=ends_at,
                )
            except SERVICE_REFUSALS as refused:
                status = add_refusal_to_form(form, refused, {"ends_at": "until_day", "starts_at": "from_day"})
            else:
                messages.success(request, _cover_arranged_message(form.cleaned_data["cover_officer"], officer,
                                                                  starts_at=starts_at, ends_at=ends_at))
                return redirect("manager-officers")
    return _cover_page(request, officer, form=form, shown=form if form.is_bound else None, status=status)


def _cover_starts(first_day: date | None) -> datetime:
    """Now, or the start of the first day's working day: cover never starts before it is arranged."""
    now = timezone.now()
    if first_day is None:
        return now
    return max(start_of_working_day(first_day), now)


def _cover_arranged_message(cover_officer: Officer, officer: Officer, *, starts_at: datetime, ends_at: datetime) -> str:
    cases = f"{officer.display_name}'s cases"
    if starts_at > timezone.now():
        return (f"{cover_officer.display_name} will cover {cases} from {describe_moment(starts_at)} "
                f"until {describe_moment(ends_at)}.")
    return f"{cover_officer.display_name} is covering {cases} until {describe_moment(ends_at)}."


@managers_only
@require_POST
def cover_end(request, pk, cover_id):
    """A manager ends cover early, or cancels cover still to come, from the cover page's list."""
    officer = _managed_officer(request.user, pk)
    cover = get_object_or_404(officer.covers.select_related("cover_officer__user"), pk=cover_id)
    try:
        ended = staffing.cover_end(actor=request.user, cover=cover)
    except SERVICE_REFUSALS as refused:
        # Someone else ended it, or it ran out, while the page was open: say so on the page as it now stands.
        refusal = forms.Form(data={})
        status = add_refusal_to_form(refusal, refused)
        return _cover_page(request, officer, form=CoverForm(cover_officers=_cover_choices(request.user, officer)),
                           shown=refusal, status=status)
    covering, cases = cover.cover_officer.display_name, f"{officer.display_name}'s cases"
    if ended.cancelled:
        messages.success(request, f"Cover cancelled: {covering} will not be covering {cases} after all.")
    else:
        messages.success(request, f"{covering} is no longer covering {cases}.")
    return redirect("manager-cover", pk=officer.pk)


def _cover_choices(user, officer: Officer):
    return selectors.officers_visible_to(user).filter(active=True).exclude(pk=officer.pk)


def _cover_page(request, officer: Officer, *, form, shown, status: int):
    """The cover page: the form to arrange cover, and the cover already arranged, each with a button to end it.

    `shown` is the form whose errors the summary at the top lists, if any.
    """
    now = timezone.now()
    covers = officer.covers.not_over(now).select_related("cover_officer__user")
    return render(
        request,
        "casework/staff/cover.html",
        {
            "officer": officer,
            "form": shown,
            "cover_form": form,
            "first_day": _date_input(form, "from"),
            "last_day": _date_input(form, "until"),
            "covers": [
                {"pk": cover.pk, "by": cover.cover_officer.display_name, "when": _cover_period(cover, now)}
                for cover in covers.order_by("starts_at")
            ],
        },
        status=status,
    )


def _date_input(form, prefix: str) -> dict:
    """One GOV.UK date input of the cover form: its day, month and year boxes and any error, for the template."""
    return {
        "id": prefix,
        "parts": [(form[f"{prefix}_day"], "Day", 2), (form[f"{prefix}_month"], "Month", 2), (form[f"{prefix}_year"], "Year", 4)],
        "error": (form.errors.get(f"{prefix}_day") or [None])[0] if form.is_bound else None,
    }


def _cover_period(cover: Cover, now: datetime) -> str:
    """When cover runs, in words: the start only if it is still to come."""
    if cover.starts_at > now:
        return f"From {describe_moment(cover.starts_at)} until {describe_moment(cover.ends_at)}"
    return f"Covering now, until {describe_moment(cover.ends_at)}"
