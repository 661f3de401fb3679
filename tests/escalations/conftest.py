"""Helpers for the SLA tests: UK moments, time travel, logging a case at a moment, sweeping.

Monday 23 November 2026 is the anchor: the fortnight after it has no bank holiday
until Christmas Day (Friday 25 December) and the Boxing Day substitute (Monday 28
December). In November the UK is on GMT, so UK time and UTC agree.
"""

import contextlib
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from casework.models import Case, CaseEvent
from casework.services import case_log
from escalations.models import Alert
from escalations.services import sla_sweep
from notifications.models import Notification

UK = ZoneInfo("Europe/London")


def uk(year, month, day, hour=0, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def iso_utc(moment: datetime) -> str:
    """A moment as the API writes it: ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.contextmanager
def at(moment: datetime):
    """Stand still at `moment` (no ticking), so timezone.now() is exactly it."""
    with time_machine.travel(moment, tick=False):
        yield


def log_case(borough, *, when, category="provision_not_delivered", safeguarding=False, child=None, parent=None,
             summary="Speech and language therapy not delivered since September") -> Case:
    """Log a concern through the service, as the family, at `when`."""
    child = child or borough.child1
    parent = parent or (borough.parent1 if child == borough.child1 else borough.parent2)
    with at(when):
        case = case_log(
            actor=parent,
            child_id=child.pk,
            category_slug=category,
            summary=summary,
            description="The therapist has not come to school for six weeks.",
            provision_item_id=borough.provision1.pk if category == "provision_not_delivered" and child == borough.child1
            else None,
            safeguarding=safeguarding,
        )
    return Case.objects.get(pk=case.pk)


def sweep(when, times=1):
    """Run the sweep `times` times at `when` (the clock standing still) and return the results."""
    with at(when):
        return [sla_sweep() for _ in range(times)]


def sweep_every_minute(start: datetime, minutes: int, times_each=1):
    """Run the sweep once a minute (or `times_each` times a minute) from `start` for `minutes` minutes."""
    from datetime import timedelta

    for minute in range(minutes + 1):
        sweep(start + timedelta(minutes=minute), times=times_each)


def alerts(case, **filters):
    return Alert.objects.filter(case=case, **filters)


def outbox(user, template):
    return Notification.objects.filter(recipient=user, template=template)


def events(case, kind):
    return CaseEvent.objects.filter(case=case, kind=kind)


@pytest.fixture
def north_manager(borough):
    return borough.north.manager
