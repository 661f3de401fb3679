"""Reports may read from a replica (README, "Growing past one machine"): the router sends a report's reads to
`REPORTS_DATABASE` and every write to the primary. Here the replica is a second alias on the same database."""

from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from core.database import ReportReadsRouter, report_reads
from escalations.models import ClosureDay
from reports.selectors import sla_scope_of
from reports.sla import sla_report
from tests.escalations.conftest import log_case, uk
from tests.factories import UserFactory

LOGGED_AT = uk(2026, 11, 23, 10)
LATER = uk(2026, 12, 8, 11, 30)
BOTH = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


def tables_read(queries) -> set[str]:
    return {table for query in queries for table in ("casework_case", "escalations_clock") if table in query["sql"]}


@BOTH
def test_a_report_reads_its_figures_from_the_replica_and_who_is_asking_from_the_primary(borough, api, settings):
    settings.REPORTS_DATABASE = "replica"
    log_case(borough, when=LOGGED_AT)
    api.as_user(UserFactory(is_superuser=True, is_staff=True))

    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        response = api.get("/api/reports/sla/?group_by=team")

    assert response.status_code == 200 and response.json()["overall"]["total"] == 1
    assert tables_read(replica.captured_queries) == {"casework_case", "escalations_clock"}
    assert tables_read(primary.captured_queries) == set()


@BOTH
def test_report_selectors_read_the_replica_and_a_change_made_meanwhile_writes_the_primary(borough, settings):
    settings.REPORTS_DATABASE = "replica"
    log_case(borough, when=LOGGED_AT)
    superuser = UserFactory(is_superuser=True)

    with CaptureQueriesContext(connections["replica"]) as replica, report_reads():
        scope = sla_scope_of(superuser, date(2026, 11, 1), date(2026, 12, 31))
        report = sla_report(scope=scope, group_by="team", clock="resolve", now=LATER)
        ClosureDay.objects.create(date=date(2026, 12, 24), reason="Council closed")

    assert report["overall"]["total"] == 1
    assert tables_read(replica.captured_queries) == {"casework_case", "escalations_clock"}
    # Reads only; the percentiles' query has a transaction of its own for its memory setting (SET LOCAL).
    assert all(
        query["sql"].lstrip().upper().startswith(("SELECT", "WITH", "BEGIN", "COMMIT"))
        for query in replica.captured_queries
    )
    assert ClosureDay.objects.using("default").filter(date=date(2026, 12, 24)).exists()


@BOTH
def test_with_no_replica_a_report_reads_the_primary(borough, api):
    log_case(borough, when=LOGGED_AT)
    api.as_user(UserFactory(is_superuser=True, is_staff=True))

    with CaptureQueriesContext(connections["replica"]) as replica, CaptureQueriesContext(connections["default"]) as primary:
        response = api.get("/api/reports/sla/?group_by=team")

    assert response.status_code == 200 and response.json()["overall"]["total"] == 1
    assert replica.captured_queries == []
    assert tables_read(primary.captured_queries) == {"casework_case", "escalations_clock"}


def test_the_router_sends_every_write_and_every_read_outside_a_report_to_the_primary(settings):
    settings.REPORTS_DATABASE = "replica"
    router = ReportReadsRouter()

    with report_reads():
        in_a_report = (router.db_for_read(None), router.db_for_write(None))

    assert in_a_report == ("replica", "default")
    assert router.db_for_read(None) == "default"
    assert router.allow_migrate("replica", "casework") is False
