"""Every change to provision delivery, one function a use case (STYLE.md 2): atomic, keyword-only, an actor.

The gap sweep and support ending are in `provision.gaps`.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework import services as casework
from casework.models import Case, Organisation, ProvisionItem
from core.exceptions import Conflict, NotAllowed
from core.time import UK_TIME

from .duties import duty_of
from .ending import support_ending_plan
from .models import Delivery, DeliveryCheck
from .permissions import is_family_of, may_record_delivery, may_set_obligation

Status = Delivery.Status
# The most minutes one day's record can hold.
MINUTES_IN_A_DAY = 24 * 60
SUMMARY_LIMIT = 200


def uk_today() -> date:
    return timezone.localdate(timezone=UK_TIME)


# --- the plan's amount ------------------------------------------------------------------


@transaction.atomic
def provision_obligation_set(
    *,
    actor,
    item: ProvisionItem,
    responsible_body: Organisation,
    provider_organisation: Organisation | None,
    sessions: int,
    minutes: int | None,
    per: str,
    term_time_only: bool,
    starts_on: date,
    ends_on: date | None,
) -> ProvisionItem:
    """Record the plan's amount, dates, answerable body and provider, so delivery can be counted against it.

    Staff of the body answerable for the item only (403). Refuses (400) a responsible body of the wrong kind
    for the section: the law decides who answers for it
    (`provision.duties`). The plan's own words stay as they are. The gap sweep starts watching the item.
    """
    item = ProvisionItem.objects.select_for_update().select_related("ehcp__child__family").get(pk=item.pk)
    if not may_set_obligation(actor, item):
        raise NotAllowed("Only staff of the body answerable for this provision can change it.")
    errors = {}
    duty = duty_of(item.section)
    if responsible_body.kind != duty.body_kind:
        body = "council" if duty.body_kind == Organisation.Kind.COUNCIL else Organisation.Kind(duty.body_kind).label
        errors["responsible_body"] = [
            f"The {duty.law} makes section {item.section} provision the duty of the {body}. "
            f"Choose the {body}, not {responsible_body.name}."
        ]
    if not sessions or sessions < 1:
        errors["sessions"] = ["Enter how many sessions the plan gives, 1 or more."]
    if per not in ProvisionItem.Per.values:
        errors["per"] = ["Choose week, term or year."]
    if ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = ["The end date must be on or after the start date."]
    if errors:
        raise ValidationError(errors)
    item.responsible_body = responsible_body
    item.provider_organisation = provider_organisation
    item.sessions, item.minutes, item.per = sessions, minutes, per
    item.term_time_only, item.starts_on, item.ends_on = term_time_only, starts_on, ends_on
    item._history_user = actor
    item._change_reason = "Amount, dates and responsible body recorded"
    item.save()
    DeliveryCheck.objects.update_or_create(
        item=item, defaults={"due_on": _first_check_on(starts_on), "counts_from": starts_on}
    )
    support_ending_plan(item=item, today=uk_today())
    return item


def _first_check_on(starts_on: date) -> date:
    # The sweep judges whole weeks: the first Monday after the item starts, or after today if it started before.
    day = max(starts_on, uk_today())
    return day + timedelta(days=7 - day.weekday())


# --- recording sessions ------------------------------------------------------------------


class RegisterRefused(ValidationError):
    """Some entries of a weekly register were wrong: `entries` has each entry's field errors, by position
    ({} for an entry that was fine), for the API to answer in DRF's shape for a list."""

    def __init__(self, entries: list[dict]):
        super().__init__({"entries": ["Nothing was recorded: correct the entries marked and send the week again."]})
        self.entries = entries


@transaction.atomic
def delivery_record(
    *, actor, item: ProvisionItem, on: date, status: str, minutes: int | None = None, reason: str = ""
) -> Delivery:
    """Record one session of an item: delivered, missed or called off. One record a day an item.

    Provider staff of the item's provider, or staff of the body answerable for it (403 otherwise). Refused
    whole (400) for a day outside the item's dates or in the future, a day already recorded, or a missed or
    cancelled session without a reason.
    """
    _require_may_record(actor, item)
    return _write([_checked(item, on=on, status=status, minutes=minutes, reason=reason)], actor)[0]


@transaction.atomic
def deliveries_record_week(*, actor, entries: list[dict]) -> list[Delivery]:
    """The weekly register: many items' sessions in one go, all written or none.

    `entries` are dicts of `item` (a ProvisionItem the caller may see), `on`, `status`, `minutes`,
    `reason`. Every entry is checked as `delivery_record` checks one; a 400 lists each entry's errors
    under `entries`, by position, and nothing is written.
    """
    errors, rows = [], []
    for entry in entries:
        try:
            _require_may_record(actor, entry["item"])
            rows.append(_checked(entry["item"], **{k: entry.get(k) for k in ("on", "status", "minutes", "reason")}))
            errors.append({})
        except ValidationError as error:
            errors.append(error.message_dict)
    days = [(row.item_id, row.on) for row in rows]
    if len(set(days)) != len(days):
        raise ValidationError({"entries": ["The register has the same item twice on one day."]})
    if any(errors):
        raise RegisterRefused(errors)
    return _write(rows, actor)


def _require_may_record(actor, item: ProvisionItem) -> None:
    if not may_record_delivery(actor, item):
        raise NotAllowed("Only the provider or the body answerable for this provision can record its sessions.")


def _checked(item: ProvisionItem, *, on, status, minutes, reason) -> Delivery:
    errors = {}
    reason = reason or ""
    if status not in Status.values:
        errors["status"] = ["Choose delivered, missed or cancelled."]
    if on is None:
        errors["on"] = ["Enter the day of the session."]
    elif item.starts_on is None:
        errors["on"] = ["Record the plan's amount and dates for this item before recording its sessions."]
    elif on < item.starts_on or (item.ends_on and on > item.ends_on):
        until = f" to {item.ends_on:%-d %B %Y}" if item.ends_on else ""
        errors["on"] = [f"The day must be within the provision's dates: {item.starts_on:%-d %B %Y}{until}."]
    elif on > uk_today():
        errors["on"] = ["A session can only be recorded once its day has come."]
    if minutes is not None and not 0 <= minutes <= MINUTES_IN_A_DAY:
        errors["minutes"] = [f"Enter minutes from 0 to {MINUTES_IN_A_DAY}."]
    if status in (Status.MISSED, Status.CANCELLED) and not reason.strip():
        errors["reason"] = ["Say why the session did not happen. The family will see this."]
    if len(reason) > 5_000:
        errors["reason"] = ["Keep the reason to 5,000 characters or fewer."]
    if errors:
        raise ValidationError(errors)
    if status == Status.DELIVERED and minutes is None:
        minutes = item.minutes
    if status != Status.DELIVERED:
        minutes = minutes or 0
    return Delivery(item=item, on=on, status=status, minutes=minutes, reason=reason)


def _write(rows: list[Delivery], actor) -> list[Delivery]:
    taken = set(
        Delivery.objects.filter(item_id__in={row.item_id for row in rows}, on__in={row.on for row in rows}).values_list(
            "item_id", "on"
        )
    )
    clashes = [row for row in rows if (row.item_id, row.on) in taken]
    if clashes:
        raise ValidationError({"on": [_already_recorded(row) for row in clashes]})
    now = timezone.now()
    for row in rows:
        row.recorded_by, row.recorded_at = actor, now
    try:
        # A savepoint, so a record made by someone else in the meantime is a 400, not a broken transaction.
        with transaction.atomic():
            return Delivery.objects.bulk_create(rows)
    except IntegrityError:
        raise ValidationError({"on": ["A session was recorded for one of these days just now. Reload and check."]})


def _already_recorded(row: Delivery) -> str:
    return f"A session of {row.item.description} is already recorded for {row.on:%-d %B %Y}."


# --- the family says a session did not happen ----------------------------------------------


@transaction.atomic
def delivery_dispute(*, actor, delivery: Delivery, text: str) -> Case:
    """The family says a recorded session did not happen: a `provision_not_delivered` concern on the item.

    Only the child's parents or carers (403 for anyone else who can see it). A session already disputed, or
    one recorded as missed (it is already on record as not happening), is a 409.
    """
    if not text or not text.strip():
        raise ValidationError({"text": ["Tell us what happened."]})
    delivery = Delivery.objects.select_for_update().select_related("item__ehcp__child").get(pk=delivery.pk)
    item = delivery.item
    if not is_family_of(actor, item):
        raise NotAllowed("Only the child's family can say a session did not happen.")
    if delivery.disputed_at is not None:
        raise Conflict("You have already told us this session did not happen.")
    if delivery.status == Status.MISSED:
        raise Conflict("This session is already recorded as missed. To raise it, tell us about a problem.")
    day = f"{delivery.on:%A %-d %B %Y}"
    case = casework.case_log(
        actor=actor,
        child_id=item.ehcp.child_id,
        category_slug="provision_not_delivered",
        summary=fit_summary(f"{item.description}: the session recorded on {day} did not happen"),
        description=f"Recorded as {delivery.get_status_display().lower()} on {day}. The family says: {text}",
        provision_item_id=item.pk,
    )
    delivery.disputed_at, delivery.dispute_case = timezone.now(), case
    delivery.save(update_fields=["disputed_at", "dispute_case"])
    return case


def fit_summary(summary: str) -> str:
    """A case summary within the API's limit of 200 characters."""
    return summary if len(summary) <= SUMMARY_LIMIT else summary[: SUMMARY_LIMIT - 1] + "…"
