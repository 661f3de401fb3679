"""Celery tasks of the statutory app: thin, safe to run twice, scheduled in config/settings/base.py."""

from celery import shared_task

from core.tasks import SWEEP_LIMITS

from .sweep import statutory_sweep


# The soft and hard time limits every sweep has (core/tasks.py): the steps already handled are committed.
@shared_task(name="statutory.sweep", **SWEEP_LIMITS)
def run_statutory_sweep() -> int:
    """Every minute: statutory reminders and concerns for legal dates missed. Returns how many went out."""
    result = statutory_sweep()
    return result.reminders + len(result.concerns)
