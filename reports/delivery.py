"""The provision delivery report: sessions delivered and missed, hours owed, items with nothing recorded and
concerns the gap sweep raised, by provider, section, responsible body, council or month. Counted by the
database, one aggregate query per figure group.

- `delivery_rate` is delivered / (delivered + missed), 0 to 1; sessions called off (the child was ill, say)
  are neither; null when nothing was delivered or missed.
- `hours_owed` is the planned length of every session recorded as missed: support on record as not given.
  Sessions never recorded at all show instead as `items_with_nothing_recorded` (and, on each item's page, in
  what the plan says is due).
"""

from datetime import date

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth

from casework.models import Organisation, ProvisionItem
from casework.permissions import teams_reported_to
from escalations.models import OpenDataPublication
from provision.models import Delivery, ProvisionGap

from .open_data import SMALL_COUNT, SMALL_COUNT_LIMIT

GROUPS = ("provider", "section", "responsible_body", "council", "month")
# Where each grouping is found, from an item.
ITEM_KEYS = {
    "provider": "provider_organisation_id",
    "section": "section",
    "responsible_body": "responsible_body_id",
    "council": "ehcp__child__family__organisation_id",
}
Status = Delivery.Status


def items_reported_to(user) -> QuerySet[ProvisionItem]:
    """Items of the children of the councils a manager oversees, and those their organisation answers for."""
    if user.is_superuser:
        return ProvisionItem.objects.all()
    organisations = teams_reported_to(user).values("organisation_id")
    return ProvisionItem.objects.filter(
        Q(ehcp__child__family__organisation_id__in=organisations) | Q(responsible_body_id__in=organisations)
    )


def delivery_report(*, items: QuerySet[ProvisionItem], first_day: date, last_day: date, group_by: str) -> dict:
    """The figures for each group, from `first_day` to `last_day` (UK dates, both included)."""
    sessions = sessions_in(items, first_day, last_day)
    gaps = gaps_in(items, first_day, last_day)
    if group_by == "month":
        key, gap_key = TruncMonth("on"), TruncMonth("through")
    else:
        key, gap_key = F(f"item__{ITEM_KEYS[group_by]}"), F(f"item__{ITEM_KEYS[group_by]}")
    rows: dict = {}
    for row in (
        sessions.annotate(key=key)
        .values("key")
        .annotate(
            delivered=Count("pk", filter=Q(status=Status.DELIVERED)),
            missed=Count("pk", filter=Q(status=Status.MISSED)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
            minutes_delivered=Coalesce(Sum("minutes", filter=Q(status=Status.DELIVERED)), 0),
            minutes_owed=Coalesce(Sum("item__minutes", filter=Q(status=Status.MISSED), output_field=IntegerField()), 0),
        )
        .order_by()
    ):
        rows[row["key"]] = _empty(row["key"]) | _session_figures(row)
    for row in gaps.annotate(key=gap_key).values("key").annotate(n=Count("pk")).order_by():
        rows.setdefault(row["key"], _empty(row["key"]))["gap_concerns"] = row["n"]
    if group_by != "month":
        _add_item_counts(rows, items, first_day, last_day, ITEM_KEYS[group_by])
    labels = _labels(group_by, rows.keys())
    ordered = sorted(rows.values(), key=lambda row: (row["key"] is None, str(row["key"])))
    for row in ordered:
        row["label"] = labels.get(row["key"], "Not recorded")
        row["key"] = row["key"].isoformat()[:7] if group_by == "month" else row["key"]
    return {"group_by": group_by, "from": first_day, "to": last_day, "rows": ordered}


def sessions_in(items: QuerySet[ProvisionItem], first_day: date, last_day: date) -> QuerySet[Delivery]:
    """Sessions of `items` recorded for a day from `first_day` to `last_day`: what the session figures count."""
    return Delivery.objects.filter(item__in=items, on__gte=first_day, on__lte=last_day)


def gaps_in(items: QuerySet[ProvisionItem], first_day: date, last_day: date) -> QuerySet[ProvisionGap]:
    """Gaps the sweep found in `items` with evidence ending in the period: one concern each."""
    return ProvisionGap.objects.filter(item__in=items, through__gte=first_day, through__lte=last_day)


def running_items(items: QuerySet[ProvisionItem], first_day: date, last_day: date) -> QuerySet[ProvisionItem]:
    """Items running at some time in the period with a countable amount (sessions a week, term or year)."""
    return items.filter(sessions__isnull=False, starts_on__lte=last_day).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=first_day)
    )


def nothing_recorded(first_day: date, last_day: date) -> Q:
    """An item with no session recorded for any day of the period."""
    return ~Q(Exists(Delivery.objects.filter(item=OuterRef("pk"), on__gte=first_day, on__lte=last_day)))


def in_group(queryset: QuerySet, *, group_by: str, key, path: str = "") -> QuerySet:
    """Rows of `queryset` in one row of the report grouped by `group_by` (not "month"); `key` None is the
    row of those with it not recorded. `path` leads from the rows to their item ("item__" from a session)."""
    field = f"{path}{ITEM_KEYS[group_by]}"
    return queryset.filter(**{f"{field}__isnull": True} if key is None else {field: key})


def _empty(key) -> dict:
    return {
        "key": key,
        "label": "",
        "items": None,
        "items_with_nothing_recorded": None,
        "delivered": 0,
        "missed": 0,
        "cancelled": 0,
        "delivery_rate": None,
        "hours_delivered": 0.0,
        "hours_owed": 0.0,
        "gap_concerns": 0,
    }


def _session_figures(row) -> dict:
    counted = row["delivered"] + row["missed"]
    return {
        "delivered": row["delivered"],
        "missed": row["missed"],
        "cancelled": row["cancelled"],
        "delivery_rate": round(row["delivered"] / counted, 4) if counted else None,
        "hours_delivered": round(row["minutes_delivered"] / 60, 2),
        "hours_owed": round(row["minutes_owed"] / 60, 2),
    }


def _add_item_counts(rows, items, first_day, last_day, path) -> None:
    """Items running in the period with a countable amount, and those of them with nothing recorded."""
    for row in (
        running_items(items, first_day, last_day)
        .annotate(key=F(path))
        .values("key")
        .annotate(n=Count("pk"), with_nothing=Count("pk", filter=nothing_recorded(first_day, last_day)))
        .order_by()
    ):
        target = rows.setdefault(row["key"], _empty(row["key"]))
        target["items"], target["items_with_nothing_recorded"] = row["n"], row["with_nothing"]


def _labels(group_by: str, keys) -> dict:
    if group_by == "section":
        return dict(ProvisionItem.Section.choices)
    if group_by == "month":
        return {key: f"{key:%B %Y}" for key in keys if key is not None}
    return dict(Organisation.objects.filter(pk__in=[k for k in keys if k is not None]).values_list("pk", "name"))


def open_data_delivery(*, publication: OpenDataPublication) -> dict:
    """The sessions of a council's children by month and plan section, for its published open data. One query.

    Months, sections and counts only: nothing about a person or a provider. Counts of 1 to 4 are published as
    "fewer than 5", and the delivery rate is withheld when a count it uses was.
    """
    per_month = (
        Delivery.objects.filter(item__ehcp__child__family__organisation=publication.organisation)
        .annotate(month=TruncMonth("on"), section=F("item__section"))
        .values("month", "section")
        .annotate(
            delivered=Count("pk", filter=Q(status=Status.DELIVERED)),
            missed=Count("pk", filter=Q(status=Status.MISSED)),
            cancelled=Count("pk", filter=Q(status=Status.CANCELLED)),
        )
        .order_by("month", "section")
    )
    return {
        "organisation": {"id": publication.organisation_id, "name": publication.organisation.name},
        "published_at": publication.published_at,
        "rows": [
            {"month": f"{row['month']:%Y-%m}", "section": row["section"], **_suppressed(row)} for row in per_month
        ],
    }


def _suppressed(row: dict) -> dict:
    counts = {name: row[name] for name in ("delivered", "missed", "cancelled")}
    shown = {name: SMALL_COUNT if 1 <= n <= SMALL_COUNT_LIMIT else n for name, n in counts.items()}
    counted = counts["delivered"] + counts["missed"]
    hidden = SMALL_COUNT in (shown["delivered"], shown["missed"])
    return {**shown, "delivery_rate": None if hidden or not counted else round(counts["delivered"] / counted, 4)}
