"""Every Celery task has an explicit name and soft and hard time limits, and beat schedules only real tasks."""

import gc
import json
import os
import subprocess
import sys

import pytest
from celery.signals import worker_process_init
from django.conf import settings

from config.celery import app

APPS = ("accounts.", "casework.", "escalations.", "notifications.", "statutory.", "casefile.", "provision.")


def project_tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if name.startswith(APPS)}


def test_the_project_has_its_tasks():
    assert {"escalations.sla_sweep", "notifications.tasks.send_notification"} <= set(project_tasks())


@pytest.mark.parametrize("name", sorted(project_tasks()))
def test_each_task_stops_softly_before_it_is_stopped_hard(name):
    task = project_tasks()[name]

    assert task.soft_time_limit, f"{name} has no soft time limit"
    assert task.time_limit, f"{name} has no hard time limit"
    assert task.soft_time_limit < task.time_limit


def test_each_task_is_named_where_it_is_written_not_by_where_the_module_happens_to_be():
    for name, task in project_tasks().items():
        app_name = name.split(".")[0]
        assert task.__module__.startswith(f"{app_name}."), (name, task.__module__)


def test_beat_schedules_only_tasks_that_exist():
    names = set(project_tasks())
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in names


def test_the_folder_broker_keeps_everything_it_writes_under_var(tmp_path):
    """With no Redis, the folder broker's queues and exchange tables are under VAR_DIR, never the working tree."""
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings.local")
    printed = subprocess.run(
        [sys.executable, "-c", "import json; from django.conf import settings; print(json.dumps(settings.CELERY_BROKER_TRANSPORT_OPTIONS))"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    options = json.loads(printed)

    for folder in ("data_folder_in", "data_folder_out", "control_folder"):
        assert options[folder].startswith(str(tmp_path)), (folder, options[folder])


def test_a_worker_process_leaves_what_it_loaded_at_start_out_of_garbage_collection():
    # A test that ran a worker in this process may have frozen it already.
    gc.unfreeze()
    try:
        worker_process_init.send(sender=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
