"""A national report's percentiles may sort in `REPORT_WORK_MEM` (README "Configuration"), and nothing else may."""

import pytest
from django.db import connection

from core.database import report_memory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def work_mem(cursor) -> str:
    cursor.execute("SHOW work_mem")
    return cursor.fetchone()[0]


def test_the_report_query_has_the_memory_set_aside_and_the_next_query_has_the_servers_own(settings):
    settings.REPORT_WORK_MEM = "96MB"
    with connection.cursor() as cursor:
        servers_own = work_mem(cursor)

    with report_memory("default") as cursor:
        inside = work_mem(cursor)
    with connection.cursor() as cursor:
        after = work_mem(cursor)

    assert servers_own != "96MB"
    assert inside == "96MB"
    assert after == servers_own
