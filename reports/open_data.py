"""The open-data table a council publishes: its SLA figures by month and category, small numbers suppressed."""

import math
from datetime import datetime

from casework.models import Case
from escalations.models import ClockKind, OpenDataPublication

from .sla import STATES, clock_state_counts, with_latest_clocks, with_totals
from .sql import month_key, uk_month

# Open data: a count this small could point to a family, so it is published only as a phrase.
SMALL_COUNT_LIMIT = 4
SMALL_COUNT = "fewer than 5"
# A count hidden so that a small one beside it cannot be worked out by subtraction: 5 or more.
WITHHELD = "withheld"
COUNTS = ("total", *STATES)


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
    text anyone typed. Counts of 1 to 4 are published as "fewer than 5", and others withheld so that
    none of those can be worked out (`hidden_counts`).
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
    """Counts of 1 to 4 read "fewer than 5", then more are withheld until none of them can be worked out
    from its row (see `hidden_counts`); compliance is withheld if any count it uses is hidden."""
    hidden = hidden_counts(figures)
    published = {name: hidden.get(name, figures[name]) for name in COUNTS}
    inputs_hidden = any(name in hidden for name in ("met", "breached", "open_breached"))
    return {**published, "compliance": None if inputs_hidden else figures["compliance"]}


def hidden_counts(figures: dict) -> dict:
    """Which counts of a row are hidden, and how each reads.

    Primary suppression: a count from 1 to 4 reads "fewer than 5".
    A row whose total is from 1 to 4: every count in it reads "fewer than 5", 0 included (so a row of
    total 4 with four counts of 1 cannot be read as exactly that).
    Secondary suppression, for a row whose total is 5 or more: each row says total = met + breached +
    open_within + open_breached, so one hidden count is the total less the others. While any hidden count
    can be narrowed to one value (`worked_out`), another is withheld ("withheld", so 5 or more): the
    smallest count shown that alone protects the row, else the smallest shown, then the total, which
    leaves nothing to subtract from. The table has no column totals, so its columns give no sum to solve.
    """
    if is_small(figures["total"]):
        return {name: SMALL_COUNT for name in COUNTS}
    hidden = {name: SMALL_COUNT for name in STATES if is_small(figures[name])}
    while worked_out(figures, hidden):
        candidates = sorted((name for name in STATES if name not in hidden and figures[name]), key=figures.get)
        candidates.append("total")
        protecting = [name for name in candidates if not worked_out(figures, {**hidden, name: WITHHELD})]
        hidden[(protecting or candidates)[0]] = WITHHELD
    return hidden


def is_small(count: int) -> bool:
    return 1 <= count <= SMALL_COUNT_LIMIT


# What a reader knows of a hidden count in a row whose total is shown: its lowest and highest value.
READS = {SMALL_COUNT: (1, SMALL_COUNT_LIMIT), WITHHELD: (SMALL_COUNT_LIMIT + 1, math.inf)}


def worked_out(figures: dict, hidden: dict) -> bool:
    """Whether a reader can narrow some hidden count to one value from the row's sum.

    With the total withheld there is no sum to solve. Otherwise the hidden counts add up to the total less
    the counts shown; each can be at least that less the others' highest values, and at most that less
    their lowest (whole numbers in ranges, so every value between is possible).
    """
    if "total" in hidden or not hidden:
        return False
    rest = figures["total"] - sum(figures[name] for name in STATES if name not in hidden)
    for name, reads in hidden.items():
        lowest, highest = READS[reads]
        others = [READS[other] for other_name, other in hidden.items() if other_name != name]
        can_be_from = max(lowest, rest - sum(high for _low, high in others))
        can_be_to = min(highest, rest - sum(low for low, _high in others))
        if can_be_to - can_be_from < 1:
            return True
    return False
