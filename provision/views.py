"""The provision pages: each child's support and what was delivered (families, staff, providers), recording a
session, the family saying a session did not happen, and the providers' weekly register. Thin: reads through
the selectors, writes through the services."""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from core.exceptions import Conflict, NotAllowed

from . import selectors, services
from .duties import duty_in_words
from .ending import support_ending_decide
from .forms import DisputeForm, EndingDecisionForm, ObligationForm, SessionForm
from .models import Delivery, SupportEnding
from .permissions import is_family_of, may_record_delivery, may_set_obligation, provider_staff_of

REFUSALS = (ValidationError, Conflict, NotAllowed)
ITEMS_PAGE_SIZE = 25


@login_required
def items(request):
    """The items the person may see, a page at a time, with this term's count: a family's children's, their
    organisation's for staff, or those a provider delivers."""
    page = Paginator(selectors.provision_items_visible_to(request.user), ITEMS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    summaries = selectors.summaries_for(page.object_list, today=services.uk_today())
    return render(
        request,
        "provision/items.html",
        {
            "rows": [{"item": item, "summary": summaries[item.pk], "duty": duty_in_words(item)} for item in page],
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number),
            "provider": provider_staff_of(request.user),
        },
    )


@login_required
def item(request, pk):
    """One item: the plan, who answers for it, this term's count and every session recorded."""
    item = selectors.provision_item_get_for_user(request.user, pk)
    may_record = may_record_delivery(request.user, item)
    form = SessionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("Only the provider or the body answerable for this support can record sessions.")
        status = 400
        if form.is_valid():
            try:
                services.delivery_record(actor=request.user, item=item, **form.cleaned_data)
            except REFUSALS as refused:
                _put_on_form(form, refused)
            else:
                messages.success(request, "The session has been recorded.")
                return redirect("provision-item", pk=item.pk)
    summary = selectors.summaries_for([item], today=services.uk_today())[item.pk]
    context = {
        "item": item,
        "summary": summary,
        "duty": duty_in_words(item),
        "deliveries": selectors.deliveries_of(item)[:60],
        "form": form if may_record else None,
        "family": is_family_of(request.user, item),
        "ending": _ending_of(item),
        "may_decide": may_set_obligation(request.user, item),
    }
    return render(request, "provision/item.html", context, status=status)


@login_required
def obligation(request, pk):
    """Staff of the responsible body record the plan's amount and dates, so its delivery can be counted."""
    item = selectors.provision_item_get_for_user(request.user, pk)
    if not may_set_obligation(request.user, item):
        raise PermissionDenied("Only staff of the body answerable for this support can record its amount.")
    initial = {
        "responsible_body": item.responsible_body_id,
        "provider_organisation": item.provider_organisation_id,
        "sessions": item.sessions,
        "per": item.per,
        "minutes": item.minutes,
        "term_time_only": item.term_time_only,
        "starts_on": item.starts_on,
        "ends_on": item.ends_on,
    }
    form = ObligationForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.provision_obligation_set(actor=request.user, item=item, **form.cleaned_data)
            except REFUSALS as refused:
                _put_on_form(form, refused)
            else:
                messages.success(request, "The plan's amount and dates have been recorded.")
                return redirect("provision-item", pk=item.pk)
    return render(request, "provision/obligation.html", {"item": item, "form": form}, status=status)


@login_required
def ending_decide(request, pk):
    """Staff of the responsible body record what happens when the item ends, with the reason the family sees."""
    item = selectors.provision_item_get_for_user(request.user, pk)
    if not may_set_obligation(request.user, item):
        raise PermissionDenied("Only staff of the body answerable for this support can decide what happens next.")
    form = EndingDecisionForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                support_ending_decide(actor=request.user, item=item, **form.cleaned_data)
            except REFUSALS as refused:
                status = 409 if isinstance(refused, Conflict) else 400
                _put_on_form(form, refused)
            else:
                messages.success(request, "The decision has been recorded. The family can see it and the reason.")
                return redirect("provision-item", pk=item.pk)
    return render(request, "provision/ending.html", {"item": item, "form": form}, status=status)


def _ending_of(item) -> SupportEnding | None:
    try:
        return item.ending
    except SupportEnding.DoesNotExist:
        return None


@login_required
def dispute(request, pk):
    """The family says a recorded session did not happen: a concern on the item, with their words."""
    delivery = selectors.delivery_get_for_user(request.user, pk)
    if not is_family_of(request.user, delivery.item):
        raise PermissionDenied("Only the child's family can say a session did not happen.")
    form = DisputeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case = services.delivery_dispute(actor=request.user, delivery=delivery, text=form.cleaned_data["text"])
            except REFUSALS as refused:
                status = 409 if isinstance(refused, Conflict) else 400
                _put_on_form(form, refused)
            else:
                messages.success(request, f"Thank you. We have raised a concern: {case.reference}.")
                return redirect("case-page", pk=case.pk)
    return render(request, "provision/dispute.html", {"delivery": delivery, "form": form}, status=status)


@login_required
def register(request):
    """The providers' weekly register: a session for each of their items in one go, all recorded or none."""
    if provider_staff_of(request.user) is None:
        raise PermissionDenied("The register is for the staff of an organisation that provides support.")
    week = _week_from(request.GET.get("week"))
    rows = list(selectors.provision_items_visible_to(request.user))
    days = [week + timedelta(days=n) for n in range(5)]
    recorded = {
        (d.item_id, d.on): d
        for d in Delivery.objects.filter(item__in=rows, on__gte=week, on__lte=week + timedelta(days=6))
    }
    entered, errors, status = {}, {}, 200
    if request.method == "POST":
        entries, entered, errors = _register_entries(request.POST, rows, days)
        if not errors and entries:
            try:
                services.deliveries_record_week(actor=request.user, entries=entries)
            except services.RegisterRefused as refused:
                errors = {entries[i]["item"].pk: e for i, e in enumerate(refused.entries) if e}
            except REFUSALS as refused:
                errors = {None: _messages_of(refused)}
            else:
                messages.success(request, f"{len(entries)} session{'s' if len(entries) != 1 else ''} recorded.")
                return redirect(f"{request.path}?week={week.isoformat()}")
        elif not entries and not errors:
            errors = {None: {"status": ["Choose what happened for at least one session."]}}
        status = 400
    table = [
        {
            "item": item,
            "recorded": [recorded[(item.pk, day)] for day in days if (item.pk, day) in recorded],
            "entered": entered.get(item.pk, {}),
            "errors": errors.get(item.pk, {}),
        }
        for item in rows
    ]
    context = {
        "week": week,
        "days": days,
        "table": table,
        "form_errors": errors.get(None, {}),
        "has_errors": bool(errors),
        "previous_week": (week - timedelta(weeks=1)).isoformat(),
        "next_week": (week + timedelta(weeks=1)).isoformat()
        if week + timedelta(weeks=1) <= services.uk_today()
        else None,
    }
    return render(request, "provision/register.html", context, status=status)


def _week_from(text: str | None) -> date:
    today = services.uk_today()
    try:
        chosen = date.fromisoformat(text) if text else today
    except ValueError:
        chosen = today
    chosen = min(chosen, today)
    return chosen - timedelta(days=chosen.weekday())


def _register_entries(data, rows, days) -> tuple[list[dict], dict, dict]:
    """The register's rows that say what happened, as entries for the service; and what each row said."""
    entries, entered, errors = [], {}, {}
    by_iso = {day.isoformat(): day for day in days}
    for item in rows:
        status = data.get(f"status-{item.pk}", "")
        values = {
            "status": status,
            "on": data.get(f"on-{item.pk}", ""),
            "minutes": data.get(f"minutes-{item.pk}", ""),
            "reason": data.get(f"reason-{item.pk}", ""),
        }
        entered[item.pk] = values
        if not status:
            continue
        problems = {}
        if values["on"] not in by_iso:
            problems["on"] = ["Choose the day of the session"]
        minutes = None
        if values["minutes"]:
            if not values["minutes"].isdecimal():
                problems["minutes"] = ["Enter minutes as a whole number, like 45"]
            else:
                minutes = int(values["minutes"])
        if problems:
            errors[item.pk] = problems
            continue
        entries.append(
            {"item": item, "on": by_iso[values["on"]], "status": status, "minutes": minutes, "reason": values["reason"]}
        )
    return entries, entered, errors


def _messages_of(refused) -> dict[str, list[str]]:
    if isinstance(refused, ValidationError) and hasattr(refused, "error_dict"):
        return refused.message_dict
    return {"__all__": [getattr(refused, "detail", None) or " ".join(getattr(refused, "messages", [str(refused)]))]}


def _put_on_form(form, refused) -> None:
    for field, texts in _messages_of(refused).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)
