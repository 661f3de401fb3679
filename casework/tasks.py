"""Celery tasks of the casework app: thin, each calls one service."""

from celery import shared_task

from core.tasks import SWEEP_LIMITS
from escalations.selectors import pauses_past_their_limit

from .selectors import cases_due_follow_up
from .services import case_follow_up_send, case_resume_after_pause_limit
from .staffing import SAFETY_NET_FOLLOWERS, cases_reroute_orphans


@shared_task(name="casework.resume_expired_pauses", **SWEEP_LIMITS)
def resume_expired_pauses() -> int:
    """Every few minutes: resume cases that have waited on the family longer than the limit."""
    pauses = list(pauses_past_their_limit().select_related("case")[:500])
    for pause in pauses:
        case_resume_after_pause_limit(case=pause.case)
    return len(pauses)


@shared_task(name="casework.reroute_orphaned_cases", **SWEEP_LIMITS)
def reroute_orphaned_cases() -> int:
    """Every few minutes: the safety net for a case (or what follows cases) whose owner became inactive by any route."""
    return cases_reroute_orphans() + sum(follow() for follow in SAFETY_NET_FOLLOWERS)


@shared_task(name="casework.ask_families_if_fixed", **SWEEP_LIMITS)
def ask_families_if_fixed() -> int:
    """Hourly: ask each family whose case was resolved four weeks ago whether the problem is still fixed."""
    cases = list(cases_due_follow_up()[:500])
    for case in cases:
        case_follow_up_send(case=case)
    return len(cases)
