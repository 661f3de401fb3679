"""The settings each environment gets from its variables. Settings are read once, when Django starts, so each
test starts a fresh Python with the environment it describes."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

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
        timeout=60,
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
