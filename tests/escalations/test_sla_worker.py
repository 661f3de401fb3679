"""The sweep runs by itself: a real Celery beat and worker, on the real Redis, against the test database.

Run with REDIS_URL set and DATABASE_URL pointing at PostgreSQL (the worker is another process, so
it cannot see pytest's in-memory SQLite database); skipped otherwise. Beat sends the every-minute
sweep, the worker runs it, and nothing in this test calls the sweep: a few seconds, at most a minute.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from casework.services import case_log
from escalations.models import Alert, Clock, ClockKind
from notifications.models import Notification

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis for the worker: set REDIS_URL"),
]

CELERY = Path(sys.executable).with_name("celery")
WAIT_SECONDS = 90


def database_url() -> str:
    """The URL of the database this test is using right now (pytest-django's test database)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def start(args, *, env, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(CELERY), "-A", "config", *args],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def schedule_sweep_now(filename: Path) -> None:
    """Write beat's schedule file as if the sweep last ran two minutes ago, so beat sends it at start.

    A fresh schedule file makes beat wait one whole interval (a minute) before the first sweep;
    beat keeps `last_run_at` from the file for an entry whose name it already knows.
    """
    from celery.beat import PersistentScheduler

    from config.celery import app as celery_app

    scheduler = PersistentScheduler(app=celery_app, schedule_filename=str(filename))
    try:
        for entry in scheduler.schedule.values():
            if entry.task == "escalations.sla_sweep":
                entry.last_run_at = scheduler.app.now() - timedelta(minutes=2)
        scheduler.sync()
    finally:
        scheduler.close()


def stop(process: subprocess.Popen) -> None:
    """Stop one process we started (and its own process group), politely and then firmly."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.mark.django_db(transaction=True)
def test_beat_and_a_worker_send_a_reminder_that_has_fallen_due_without_anyone_calling_the_sweep(
    borough, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("the worker is another process: it needs the test database on PostgreSQL (set DATABASE_URL)")
    # Logged now, for real: the acknowledgement is days away, but its reminder point is made to have passed.
    case = case_log(
        actor=borough.parent1,
        child_id=borough.child1.pk,
        category_slug="other",
        summary="Nobody has replied about the annual review",
        description="The review meeting was in September.",
    )
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    clock = Clock.objects.get(case=case, kind=ClockKind.ACKNOWLEDGE)
    assert clock.due_at > timezone.now() + timedelta(hours=1)
    clock.remind_at = a_minute_ago
    clock.next_check_at = a_minute_ago
    clock.save()
    officer = case.accountable_officer

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": os.environ["REDIS_URL"],
        "REDIS_URL": os.environ["REDIS_URL"],
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "false",
    }
    worker = beat = None
    try:
        worker = start(
            ["worker", "--pool=solo", "--concurrency=1", "--without-gossip", "--without-mingle", "-l", "info"],
            env=env,
            log=tmp_path / "worker.log",
        )
        schedule_sweep_now(tmp_path / "beat-schedule")
        beat = start(
            ["beat", "--schedule", str(tmp_path / "beat-schedule"), "-l", "info"], env=env, log=tmp_path / "beat.log"
        )
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            sent = (
                Alert.objects.filter(case=case, kind=Alert.Kind.REMINDER).exists()
                and Notification.objects.filter(recipient=officer.user, template="officer_reminder").exists()
            )
            if sent or worker.poll() is not None or beat.poll() is not None:
                break
            time.sleep(1)
    finally:
        for process in (beat, worker):
            if process is not None:
                stop(process)

    logs = "\n".join(
        f"--- {name} ---\n{(tmp_path / name).read_text()[-3000:]}"
        for name in ("worker.log", "beat.log")
        if (tmp_path / name).exists()
    )
    reminder = Alert.objects.filter(case=case, kind=Alert.Kind.REMINDER).first()
    assert reminder is not None, f"no reminder within {WAIT_SECONDS} seconds\n{logs}"
    assert reminder.recipient == officer
    assert reminder.clock_id == clock.pk
    assert Alert.objects.filter(case=case).count() == 1
    rows = Notification.objects.filter(recipient=officer.user, template="officer_reminder")
    assert rows.filter(channel=Notification.Channel.IN_APP).count() == 1, logs
    assert case.events.filter(kind="reminder").count() == 1
