"""Celery tasks of the provision app: thin, safe to run twice, scheduled in config/settings/base.py."""

from celery import shared_task

from core.tasks import SWEEP_LIMITS

from .ending import support_ending_sweep
from .gaps import provision_gap_sweep
from .partitions import delivery_partitions_ensure
from .services import uk_today


@shared_task(name="provision.gap_sweep", **SWEEP_LIMITS)
def run_provision_gap_sweep() -> int:
    """Hourly: raise a concern for each item whose delivery has fallen short. Returns how many were raised."""
    return provision_gap_sweep()


@shared_task(name="provision.support_ending_sweep", **SWEEP_LIMITS)
def run_support_ending_sweep() -> int:
    """Hourly: remind of support ending soon; raise a concern for support that ended undecided."""
    return support_ending_sweep(today=uk_today())


@shared_task(name="provision.delivery_partitions", **SWEEP_LIMITS)
def make_delivery_partitions() -> list[str]:
    """Daily: make the sessions table's partitions for the months ahead. Returns the names of those made."""
    return delivery_partitions_ensure(today=uk_today())
