"""The caseload's shape: open cases by age, escalations by month and level, and undelivered provision."""

from datetime import date, datetime

from django.db.models import Count, FilteredRelation, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Lower, StrIndex, Substr, Trim
from django.utils import timezone

from casework.models import Case, ProvisionItem
from core.time import UK_TIME
from escalations.models import Alert, ClockKind
from escalations.working_days import WORKING_DAY_LENGTH, WorkingCalendar

from .sql import LEVELS, Percentile, month_key, month_label, on_uk_dates, seconds_in, uk_midnight, uk_month

PROVISION_CATEGORY = "provision_not_delivered"
RESOLVED = Q(resolved_at__isnull=False)
# (label, fewest working days, most working days); the last band has no upper limit.
AGE_BANDS = (("0-5", 0, 5), ("6-10", 6, 10), ("11-20", 11, 20), ("21-40", 21, 40), ("over 40", 41, None))
WORKING_DAY_SECONDS = int(WORKING_DAY_LENGTH.total_seconds())


def age_report(*, cases: QuerySet[Case], now: datetime) -> dict:
    """Open cases by category and by how many working days they have been open. One query.

    A case's age is the number of working days after the day it was logged, up to and
    including today (the day of logging never counts, as for deadlines). Because `now`
    is fixed, each band is a range of logging dates worked out once with the real
    calendar (bank holidays and closure days included), so the database only compares dates.
    """
    bands = age_band_conditions(timezone.localtime(now, UK_TIME).date(), WorkingCalendar())
    per_category = (
        cases.filter(status__in=Case.OPEN_STATES)
        .values("category_id", "category__name", "category__position")
        .annotate(**{f"band_{index}": Count("pk", filter=condition) for index, condition in enumerate(bands)})
        .order_by("category__position", "category_id")
    )
    rows = [
        _age_row(row["category_id"], row["category__name"], [row[f"band_{index}"] for index in range(len(bands))])
        for row in per_category
    ]
    overall = [sum(row["bands"][label] for row in rows) for label, _fewest, _most in AGE_BANDS]
    return {
        "bands": [label for label, _fewest, _most in AGE_BANDS],
        "rows": rows,
        "overall": _age_row("all", "All cases", overall),
    }


def age_band_conditions(today: date, calendar: WorkingCalendar) -> list[Q]:
    """For each age band, the condition on `created_at` that puts a case in it."""
    recent = _recent_working_days(today, calendar, count=max(most for _l, _f, most in AGE_BANDS if most) + 1)
    conditions = []
    for _label, fewest, most in AGE_BANDS:
        # Age is at least N exactly when the case was logged before the Nth most recent working day.
        condition = Q()
        if fewest > 0:
            condition &= Q(created_at__lt=uk_midnight(recent[fewest - 1]))
        if most is not None:
            condition &= Q(created_at__gte=uk_midnight(recent[most]))
        conditions.append(condition)
    return conditions


def cases_of_age(cases: QuerySet[Case], *, category: str, band: str, now: datetime) -> QuerySet[Case]:
    """The open cases behind one figure of `age_report`: of `category` ("all": every one) and age `band`
    (a label of AGE_BANDS, or "total": any age). The same conditions the report counts with."""
    chosen = cases.filter(status__in=Case.OPEN_STATES)
    if category != "all":
        chosen = chosen.filter(category_id=category)
    labels = [label for label, _fewest, _most in AGE_BANDS]
    if band in labels:
        bands = age_band_conditions(timezone.localtime(now, UK_TIME).date(), WorkingCalendar())
        chosen = chosen.filter(bands[labels.index(band)])
    return chosen


def _recent_working_days(today: date, calendar: WorkingCalendar, *, count: int) -> list[date]:
    """The `count` most recent working days, today first if today is one."""
    day = today if calendar.is_working_day(today) else calendar.previous_working_day(today)
    days = [day]
    while len(days) < count:
        days.append(calendar.previous_working_day(days[-1]))
    return days


def _age_row(key: str, label: str, counts: list[int]) -> dict:
    bands = {band[0]: count for band, count in zip(AGE_BANDS, counts, strict=True)}
    return {"key": key, "label": label, "bands": bands, "total": sum(counts)}



def escalations_report(*, cases: QuerySet[Case], first_day: date, last_day: date) -> dict:
    """Escalations raised on UK dates from `first_day` to `last_day`, by month and ladder level. One query."""
    per_month = (
        Alert.objects.filter(
            on_uk_dates("created_at", first_day, last_day),
            case__in=cases.values("pk"),
            kind=Alert.Kind.ESCALATION,
        )
        .annotate(month=uk_month("created_at"))
        .values("month")
        .annotate(**{f"level_{level}": Count("pk", filter=Q(level=level)) for level in LEVELS})
        .order_by("month")
    )
    rows = [
        _escalation_row(month_key(row["month"]), month_label(row["month"]), [row[f"level_{level}"] for level in LEVELS])
        for row in per_month
    ]
    overall = [sum(row["by_level"][str(level)] for row in rows) for level in LEVELS]
    return {"rows": rows, "overall": _escalation_row("all", "All months", overall)}


def _escalation_row(key: str, label: str, counts: list[int]) -> dict:
    return {
        "key": key,
        "label": label,
        "total": sum(counts),
        "by_level": {str(level): count for level, count in zip(LEVELS, counts, strict=True)},
    }



def provision_report(*, cases: QuerySet[Case], keyword: str = "") -> dict:
    """Undelivered EHCP provision by plan section, provider and a keyword of what was not delivered. One query.

    The keyword is the first word of the provision item's description, lower-cased,
    unless one is asked for: then only items whose description contains it count.
    Days to restore are working days of eight working hours: the `working_seconds_taken`
    of each resolved case's latest resolve clock (from logging, or from reopening, to
    resolution, less time waiting on the family), its median taken by the database.
    """
    undelivered = undelivered_provision(cases, keyword=keyword)
    per_item = (
        undelivered.annotate(
            # At most one current clock of each kind per case (a constraint), so the join adds no rows.
            latest_resolve=FilteredRelation(
                "clocks", condition=Q(clocks__kind=ClockKind.RESOLVE, clocks__superseded_at__isnull=True)
            ),
        )
        .values("section", "provider", "keyword")
        .annotate(
            cases=Count("pk"),
            resolved=Count("pk", filter=RESOLVED),
            median_working_seconds=Percentile("latest_resolve__working_seconds_taken", 0.5, filter=RESOLVED),
        )
        .order_by("section", "provider", "keyword")
    )
    return {"keyword": keyword.strip().lower() or None, "rows": [_provision_row(row) for row in per_item]}


def undelivered_provision(cases: QuerySet[Case], *, keyword: str = "") -> QuerySet[Case]:
    """Concerns that provision was not delivered, with the row of the report each falls in (`section`,
    `provider`, `keyword`; "" where not recorded); only those about an item that mentions `keyword`, if given."""
    undelivered = cases.filter(category_id=PROVISION_CATEGORY)
    keyword = keyword.strip().lower()
    if keyword:
        undelivered = undelivered.filter(provision_item__description__icontains=keyword)
        keyword_expression = Value(keyword)
    else:
        keyword_expression = _first_word("provision_item__description")
    return undelivered.annotate(
        section=Coalesce("provision_item__section", Value("")),
        provider=Coalesce("provision_item__provider", Value("")),
        keyword=Coalesce(keyword_expression, Value("")),
    )


def undelivered_provision_behind(
    cases: QuerySet[Case], *, keyword: str, section: str, provider: str, word: str, resolved: bool
) -> QuerySet[Case]:
    """The concerns behind one row's "concerns" figure of `provision_report`, or its "resolved" one."""
    chosen = undelivered_provision(cases, keyword=keyword).filter(section=section, provider=provider, keyword=word)
    return chosen.filter(RESOLVED) if resolved else chosen


def _first_word(path: str):
    text = Trim(path)
    return Lower(Substr(text, 1, StrIndex(Concat(text, Value(" ")), Value(" ")) - 1))


def _provision_row(row: dict) -> dict:
    sections = dict(ProvisionItem.Section.choices)
    return {
        "section": row["section"] or "",
        "section_label": sections.get(row["section"], "No provision item recorded"),
        "provider": row["provider"],
        "keyword": row["keyword"],
        "cases": row["cases"],
        "resolved": row["resolved"],
        "median_working_days_to_restore": seconds_in(row["median_working_seconds"], WORKING_DAY_SECONDS),
    }
