"""The gap sweep: provision that falls short of the plan raises a concern by itself (DESIGN.md invariant 3).

Each item with an amount to count has a `DeliveryCheck` row saying when the sweep next looks at it (weekly,
the Monday after each week ends). The sweep reads only the rows due, through their index, a batch at a time,
locked with SKIP LOCKED so two sweeps at once share the work. A shortfall beyond the section's tolerance
(`settings.PROVISION_GAP_TOLERANCE`) raises one `provision_not_delivered` concern on the item, routed to the
body answerable for it (`casework.services.case_raise`). The unique constraint on (item, last day of the
evidence) makes a second raise of the same shortfall impossible, and the days counted are never counted
again: the next shortfall has to be new.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from fast_update.fast import fast_update

from casework import services as casework
from casework.models import Case, ProvisionItem

from .models import Delivery, DeliveryCheck, ProvisionGap
from .services import fit_summary, uk_today
from .terms import TermCalendar, expected_sessions

logger = logging.getLogger(__name__)
Status = Delivery.Status
Rule = ProvisionGap.Rule
GAP_SWEEP_BATCH = 500
WEEK = timedelta(weeks=1)


@dataclass(frozen=True)
class Shortfall:
    rule: str
    summary: str
    detail: str


def provision_gap_sweep(*, today: date | None = None, batch_size: int = GAP_SWEEP_BATCH) -> int:
    """Look at every item due a check, and raise a concern for each shortfall. Returns how many were raised.

    Idempotent and safe to run twice at once; its cost follows the items due, not the items watched.
    """
    today = today or uk_today()
    calendars: dict[int, TermCalendar] = {}
    raised = 0
    while True:
        looked_at, raised_now = _sweep_batch(today=today, batch_size=batch_size, calendars=calendars)
        raised += raised_now
        if looked_at < batch_size:
            return raised


@transaction.atomic
def _sweep_batch(*, today: date, batch_size: int, calendars: dict) -> tuple[int, int]:
    checks = list(
        DeliveryCheck.objects.select_for_update(skip_locked=True)
        .filter(due_on__lte=today)
        .order_by("due_on", "item_id")[:batch_size]
    )
    if not checks:
        return 0, 0
    # The evidence runs to the end of the last whole week (a Sunday), so a week is judged once it is over.
    through = today - timedelta(days=today.weekday() + 1)
    items = {
        item.pk: item
        for item in ProvisionItem.objects.filter(pk__in=[check.item_id for check in checks]).select_related(
            "ehcp__child__family"
        )
    }
    records = _records_of(checks, through)
    open_gaps = set(
        ProvisionGap.objects.filter(item_id__in=items, case__status__in=Case.OPEN_STATES).values_list(
            "item_id", flat=True
        )
    )
    raised, finished = 0, []
    for check in checks:
        item = items[check.item_id]
        council = item.ehcp.child.family.organisation_id
        calendar = calendars.setdefault(council, TermCalendar(council))
        shortfall = _shortfall(item, check.counts_from, through, records[item.pk], calendar)
        if shortfall is not None:
            # While a concern about this item's delivery is open, the shortfall is part of it.
            if item.pk not in open_gaps and _raise(item, shortfall, through):
                raised += 1
            check.counts_from = through + timedelta(days=1)
        check.due_on = today + timedelta(days=7 - today.weekday())
        # Once the week the item ends in has been judged, there is nothing more to count: stop watching it.
        if item.ends_on is not None and item.ends_on <= through:
            finished.append(check.item_id)
    # UPDATE ... FROM (VALUES ...): Django's bulk_update writes a CASE WHEN per row and field, which took most
    # of a batch's own time (bench: 1.8 s of a 2,000-item sweep).
    moved = [check for check in checks if check.item_id not in finished]
    if moved:
        fast_update(DeliveryCheck.objects.all(), moved, ["due_on", "counts_from"], batch_size=None)
    DeliveryCheck.objects.filter(item_id__in=finished).delete()
    return len(checks), raised


def _records_of(checks: list[DeliveryCheck], through: date) -> dict[int, list[tuple[date, str]]]:
    """Each item's records in the days still counted, oldest first: one query for the batch."""
    records = defaultdict(list)
    for item_id, on, status in (
        Delivery.objects.filter(
            item_id__in=[check.item_id for check in checks],
            on__gte=min(check.counts_from for check in checks),
            on__lte=through,
        )
        .order_by("item_id", "on")
        .values_list("item_id", "on", "status")
    ):
        records[item_id].append((on, status))
    counts_from = {check.item_id: check.counts_from for check in checks}
    return defaultdict(list, {k: [r for r in v if r[0] >= counts_from[k]] for k, v in records.items()})


def _shortfall(item, counts_from: date, through: date, records, calendar: TermCalendar) -> Shortfall | None:
    """The first rule of the item's section tolerance that the records break, or None."""
    tolerance = settings.PROVISION_GAP_TOLERANCE[item.section]
    if through < counts_from:
        return None
    in_a_row = tolerance["missed_in_a_row"]
    last = [status for _on, status in records[-in_a_row:]]
    if len(last) == in_a_row and all(status == Status.MISSED for status in last):
        days = ", ".join(f"{on:%-d %B}" for on, _status in records[-in_a_row:])
        return Shortfall(
            Rule.MISSED_IN_A_ROW,
            f"{in_a_row} sessions in a row were missed",
            f"The sessions on {days} were recorded as missed.",
        )
    silent_from = through - tolerance["weeks_with_nothing"] * WEEK + timedelta(days=1)
    if (
        silent_from >= counts_from
        and expected_sessions(item, silent_from, through, calendar)
        and not any(on >= silent_from for on, _status in records)
    ):
        return Shortfall(
            Rule.NOTHING_RECORDED,
            f"nothing was recorded for {tolerance['weeks_with_nothing']} weeks",
            f"No session was recorded from {silent_from:%-d %B} to {through:%-d %B %Y}, "
            f"when {expected_sessions(item, silent_from, through, calendar)} were due.",
        )
    return _below_rate(item, counts_from, through, records, calendar, tolerance)


def _below_rate(item, counts_from, through, records, calendar, tolerance) -> Shortfall | None:
    rate_from = through - tolerance["over_weeks"] * WEEK + timedelta(days=1)
    if rate_from < counts_from:
        return None
    recent = [status for on, status in records if on >= rate_from]
    delivered, called_off = recent.count(Status.DELIVERED), recent.count(Status.CANCELLED)
    # Sessions called off (the child was ill, say) are not owed; the family can dispute any that were not.
    owed = expected_sessions(item, rate_from, through, calendar) - called_off
    if owed <= 0 or delivered >= tolerance["delivered_at_least"] * owed:
        return None
    return Shortfall(
        Rule.BELOW_RATE,
        f"only {delivered} of {owed} sessions were delivered in {tolerance['over_weeks']} weeks",
        f"From {rate_from:%-d %B} to {through:%-d %B %Y}, {owed} sessions were due and {delivered} were delivered.",
    )


def _raise(item: ProvisionItem, shortfall: Shortfall, through: date) -> bool:
    """Raise the concern and record the gap, together or not at all. False if another sweep already had."""
    plan = _plan_in_words(item)
    try:
        with transaction.atomic():
            case = casework.case_raise(
                child=item.ehcp.child,
                category_slug="provision_not_delivered",
                summary=fit_summary(f"{item.description}: {shortfall.summary}"),
                description=f"{shortfall.detail} The plan says: {plan}. We raised this concern by ourselves "
                "because the support recorded fell short of the plan.",
                provision_item=item,
            )
            ProvisionGap.objects.create(
                item=item, rule=shortfall.rule, through=through, what_was_missed=shortfall.detail, case=case
            )
    except IntegrityError:
        logger.info("A gap in provision item %s through %s was already raised.", item.pk, through)
        return False
    return True


def _plan_in_words(item: ProvisionItem) -> str:
    amount = f"{item.sessions} session{'s' if item.sessions != 1 else ''}"
    if item.minutes:
        amount += f" of {item.minutes} minutes"
    return f"{amount} {item.get_per_display()}" + (" in term time" if item.term_time_only else "")
