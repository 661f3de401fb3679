"""Reads of provision and its delivery, built for the person asking: what is not theirs is not found (404)."""

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


def delivery_summary(
    item: ProvisionItem, *, today: date, calendar: TermCalendar | None = None, since: date | None = None
) -> DeliverySummary:
    """This term so far (from the first day of the current term, or the item's start if later) to `today`,
    unless `since` says otherwise."""
    calendar = calendar or TermCalendar(item.ehcp.child.family.organisation_id)
    start = since or calendar.term_start(today) or today - timedelta(weeks=12)
    if item.starts_on:
        start = max(start, item.starts_on)
    counts = {status: 0 for status in Delivery.Status.values}
    minutes = 0
    for status, session_minutes in Delivery.objects.filter(item=item, on__gte=start, on__lte=today).values_list(
        "status", "minutes"
    ):
        counts[status] += 1
        if status == Delivery.Status.DELIVERED:
            minutes += session_minutes or 0
    return DeliverySummary(
        starts_on=start,
        ends_on=today,
        expected=expected_sessions(item, start, today, calendar),
        delivered=counts[Delivery.Status.DELIVERED],
        missed=counts[Delivery.Status.MISSED],
        cancelled=counts[Delivery.Status.CANCELLED],
        delivered_minutes=minutes,
    )


def summaries_for(items, *, today: date) -> dict[int, DeliverySummary]:
    """This term's delivery for each item, sharing one term calendar per council."""
    calendars: dict[int, TermCalendar] = {}
    summaries = {}
    for item in items:
        council = item.ehcp.child.family.organisation_id
        calendar = calendars.setdefault(council, TermCalendar(council))
        summaries[item.pk] = delivery_summary(item, today=today, calendar=calendar)
    return summaries
