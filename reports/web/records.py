"""The figures on the dashboard that count things other than cases link to those things: escalations,
handovers, sessions of provision, provision items with nothing recorded, and the gaps the sweep found.

Each list is read with the selector its figure was counted with, so it holds as many rows as the figure says,
and each row links to its case or provision item. Paginated like the lists of cases (`figures.figure_cases`).
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from casework.models import CaseEvent, Officer
from casework.web.access import managers_only
from core.time import short_moment
from escalations.models import ClockKind
from provision.models import Delivery

from ..accountability import escalations_behind, handovers_behind
from ..delivery import gaps_in, in_group, items_reported_to, nothing_recorded, running_items, sessions_in
from ..selectors import cases_reported_to
from .figures import CASES_A_PAGE, officers_chosen
from .forms import DeliveryFigureForm, EscalationsFigureForm, HandoversFigureForm, SessionsFigureForm

SIDE_WORDS = {"in": "handed to", "out": "handed on by"}


@dataclass(frozen=True)
class Cell:
    text: str
    link: str = ""


def _case_cell(case) -> Cell:
    return Cell(case.reference, reverse("staff-case", args=[case.pk]))


def _item_cell(item) -> Cell:
    return Cell(item.description, reverse("provision-item", args=[item.pk]))


def _listing(request, form, *, noun: str, headers: list[str], rows_of, what_of):
    """The page of a figure's rows: 400 on a link that names no figure; otherwise `rows_of(cleaned data)` gives
    the queryset, listed a page at a time, each row's cells made by `rows_of`'s second part."""
    if not form.is_valid():
        return render(request, "reports/figure_records.html", {"form": form, "noun": noun}, status=400)
    records, cells_of = rows_of(form.cleaned_data)
    page = Paginator(records, CASES_A_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/figure_records.html",
        {
            "form": form,
            "noun": noun,
            "what": what_of(form.cleaned_data),
            "headers": headers,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": cells_of(list(page)),
        },
    )


@managers_only
@require_GET
def escalations(request):
    """The escalations behind an officer's or a team's escalation figure."""

    def rows_of(asked):
        alerts = escalations_behind(
            cases_reported_to(request.user), officers=officers_chosen(request.user, asked), level=asked["level"]
        )
        ordered = alerts.select_related("case__child", "clock", "recipient__user", "owner__user").order_by(
            "-created_at", "-pk"
        )
        return ordered, lambda page: [
            [
                _case_cell(alert.case),
                Cell(alert.case.child.display_name),
                Cell(short_moment(alert.created_at)),
                Cell(ClockKind(alert.clock.kind).label),
                Cell(str(alert.level)),
                Cell(f"{alert.recipient.display_name} ({alert.get_recipient_role_display()})"),
                Cell(alert.owner.display_name),
            ]
            for alert in page
        ]

    return _listing(
        request,
        EscalationsFigureForm(request.GET),
        noun="escalation",
        headers=["Case", "Child", "When", "Promise missed", "Level", "Who was told", "Named officer then"],
        rows_of=rows_of,
        what_of=lambda asked: "Escalations while "
        + _whose(asked)
        + (f" was the named officer, level {asked['level']}" if asked["level"] else " was the named officer"),
    )


@managers_only
@require_GET
def handovers(request):
    """The handovers and reassignments behind a "handed to them" or "handed on" figure."""

    def rows_of(asked):
        events = handovers_behind(
            cases_reported_to(request.user), officers=officers_chosen(request.user, asked), side=asked["side"]
        )
        ordered = events.select_related("case__child").order_by("-at", "-pk")
        return ordered, _handover_cells

    return _listing(
        request,
        HandoversFigureForm(request.GET),
        noun="handover",
        headers=["Case", "Child", "When", "How", "From", "To"],
        rows_of=rows_of,
        what_of=lambda asked: f"Cases {SIDE_WORDS[asked['side']]} {_whose(asked)}",
    )


def _handover_cells(page: list[CaseEvent]) -> list[list[Cell]]:
    """One query for the officers the page's handovers name, whatever their number."""
    ids = {event.data.get(key) for event in page for key in ("from_officer_id", "to_officer_id")}
    names = {officer.pk: officer.display_name for officer in Officer.objects.filter(pk__in=ids - {None}).select_related("user")}
    return [
        [
            _case_cell(event.case),
            Cell(event.case.child.display_name),
            Cell(short_moment(event.at)),
            Cell(event.get_kind_display()),
            Cell(names.get(event.data.get("from_officer_id"), "No one")),
            Cell(names.get(event.data.get("to_officer_id"), "No one")),
        ]
        for event in page
    ]


def _whose(asked: dict) -> str:
    return "this officer" if asked["officer"] else "an officer of this team"


@managers_only
@require_GET
def sessions(request):
    """The sessions behind a provider's delivered, missed or called-off figure."""

    def rows_of(asked):
        chosen = in_group(
            sessions_in(items_reported_to(request.user), asked["first_day"], asked["last_day"]),
            group_by="provider", key=asked["provider"], path="item__",
        ).filter(status=asked["status"])
        ordered = chosen.select_related("item__ehcp__child", "dispute_case").order_by("-on", "-pk")
        return ordered, lambda page: [
            [
                Cell(f"{session.on:%-d %b %Y}"),
                Cell(session.item.ehcp.child.display_name),
                _item_cell(session.item),
                Cell(session.get_status_display()),
                _case_cell(session.dispute_case) if session.dispute_case else Cell("None"),
            ]
            for session in page
        ]

    return _listing(
        request,
        SessionsFigureForm(request.GET),
        noun="session",
        headers=["Day", "Child", "Provision", "Recorded as", "Concern about it"],
        rows_of=rows_of,
        what_of=lambda asked: f"Sessions recorded as {Delivery.Status(asked['status']).label.lower()}, "
        + _period_and_provider(asked),
    )


@managers_only
@require_GET
def items(request):
    """The provision items behind a provider's "items with nothing recorded" figure."""

    def rows_of(asked):
        first_day, last_day = asked["first_day"], asked["last_day"]
        chosen = in_group(
            running_items(items_reported_to(request.user), first_day, last_day),
            group_by="provider", key=asked["provider"],
        ).filter(nothing_recorded(first_day, last_day))
        ordered = chosen.select_related("ehcp__child").order_by("ehcp__child__last_name", "pk")
        return ordered, lambda page: [
            [
                _item_cell(item),
                Cell(item.ehcp.child.display_name),
                Cell(item.get_section_display()),
                Cell(f"{item.starts_on:%-d %b %Y}" + (f" to {item.ends_on:%-d %b %Y}" if item.ends_on else " onwards")),
            ]
            for item in page
        ]

    return _listing(
        request,
        DeliveryFigureForm(request.GET),
        noun="item",
        headers=["Provision", "Child", "Section of the plan", "Runs"],
        rows_of=rows_of,
        what_of=lambda asked: "Provision with no session recorded, " + _period_and_provider(asked),
    )


@managers_only
@require_GET
def gaps(request):
    """The concerns the gap sweep raised behind a provider's "concerns raised by gaps" figure: one a gap."""

    def rows_of(asked):
        chosen = in_group(
            gaps_in(items_reported_to(request.user), asked["first_day"], asked["last_day"]),
            group_by="provider", key=asked["provider"], path="item__",
        )
        ordered = chosen.select_related("case", "item__ehcp__child").order_by("-through", "-pk")
        return ordered, lambda page: [
            [
                _case_cell(gap.case),
                Cell(gap.item.ehcp.child.display_name),
                _item_cell(gap.item),
                Cell(gap.get_rule_display()),
                Cell(f"{gap.through:%-d %b %Y}"),
            ]
            for gap in page
        ]

    return _listing(
        request,
        DeliveryFigureForm(request.GET),
        noun="concern",
        headers=["Case", "Child", "Provision", "What the sweep found", "Evidence up to"],
        rows_of=rows_of,
        what_of=lambda asked: "Concerns raised by gaps in provision, " + _period_and_provider(asked),
    )


def _period_and_provider(asked: dict) -> str:
    provider = (
        "with no provider recorded" if asked["provider"] is None else "of this provider"
    )
    return f"{asked['first_day']:%-d %B %Y} to {asked['last_day']:%-d %B %Y}, {provider}"
