"""Celery tasks of the escalations app: thin, safe to run twice, scheduled in config/settings/base.py."""

from celery import shared_task

from core.tasks import SWEEP_LIMITS

from .services import sla_sweep


@shared_task(name="escalations.sla_sweep", **SWEEP_LIMITS)
def run_sla_sweep() -> int:
    """Every minute: send what has fallen due. Returns how many reminders and escalations went out."""
    result = sla_sweep()
    return result.alerts
