"""The open-data table a council publishes: its SLA figures by month and category, small numbers suppressed."""

from datetime import datetime

from casework.models import Case
from escalations.models import ClockKind, OpenDataPublication

from .sla import STATES, clock_state_counts, with_latest_clocks, with_totals
from .sql import month_key, uk_month

# Open data: a count this small could point to a family, so it is published only as a phrase.
SMALL_COUNT_LIMIT = 4
SMALL_COUNT = "fewer than 5"




def open_data_publication_for(organisation_id: int) -> OpenDataPublication | None:
    """The council's publication, if it is published now."""
    return (
        OpenDataPublication.objects.filter(organisation_id=organisation_id, published=True)
        .select_related("organisation")
        .first()
    )


def open_data_sla(*, publication: OpenDataPublication, now: datetime) -> dict:
    """Every case of the council by month logged and category, counted by resolve clock. One query.

    Only category slugs and names, months and counts: nothing about a person, and no
    text anyone typed. Counts of 1 to 4 are published as "fewer than 5".
    """
    clocks = with_latest_clocks(Case.objects.filter(organisation=publication.organisation), kinds=[ClockKind.RESOLVE])
    per_month = (
        clocks.values("category_id", "category__name", "category__position", month=uk_month("created_at"))
        .annotate(**clock_state_counts(now))
        .order_by("month", "category__position", "category_id")
    )
    return {
        "organisation": {"id": publication.organisation_id, "name": publication.organisation.name},
        "published_at": publication.published_at,
        "rows": [
            {
                "month": month_key(row["month"]),
                "category": row["category_id"],
                "category_name": row["category__name"],
                **suppress_small_counts(with_totals(row)),
            }
            for row in per_month
        ],
    }


def suppress_small_counts(figures: dict) -> dict:
    """Counts of 1 to 4 become "fewer than 5"; compliance is withheld if any count it uses was."""
    counts = ("total", *STATES)
    suppressed = {name: SMALL_COUNT if 1 <= figures[name] <= SMALL_COUNT_LIMIT else figures[name] for name in counts}
    inputs_hidden = any(suppressed[name] == SMALL_COUNT for name in ("met", "breached", "open_breached"))
    return {**suppressed, "compliance": None if inputs_hidden else figures["compliance"]}
