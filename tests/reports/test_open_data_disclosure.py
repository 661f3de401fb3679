"""Open data: no hidden count can be worked out from what is published beside it.

Each published row says total = met + breached + open_within + open_breached. A reader who knows the
rules (a count of 1 to 4 reads "fewer than 5", and in a row whose total reads so, every count does,
0 included; a count withheld to protect another is 5 or more) tries every value each hidden count could take and keeps those that fit the row. Every
hidden count must keep at least two possible values. The table publishes no column totals (no sum over
months or categories), so a column gives no equation to solve.
"""

from itertools import product

import pytest

from reports.open_data import SMALL_COUNT, WITHHELD, suppress_small_counts
from reports.sla import STATES
from tests.reports.test_open_data import JSON_URL, NOVEMBER_20, public_get
from tests.reports.test_open_data import small_council as small_council_fixture

LARGEST_TRIED = 40


def possible_values(cell, *, small_row=False) -> range:
    """What a reader knows a published cell may be."""
    if cell == SMALL_COUNT:
        return range(0 if small_row else 1, 5)
    if cell == WITHHELD:
        return range(5, LARGEST_TRIED + 1)
    return range(cell, cell + 1)


def what_a_reader_can_work_out(row: dict) -> dict:
    """For each hidden count, every value that fits the row's sum, found by trying them all."""
    hidden = [name for name in ("total", *STATES) if not isinstance(row[name], int)]
    seen = {name: set() for name in hidden}
    small_row = row["total"] == SMALL_COUNT
    for states in product(*(possible_values(row[name], small_row=small_row) for name in STATES)):
        total = sum(states)
        if total not in possible_values(row["total"]) and row["total"] != WITHHELD:
            continue
        values = {"total": total, **dict(zip(STATES, states))}
        for name in hidden:
            seen[name].add(values[name])
    return seen


def published(met, breached, open_within, open_breached):
    counts = {"met": met, "breached": breached, "open_within": open_within, "open_breached": open_breached}
    total = sum(counts.values())
    decided = met + breached + open_breached
    return suppress_small_counts({**counts, "total": total, "compliance": met / decided if decided else None})


def test_the_row_of_the_issue_no_longer_gives_away_its_hidden_count():
    # Total 6, 5 met and 1 open: with the total shown, "fewer than 5" open within time was 6 - 5 = 1.
    row = published(met=5, breached=0, open_within=1, open_breached=0)

    assert row["open_within"] == SMALL_COUNT
    assert what_a_reader_can_work_out(row)["open_within"] == {1, 2, 3, 4}


def test_two_hidden_counts_that_could_only_both_be_1_are_protected():
    # Total 12 with 10 met: two "fewer than 5" summing to 2 could only be 1 and 1.
    row = published(met=10, breached=1, open_within=1, open_breached=0)

    assert all(len(values) > 1 for values in what_a_reader_can_work_out(row).values())


def test_a_row_with_nothing_small_is_published_whole():
    assert published(met=5, breached=6, open_within=0, open_breached=7) == {
        "total": 18, "met": 5, "breached": 6, "open_within": 0, "open_breached": 7, "compliance": 5 / 18,
    }


@pytest.mark.parametrize("met", range(0, 9))
def test_no_hidden_count_of_any_small_row_can_be_worked_out(met):
    # Every row with counts from 0 to 8 in each state: 6,561 rows, the borders of "fewer than 5" included.
    worked_out = []
    for breached, open_within, open_breached in product(range(0, 9), repeat=3):
        row = published(met, breached, open_within, open_breached)
        for name, values in what_a_reader_can_work_out(row).items():
            if len(values) < 2:
                worked_out.append(((met, breached, open_within, open_breached), name, values))

    assert worked_out == []


def test_compliance_is_withheld_whenever_a_count_it_is_worked_from_is_hidden():
    for counts in product(range(0, 9), repeat=4):
        row = published(*counts)
        if any(not isinstance(row[name], int) for name in ("met", "breached", "open_breached")):
            assert row["compliance"] is None, counts


small_council = small_council_fixture


def test_the_published_table_hides_the_count_that_subtraction_gave_away(borough, small_council):
    body = public_get(JSON_URL, borough.organisation, when=NOVEMBER_20).json()

    other = next(row for row in body["rows"] if row["category"] == "other")
    assert other["open_within"] == SMALL_COUNT
    assert what_a_reader_can_work_out(other)["open_within"] == {1, 2, 3, 4}
    for row in body["rows"]:
        assert all(len(values) > 1 for values in what_a_reader_can_work_out(row).values()), row
