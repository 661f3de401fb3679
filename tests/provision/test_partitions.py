"""The sessions table on PostgreSQL: a partition a month, made ahead by a daily task, and nothing lost between.

The test database is migrated today, so its partitions run from this month; the autumn term of 2026 in
these tests may be before them, and its sessions are kept in the default partition until their month is made.
"""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection

from provision.partitions import DEFAULT_PARTITION, delivery_partitions_ensure
from provision.tasks import make_delivery_partitions
from tests.escalations.conftest import at, uk


def partitions() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'provision_delivery'::regclass"
        )
        return {row[0] for row in cursor.fetchall()}


def partition_holding(session_id) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM provision_delivery WHERE id = %s", [session_id])
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_the_sessions_table_is_partitioned_by_month_with_a_default_for_months_not_yet_made(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_partkeydef('provision_delivery'::regclass)")
        assert cursor.fetchone()[0] == 'RANGE ("on")'
    assert DEFAULT_PARTITION in partitions()


@pytest.mark.postgres
def test_the_upkeep_makes_this_month_and_the_next_three_once(db):
    made = delivery_partitions_ensure(today=date(2031, 11, 20))

    assert made == [f"provision_delivery_{month}" for month in ("2031_11", "2031_12", "2032_01", "2032_02")]
    assert set(made) <= partitions()
    assert delivery_partitions_ensure(today=date(2031, 11, 20)) == []


@pytest.mark.postgres
def test_a_session_kept_in_the_default_moves_into_its_month_when_made_and_still_reads_the_same(borough, bodies, api):
    with at(uk(2026, 11, 30, 10)):
        answer = api.as_user(bodies.therapist).post(
            f"/api/provision/{bodies.therapy.pk}/deliveries/",
            {"on": "2026-11-23", "status": "delivered"},
            format="json",
        )
        assert answer.status_code == 201
        session_id = answer.json()["id"]
        before = api.as_user(borough.parent1).get(f"/api/provision/{bodies.therapy.pk}/deliveries/").json()
        if partition_holding(session_id) != "provision_delivery_2026_11":
            assert partition_holding(session_id) == DEFAULT_PARTITION
            delivery_partitions_ensure(today=date(2026, 11, 1), months_ahead=0)

        assert partition_holding(session_id) == "provision_delivery_2026_11"
        assert api.as_user(borough.parent1).get(f"/api/provision/{bodies.therapy.pk}/deliveries/").json() == before


@pytest.mark.postgres
def test_a_session_cannot_be_recorded_twice_for_a_day_across_partitions(borough, bodies, api):
    delivery_partitions_ensure(today=date(2026, 11, 1), months_ahead=0)
    with at(uk(2026, 11, 30, 10)):
        url = f"/api/provision/{bodies.therapy.pk}/deliveries/"
        assert api.as_user(bodies.therapist).post(url, {"on": "2026-11-23", "status": "delivered"}).status_code == 201
        again = api.as_user(bodies.therapist).post(url, {"on": "2026-11-23", "status": "delivered"})

    assert again.status_code == 400
    assert "on" in again.json()


@pytest.mark.postgres
def test_beat_makes_the_partitions_daily_through_a_task_with_time_limits(db):
    schedule = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == "provision.delivery_partitions"
    ]

    assert len(schedule) == 1
    assert make_delivery_partitions.soft_time_limit
    with at(uk(2035, 3, 10, 5)):
        assert make_delivery_partitions.delay().get() == [
            f"provision_delivery_{month}" for month in ("2035_03", "2035_04", "2035_05", "2035_06")
        ]


def test_on_sqlite_the_sessions_are_an_ordinary_table_and_the_upkeep_does_nothing(db):
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL partitions the sessions table")
    assert delivery_partitions_ensure(today=date(2031, 11, 20)) == []
