"""Against a real broker and a real worker: run with REDIS_URL set (skipped otherwise)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from config.celery import app as celery_app
from notifications.models import Notification

from .factories import UserFactory


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_committed_notification_reaches_the_outbox_through_a_real_worker(celery_broker, enqueue, mailoutbox):
    family_member = UserFactory(username="parent1", email="parent1@example.org")
    celery_broker.use(os.environ["REDIS_URL"])
    # Anything an interrupted earlier run left on this test database's queue would only get in the way.
    celery_app.control.purge()

    with start_worker(celery_app, perform_ping_check=False, shutdown_timeout=30):
        with transaction.atomic():
            enqueue(family_member)
        deadline = time.monotonic() + 10
        while not mailoutbox and time.monotonic() < deadline:
            time.sleep(0.1)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["parent1@example.org"]
    assert Notification.objects.get(channel=Notification.Channel.EMAIL).status == Notification.Status.SENT
