"""The officers' queues: their own cases and those they cover, and their team's, in the order things fall due.

An officer's own queue also holds the legal dates of the statutory processes they coordinate, as rows of
the same ordered, paginated list.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.time import UK_TIME, short_moment
from escalations.models import ClockKind
from escalations.selectors import ClockState, clock_readings

from ... import selectors
from ...api.filters import ORDERINGS, CaseFilter
from ...labels import STAFF_STATUS_LABELS
from ...models import Case, Officer
from ...permissions import (
    officer_of,
    teams_of,
)
from ..access import staff_only
from .forms import (
    QueueFilterForm,
)

QUEUE_PAGE_SIZE = 25
QUEUE_ORDERS = {
    "due": ORDERINGS["due"],
    "oldest": ORDERINGS["created"],
    "active": ("-updated_at", "-id"),
}
# A legal date counts to the end of its working day, as the concerns' working-day dates do.
LEGAL_DATE_FALLS_AT = time(17)


@dataclass(frozen=True)
class QueueDuty:
    """A dated duty of an officer held outside a case (a statutory process's legal date), for their queue.

    `text` says what is due and why: the step and the regulation that sets its date.
    """

    due_on: date
    child_name: str
    text: str
    link: str
    late: bool

    @property
    def due_at(self) -> datetime:
        return datetime.combine(self.due_on, LEGAL_DATE_FALLS_AT, tzinfo=UK_TIME)


# Other apps' duties of an officer, next due first, shown on their own queue among their cases. Each app
# registers a function `officer -> list[QueueDuty]` from its AppConfig.ready(), so casework never imports it.
QUEUE_DUTIES: list[Callable[[Officer], list[QueueDuty]]] = []


def queue_duties_from(provide: Callable[[Officer], list[QueueDuty]]) -> None:
    """Register an app's duties for the officers' queues."""
    if provide not in QUEUE_DUTIES:
        QUEUE_DUTIES.append(provide)


def queue_duties(officer: Officer | None) -> list[QueueDuty]:
    if officer is None:
        return []
    return sorted((duty for provide in QUEUE_DUTIES for duty in provide(officer)), key=lambda duty: duty.due_on)


class CasesWithDuties:
    """Cases in next-due order with an officer's duties slotted in by date, paginated by Django's Paginator.

    The duties are few (an officer's legal dates within a fortnight, or late); the cases may be thousands.
    One query places every duty among the cases, and a page reads only its own slice of cases, so a page
    costs the same few queries at 50 cases or 5,000.
    """

    def __init__(self, cases: QuerySet[Case], duties: list[QueueDuty]):
        self.cases = cases
        self.duties = duties
        self._positions: list[int] | None = None

    def count(self) -> int:
        return self.cases.count() + len(self.duties)

    def positions(self) -> list[int]:
        """Each duty's place in the whole queue: after every case due strictly before it."""
        if self._positions is None:
            earlier = self.cases.aggregate(
                **{f"d{i}": Count("pk", filter=Q(next_due_at__lt=duty.due_at)) for i, duty in enumerate(self.duties)}
            ) if self.duties else {}
            self._positions = [i + earlier[f"d{i}"] for i in range(len(self.duties))]
        return self._positions

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        positions = self.positions()
        on_page = {at: duty for at, duty in zip(positions, self.duties, strict=True) if start <= at < stop}
        first_case = start - sum(1 for at in positions if at < start)
        cases = iter(self.cases[first_case : first_case + (stop - start) - len(on_page)])
        rows = [on_page[at] if at in on_page else next(cases, None) for at in range(start, stop)]
        return [row for row in rows if row is not None]


@dataclass
class QueueRow:
    link: str
    reference: str
    child_name: str
    summary: str
    status: str
    officer_name: str
    due: str
    due_for: str
    tags: list[tuple[str, str]] = field(default_factory=list)  # (text, GOV.UK tag colour)
    case_id: int | None = None  # None for a duty held outside a case


def queue_rows(items, *, viewer: Officer | None, now: datetime) -> list[QueueRow]:
    """Each case or duty as a row. Reads only what `cases_visible_to` prefetched: no query per case."""
    today = timezone.localdate(now, UK_TIME)
    return [
        _duty_row(item, viewer) if isinstance(item, QueueDuty) else _case_row(item, viewer=viewer, now=now, today=today)
        for item in items
    ]


def _duty_row(duty: QueueDuty, viewer: Officer | None) -> QueueRow:
    return QueueRow(
        link=duty.link,
        reference="Statutory process",
        child_name=duty.child_name,
        summary=duty.text,
        status="Open",
        officer_name=viewer.display_name if viewer else "",
        due=duty.due_on.strftime("%-d %b %Y"),
        due_for="Legal date",
        tags=[("Late", "red")] if duty.late else [],
    )


def _case_row(case: Case, *, viewer: Officer | None, now: datetime, today: date) -> QueueRow:
    readings = clock_readings(case, now)
    breached = any(reading.ran_out for reading in readings)
    paused = any(reading.state == ClockState.PAUSED for reading in readings)
    tags = []
    if case.safeguarding:
        tags.append(("Safeguarding", "red"))
    if breached:
        tags.append(("Overdue", "red"))
    elif case.next_due_at and timezone.localdate(case.next_due_at, UK_TIME) == today and case.is_open:
        tags.append(("Due today", "orange"))
    if paused:
        tags.append(("Waiting for family", "yellow"))
    cover = selectors.cover_in_force(case.accountable_officer)
    if cover:
        if viewer is not None and cover.cover_officer_id == viewer.pk:
            tags.append(("Covering", "purple"))
        else:
            tags.append((f"Covered by {cover.cover_officer.display_name}", "purple"))
    running = [r for r in readings if r.state in (ClockState.RUNNING, ClockState.BREACHED)]
    next_up = min(running, key=lambda reading: reading.due) if case.is_open and not paused and running else None
    return QueueRow(
        link=reverse("staff-case", args=[case.pk]),
        reference=case.reference,
        child_name=case.child.display_name,
        summary=case.summary,
        status=STAFF_STATUS_LABELS[case.status],
        officer_name=case.accountable_officer.display_name,
        due=short_moment(next_up.due) if next_up else "",
        due_for=ClockKind(next_up.kind).label if next_up else "",
        tags=tags,
        case_id=case.pk,
    )


@staff_only
@require_GET
def queue(request):
    """Your queue: the cases you are the named officer for, and those you are covering (the API's `mine=true`),
    with the legal dates of the processes you coordinate."""
    return _queue(request, mine=True)


@staff_only
@require_GET
def team_queue(request):
    """Every case of your team (of the teams you manage, for a manager)."""
    return _queue(request, mine=False)


def _queue(request, *, mine: bool):
    user = request.user
    officer = officer_of(user)
    form = QueueFilterForm(request.GET if _filters_sent(request) else None)
    cases = selectors.cases_visible_to(user)
    params = form.case_filter_data()
    if mine:
        params["mine"] = "true"
    elif officer is not None:
        cases = cases.filter(team__in=teams_of(officer))
    sort = form.sort_key()
    filtered = CaseFilter(data=params, queryset=cases, request=request).qs
    filtered = selectors.cases_matching(filtered, form.search_text()).order_by(*QUEUE_ORDERS[sort])
    # Legal dates are dates, not cases: they join the queue only when it is in date order and not narrowed.
    with_duties = mine and sort == "due" and not form.narrows_cases()
    items = CasesWithDuties(filtered, queue_duties(officer) if with_duties else [])
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/staff/queue.html",
        {
            "mine": mine,
            "title": "Your queue" if mine else "Team queue",
            "form": form,
            "page": page,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "rows": queue_rows(page.object_list, viewer=officer, now=timezone.now()),
            "filtered": bool(form.is_bound),
            "with_duties": with_duties,
            "duty_count": len(items.duties),
            "case_count": page.paginator.count - len(items.duties),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _filters_sent(request) -> bool:
    return any(name in request.GET for name in QueueFilterForm.base_fields)
