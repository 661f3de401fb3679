"""Liveness and readiness for the load balancer and the orchestrator, open without signing in."""

from django.db import connection
from django.http import JsonResponse

from config.celery import app


def healthz(request):
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """The process can serve: the database answers, and so does the broker that carries tasks to the workers."""
    checks = {"database": _database_ready(), "broker": _broker_ready()}
    ready = all(checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **{name: "ok" if up else "down" for name, up in checks.items()}},
        status=200 if ready else 503,
    )


def _database_ready() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except Exception:  # noqa: BLE001 - any failure means not ready; the answer says which
        return False


def _broker_ready() -> bool:
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001
        return False
