"""Celery tasks of the casefile app: thin, each calls one service."""

from celery import shared_task

from core.tasks import NIGHTLY_LIMITS

from .services import case_files_verify


@shared_task(name="casefile.verify_case_files", **NIGHTLY_LIMITS)
def verify_case_files() -> int:
    """Nightly: recompute every case's chain, seal it, record the digest and tell administrators of any break."""
    return len(case_files_verify(nightly=True).breaks)
