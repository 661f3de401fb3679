"""Helpers for the statutory tests: a needs assessment asked for by the family on a given day."""

from datetime import date

import pytest

from statutory.models import Process
from statutory.services import process_start
from tests.escalations.conftest import at, uk

# The worked example: a request received on Friday 18 December 2026.
RECEIVED = date(2026, 12, 18)


def start_assessment(borough, *, on=RECEIVED, child=None, parent=None) -> Process:
    """The family asks for an EHC needs assessment on the site, during the day `on` (UK time)."""
    child = child or borough.child1
    parent = parent or (borough.parent1 if child == borough.child1 else borough.parent2)
    with at(uk(on.year, on.month, on.day, 10)):
        process = process_start(actor=parent, child_id=child.pk, kind="needs_assessment")
    return Process.objects.get(pk=process.pk)


def step(process, key):
    return process.steps.get(key=key)


@pytest.fixture
def assessment(borough) -> Process:
    return start_assessment(borough)
