"""The settings each environment gets from its variables. Settings are read once, when Django starts, so each
test starts a fresh Python with the environment it describes."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Variables that would leak this test run's own configuration into the settings under test.
LEAKY = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "VAR_DIR"}


def run_python(code, *, settings, tmp_path, **env):
    environment = {key: value for key, value in os.environ.items() if key not in LEAKY}
    environment.update(DJANGO_SETTINGS_MODULE=settings, VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        # A guard against a child that hangs, not a time limit: migrating a new database takes over a minute
        # on a busy two-core machine.
        timeout=300,
    )


def test_make_run_web_and_worker_can_write_to_the_sqlite_file_at_the_same_time(tmp_path):
    # Two writers that both read before they write, as the worker sending a notification and a parent sending a
    # message do. With SQLite's default transactions the second fails at once with "database is locked".
    result = run_python(
        """
        import threading, time
        import django
        django.setup()
        from django.db import connection, transaction

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE outbox (id INTEGER PRIMARY KEY, body TEXT)")
        connection.close()
        errors = []

        def read_then_write(name):
            try:
                with transaction.atomic():
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT COUNT(*) FROM outbox")
                        time.sleep(0.3)
                        cursor.execute("INSERT INTO outbox (body) VALUES (%s)", [name])
            except Exception as error:
                errors.append(repr(error))
            finally:
                connection.close()

        writers = [threading.Thread(target=read_then_write, args=(name,)) for name in ("web", "worker")]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM outbox")
            print(errors, cursor.fetchone()[0])
        """,
        settings="config.settings.local",
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "2", result.stdout
    assert "locked" not in result.stdout


def production(tmp_path, **overrides):
    """A realistic production environment; a value of None leaves that variable out."""
    environment = {
        "SECRET_KEY": "production-secret-key-for-these-tests-only-3f9a6c1e8b2d7f4a0c5e9b1d6a8f2c4e",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "redis://redis.example:6379/0",
        "ALLOWED_HOSTS": "send.example.gov.uk",
        "SITE_URL": "https://send.example.gov.uk",
        **overrides,
    }
    return {name: value for name, value in environment.items() if value is not None}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS", "SITE_URL"])
def test_production_refuses_to_start_without_its_configuration_and_says_what_is_missing(tmp_path, missing):
    result = run_python(
        "import django; django.setup()",
        settings="config.settings.production",
        tmp_path=tmp_path,
        **production(tmp_path, **{missing: None}),
    )

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing} is not set. Production needs it" in result.stderr, result.stderr


def test_production_starts_with_a_broker_named_by_celery_broker_url_instead_of_redis_url(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.CELERY_BROKER_URL)",
        settings="config.settings.production",
        tmp_path=tmp_path,
        **production(tmp_path, REDIS_URL=None, CELERY_BROKER_URL="amqp://rabbit.example//"),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "amqp://rabbit.example//"


def test_production_serves_the_stylesheet_and_govuk_frontend_after_collectstatic(tmp_path):
    result = run_python(
        """
        import django
        django.setup()
        from django.core.management import call_command
        from django.templatetags.static import static
        from django.test import Client

        call_command("collectstatic", interactive=False, verbosity=0)
        client = Client()
        for name in ("casework/casework.css", "govuk/govuk-frontend.min.js", "casework/init.mjs"):
            response = client.get(static(name), secure=True, HTTP_HOST="send.example.gov.uk")
            print(name, response.status_code, response.get("Cache-Control"))
        """,
        settings="config.settings.production",
        tmp_path=tmp_path,
        **production(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    served = {line.split()[0]: line.split(maxsplit=2)[1:] for line in result.stdout.splitlines() if "/" in line}
    assert served["casework/casework.css"][0] == "200", result.stdout
    assert served["govuk/govuk-frontend.min.js"][0] == "200", result.stdout
    assert served["casework/init.mjs"][0] == "200", result.stdout
    # The names carry a hash of the content, so browsers may keep them for good.
    assert "immutable" in served["casework/casework.css"][1]


@pytest.mark.parametrize("settings_module", ["config.settings.local", "config.settings.production"])
def test_a_session_lasts_half_an_hour_unused_unless_the_council_chooses_otherwise(tmp_path, settings_module):
    show = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"

    environment = production(tmp_path)

    default = run_python(show, settings=settings_module, tmp_path=tmp_path, **environment)
    chosen = run_python(show, settings=settings_module, tmp_path=tmp_path, SESSION_IDLE_MINUTES="15", **environment)

    assert default.stdout.split()[-1] == str(30 * 60), default.stderr
    assert chosen.stdout.split()[-1] == str(15 * 60), chosen.stderr


@pytest.mark.parametrize("settings_module", ["config.settings.local", "config.settings.production"])
def test_a_log_line_is_written_once_with_its_time_level_and_logger(tmp_path, settings_module):
    result = run_python(
        """
        import logging
        import django
        django.setup()
        logging.getLogger("django.request").error("Internal Server Error: /concerns/")
        logging.getLogger("casework.staffing").warning("Case SEND-1 has an inactive owner")
        """,
        settings=settings_module,
        tmp_path=tmp_path,
        **production(tmp_path),
    )

    lines = [line for line in result.stderr.splitlines() if "/concerns/" in line or "SEND-1" in line]
    assert len(lines) == 2, result.stderr
    assert " ERROR django.request: Internal Server Error: /concerns/" in lines[0]
    assert " WARNING casework.staffing: Case SEND-1 has an inactive owner" in lines[1]


@pytest.mark.parametrize("threshold, prepared", [(None, True), ("off", False)], ids=["default", "off"])
def test_postgresql_plans_a_statement_a_connection_keeps_running_once_unless_told_not_to(tmp_path, threshold, prepared):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("Prepared statements are PostgreSQL's: set DATABASE_URL to a PostgreSQL server.")
    # The server's own database: the one this run names may be only the stem of its test databases.
    server = url.rsplit("/", 1)[0] + "/postgres"
    environment = {"DATABASE_URL": server}
    if threshold is not None:
        environment["DATABASE_PREPARE_THRESHOLD"] = threshold
    result = run_python(
        """
        import django
        django.setup()
        from django.db import connection

        with connection.cursor() as cursor:
            for number in range(10):
                cursor.execute("SELECT %s::integer + 1", [number])
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            print(cursor.fetchone()[0])
        """,
        settings="config.settings.local",
        tmp_path=tmp_path,
        **environment,
    )

    assert result.returncode == 0, result.stderr
    assert (int(result.stdout.split()[-1]) > 0) is prepared
