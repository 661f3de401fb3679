"""The officers' queues: their own cases and those they cover, and their team's, in the order things fall due."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.time import UK_TIME, short_moment
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


@dataclass(frozen=True)
class QueueDuty:
    """A dated duty of an officer held outside a case (a statutory process's legal date), for their queue."""

    due_on: date
    child_name: str
    text: str
    link: str
    late: bool


# Other apps' duties of an officer, next due first, shown on their own queue beside their cases. Each app
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


@dataclass
class QueueRow:
    case: Case
    status: str
    due: str
    tags: list[tuple[str, str]] = field(default_factory=list)  # (text, GOV.UK tag colour)


def queue_rows(cases, *, viewer: Officer | None, now: datetime) -> list[QueueRow]:
    """Each case with its tags. Reads only what `cases_visible_to` prefetched: no query per case."""
    today = timezone.localdate(now, UK_TIME)
    rows = []
    for case in cases:
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
        due = short_moment(case.next_due_at) if case.is_open and not paused else ""
        rows.append(QueueRow(case=case, status=STAFF_STATUS_LABELS[case.status], due=due, tags=tags))
    return rows


@staff_only
@require_GET
def queue(request):
    """Your queue: the cases you are the named officer for, and those you are covering (the API's `mine=true`)."""
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
    # The same filters as GET /api/cases/, in the API's `due` order: what falls due first comes first.
    filtered = CaseFilter(data=params, queryset=cases, request=request).qs.order_by(*ORDERINGS["due"])
    page = Paginator(filtered, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
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
            "duties": queue_duties(officer) if mine else [],
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _filters_sent(request) -> bool:
    return any(name in request.GET for name in QueueFilterForm.base_fields)
