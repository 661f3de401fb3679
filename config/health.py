"""Health checks for load balancers and orchestrators: `/healthz` and `/readyz`.

They are answered by a middleware at the head of the stack, before the host check, the HTTPS redirect,
sessions and sign-in: a load balancer asks by the server's own address over plain HTTP, and a probe
must never create a session or read a user. Neither says anything about any case or person.

- `/healthz`: the process answers. No query, no connection: it stays 200 while the database is down,
  so an orchestrator does not restart every web server because PostgreSQL restarted.
- `/readyz`: this server can serve requests now: the database answers, every migration in the code
  has been applied, and the Celery broker accepts a connection. 503 naming the check that is down.
"""

import logging

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponseNotAllowed, JsonResponse

from config.celery import app as celery_app

logger = logging.getLogger(__name__)

PROBE_METHODS = ("GET", "HEAD")

# Migrations applied once stay applied for the life of this process (new code means a new process),
# so after the first success the migration graph is not read from disk again on every probe.
migrations_known_applied = False


def database_answers() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return True


def unapplied_migrations() -> list:
    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def migrations_applied() -> bool:
    global migrations_known_applied
    if not migrations_known_applied:
        migrations_known_applied = not unapplied_migrations()
    return migrations_known_applied


def broker_answers() -> bool:
    # The broker's transport options bound the wait (2 s to connect to Redis, one try).
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1)
    return True


READINESS_CHECKS = {"database": database_answers, "migrations": migrations_applied, "broker": broker_answers}
# Without a database the migrations cannot be read: that check fails rather than trust an earlier answer.
NEEDS_DATABASE = {"migrations"}


def passes(name: str, check) -> bool:
    try:
        return check()
    except Exception:
        # A probe must answer, whatever is wrong; the reason goes to the log, never to the caller.
        logger.warning("Readiness check %s failed", name, exc_info=True)
        return False


def healthz() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz() -> JsonResponse:
    results = {}
    for name, check in READINESS_CHECKS.items():
        database_down = name in NEEDS_DATABASE and not results["database"]
        results[name] = not database_down and passes(name, check)
    ready = all(results.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **{name: "ok" if up else "down" for name, up in results.items()}},
        status=200 if ready else 503,
    )


PROBES = {"/healthz": healthz, "/readyz": readyz}


def health_checks(get_response):
    """Middleware, first in the stack: answers the two probe addresses itself, and nothing else."""

    def middleware(request):
        probe = PROBES.get(request.path_info)
        if probe is None:
            return get_response(request)
        if request.method not in PROBE_METHODS:
            return HttpResponseNotAllowed(PROBE_METHODS)
        response = probe()
        # A cached "ready" would hide an outage.
        response["Cache-Control"] = "no-store"
        return response

    return middleware
