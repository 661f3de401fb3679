"""What the benchmark scripts share: Django set up against the bench database, and the seed's metadata.

The bench database is its own (`send_casework_bench` unless DATABASE_URL says
otherwise). Its `bench_meta` table is written by `seed.py` and read by
`bench.py`: the seed's reference moment T0, the number of cases, and the ids
of the people the benchmarks act as. It is plain SQL, not a Django model:
nothing in the app knows about it.
"""

import json
import os
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS = Path(os.environ.get("BENCH_RESULTS", BENCH_DIR / "results"))
# How long one report may run before PostgreSQL stops it (statement_timeout), in seconds.
REPORT_TIMEOUT = int(os.environ.get("BENCH_REPORT_TIMEOUT", "90"))
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/send_casework_bench"


def setup_django() -> None:
    """Production-like settings: DEBUG off (no query log), persistent connections."""
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-anything-else")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
    os.environ.setdefault("SITE_URL", "http://127.0.0.1:8000")
    # Production settings refuse to guess a broker; in-process benchmarks only queue tasks, never run them.
    os.environ.setdefault("CELERY_BROKER_URL", "filesystem://")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def meta_get(cursor) -> dict:
    cursor.execute("SELECT to_regclass('bench_meta') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return {}
    cursor.execute("SELECT key, value FROM bench_meta")
    return {key: value if not isinstance(value, str) else json.loads(value) for key, value in cursor.fetchall()}


def meta_put(cursor, values: dict) -> None:
    cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb NOT NULL)")
    for key, value in values.items():
        cursor.execute(
            "INSERT INTO bench_meta (key, value) VALUES (%s, %s::jsonb) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, json.dumps(value, default=str)],
        )


def applied_migrations(cursor) -> list[str]:
    cursor.execute("SELECT app || '.' || name FROM django_migrations ORDER BY app, name")
    return [row[0] for row in cursor.fetchall()]


def load_meta() -> dict:
    """The seed's metadata, with its reference moment T0 as a datetime. Needs Django set up."""
    from datetime import datetime

    from django.db import connection

    with connection.cursor() as cursor:
        meta = meta_get(cursor)
    if not meta:
        raise SystemExit("The bench database has not been seeded: run bench/run.sh.")
    meta["t0_at"] = datetime.fromisoformat(meta["t0"])
    return meta


class QueryCount:
    """Counts queries with almost no overhead (no SQL kept), for timed runs: `connection.execute_wrapper(counter)`."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)
