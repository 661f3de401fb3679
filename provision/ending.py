"""Support ending: a family is not left to find out that support stopped (the outreach parent's "one term, and
just as they build up trust they lose the support").

`settings.PROVISION_ENDING_NOTICE_WEEKS` before an item's end date, the officer who would own a concern about
it (the responsible body's routing) and the family are told. Staff of the responsible body record a decision:
continue, replace, or end as the plan intends, with the reason, which the family sees. If the end date passes
with no decision, the sweep raises a `provision_not_delivered` concern on the item. Due dates are columns read
through an index; rows are locked with SKIP LOCKED, so two sweeps at once do each thing once.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casework import notices
from casework import services as casework
from casework.models import Category, ProvisionItem
from casework.routing import routing_owner_for
from core.exceptions import Conflict, NotAllowed
from notifications.services import Telling, notification_enqueue_many

from .models import SupportEnding
from .permissions import may_set_obligation

Decision = SupportEnding.Decision
ENDING_SWEEP_BATCH = 500
ENDING_LINK = "/provision/"


def support_ending_plan(*, item: ProvisionItem, today: date) -> None:
    """Keep an item's ending row in step with its end date: made, moved, or removed. Called by
    `provision_obligation_set`, inside its transaction. A decision already made stays with its date."""
    if item.ends_on is None:
        SupportEnding.objects.filter(item=item, decision="").delete()
        return
    remind_on = item.ends_on - timedelta(weeks=settings.PROVISION_ENDING_NOTICE_WEEKS)
    ending, made = SupportEnding.objects.get_or_create(
        item=item, defaults={"ends_on": item.ends_on, "remind_on": remind_on, "due_on": max(remind_on, today)}
    )
    if not made and ending.ends_on != item.ends_on and not ending.decision:
        ending.ends_on, ending.remind_on, ending.reminded_at = item.ends_on, remind_on, None
        ending.due_on, ending.lapsed_case = max(remind_on, today), None
        ending.save()


@transaction.atomic
def support_ending_decide(*, actor, item: ProvisionItem, decision: str, reason: str) -> SupportEnding:
    """Record what happens when the item ends, with the reason the family will see. Staff of the responsible
    body only (403); once an item's end is decided, it stays decided (409)."""
    if not may_set_obligation(actor, item):
        raise NotAllowed("Only staff of the body answerable for this provision can decide what happens next.")
    ending = SupportEnding.objects.select_for_update().filter(item=item).first()
    if ending is None:
        raise Conflict("This provision has no end date, so there is nothing to decide.")
    if ending.decision:
        raise Conflict(f"It was already decided: {ending.get_decision_display().lower()}.")
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = ["Choose continue, replace or end."]
    if not reason or not reason.strip():
        errors["reason"] = ["Say why. The family will see this."]
    if errors:
        raise ValidationError(errors)
    ending.decision, ending.reason = decision, reason
    ending.decided_by, ending.decided_at, ending.due_on = actor, timezone.now(), None
    ending.save()
    return ending


def support_ending_sweep(*, today: date, batch_size: int = ENDING_SWEEP_BATCH) -> int:
    """Send the reminders due and raise a concern for each item that ended undecided. Returns how many
    reminders and concerns went out. Idempotent; its cost follows what is due."""
    done = 0
    while True:
        looked_at, acted = _ending_batch(today=today, batch_size=batch_size)
        done += acted
        if looked_at < batch_size:
            return done


@transaction.atomic
def _ending_batch(*, today: date, batch_size: int) -> tuple[int, int]:
    endings = list(
        SupportEnding.objects.select_for_update(skip_locked=True)
        .filter(due_on__lte=today)
        .select_related("item__ehcp__child__family")
        .order_by("due_on", "item_id")[:batch_size]
    )
    acted = 0
    for ending in endings:
        if ending.decision:
            ending.due_on = None
        elif today > ending.ends_on:
            _raise_lapsed(ending)
            acted += 1
        elif ending.reminded_at is None:
            _remind(ending)
            acted += 1
        else:
            ending.due_on = ending.ends_on + timedelta(days=1)
    SupportEnding.objects.bulk_update(endings, ["due_on", "reminded_at", "lapsed_case"])
    return len(endings), acted


def _remind(ending: SupportEnding) -> None:
    item = ending.item
    child = item.ehcp.child
    officer = routing_owner_for(
        child=child,
        category=Category.objects.get(pk="provision_not_delivered"),
        safeguarding=False,
        organisation_id=casework.case_owning_organisation_id(child, item),
    ).officer
    context = {
        "child_name": child.display_name,
        "description": item.description,
        "ends_on": f"{ending.ends_on:%A %-d %B %Y}",
        "officer_name": officer.display_name,
    }
    key = f"provision-ending:{item.pk}:{ending.ends_on.isoformat()}"
    family = notices.family_of(child)
    notification_enqueue_many(
        tellings=[Telling(officer.user, "officer_provision_ending", context, ENDING_LINK, key)]
        + [Telling(member.user, "provision_ending", context, ENDING_LINK, key) for member in family]
    )
    ending.reminded_at = timezone.now()
    ending.due_on = ending.ends_on + timedelta(days=1)


def _raise_lapsed(ending: SupportEnding) -> None:
    item = ending.item
    ending.lapsed_case = casework.case_raise(
        child=item.ehcp.child,
        category_slug="provision_not_delivered",
        summary=f"{item.description}: it ended on {ending.ends_on:%-d %B %Y} with no decision"[:200],
        description=f"The plan's {item.description} was due to end on {ending.ends_on:%-d %B %Y}. Nobody recorded "
        "whether it should continue, be replaced or end, so we raised this concern by ourselves.",
        provision_item=item,
    )
    ending.due_on = None
