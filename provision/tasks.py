"""Celery tasks of the provision app: thin, safe to run twice, scheduled in config/settings/base.py."""

from celery import shared_task

from .gaps import provision_gap_sweep


# A sweep of 20,000 items due takes well under a minute (README, Performance); the limits stop a stuck one
# holding a worker, and the next run picks up whatever it left, since a check moves on only when it is done.
@shared_task(name="provision.gap_sweep", soft_time_limit=240, time_limit=300)
def run_provision_gap_sweep() -> int:
    """Hourly: raise a concern for each item whose delivery has fallen short. Returns how many were raised."""
    return provision_gap_sweep()
