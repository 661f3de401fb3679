"""Reads of provision and its delivery, built for the person asking: what is not theirs is not found (404)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.http import Http404

from casework.models import ProvisionItem

from .models import Delivery
from .permissions import items_scope
from .terms import TermCalendar, expected_sessions


def provision_items_visible_to(user) -> QuerySet[ProvisionItem]:
    if not user.is_authenticated:
        return ProvisionItem.objects.none()
    return (
        ProvisionItem.objects.filter(items_scope(user))
        .select_related("ehcp__child__family", "responsible_body", "provider_organisation", "ending")
        .order_by("ehcp__child__last_name", "ehcp__child__first_name", "section", "id")
    )


def provision_item_get_for_user(user, item_id) -> ProvisionItem:
    """The item, if `user` may see it. Missing and forbidden look the same: 404."""
    try:
        return provision_items_visible_to(user).get(pk=int(item_id))
    except (ProvisionItem.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No provision item found.") from None


def deliveries_of(item: ProvisionItem) -> QuerySet[Delivery]:
    """An item's records, newest first."""
    return Delivery.objects.filter(item=item).select_related("recorded_by__officer").order_by("-on", "-id")


def delivery_get_for_user(user, delivery_id) -> Delivery:
    """A record of an item `user` may see; 404 otherwise."""
    try:
        delivery = Delivery.objects.select_related("item").get(pk=int(delivery_id))
    except (Delivery.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No session found.") from None
    if not provision_items_visible_to(user).filter(pk=delivery.item_id).exists():
        raise Http404("No session found.")
    return delivery


@dataclass(frozen=True)
class DeliverySummary:
    """Sessions owed and recorded over a stretch of days: what the family's page and the API show."""

    starts_on: date | None
    ends_on: date
    expected: int
    delivered: int
    missed: int
    cancelled: int
    delivered_minutes: int

    @property
    def make_up_owed(self) -> int:
        """Sessions owed that were neither delivered nor called off: the provider must make them up."""
        return max(0, self.expected - self.delivered - self.cancelled)


def summaries_for(items, *, today: date) -> dict[int, DeliverySummary]:
    """This term so far for each item (from the first day of its council's current term, or the item's start if
    later, to `today`): one query for the sessions of them all, and one term calendar per council."""
    items = list(items)
    calendars: dict[int, TermCalendar] = {}
    starts = {}
    for item in items:
        council = item.ehcp.child.family.organisation_id
        calendar = calendars.setdefault(council, TermCalendar(council))
        start = calendar.term_start(today) or today - timedelta(weeks=12)
        starts[item.pk] = max(start, item.starts_on) if item.starts_on else start
    sessions = defaultdict(list)
    if items:
        for item_id, on, status, minutes in Delivery.objects.filter(
            item__in=items, on__gte=min(starts.values()), on__lte=today
        ).values_list("item_id", "on", "status", "minutes"):
            if on >= starts[item_id]:
                sessions[item_id].append((status, minutes))
    return {
        item.pk: _summary(
            item,
            starts[item.pk],
            today,
            sessions[item.pk],
            calendars[item.ehcp.child.family.organisation_id],
        )
        for item in items
    }


def _summary(item, start: date, today: date, sessions, calendar: TermCalendar) -> DeliverySummary:
    statuses = [status for status, _minutes in sessions]
    return DeliverySummary(
        starts_on=start,
        ends_on=today,
        expected=expected_sessions(item, start, today, calendar),
        delivered=statuses.count(Delivery.Status.DELIVERED),
        missed=statuses.count(Delivery.Status.MISSED),
        cancelled=statuses.count(Delivery.Status.CANCELLED),
        delivered_minutes=sum(minutes or 0 for status, minutes in sessions if status == Delivery.Status.DELIVERED),
    )
