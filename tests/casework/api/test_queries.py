"""How many queries the busiest API requests take (bench/README.md): a fixed number, however many
cases the list holds and whatever state they are in."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tokens import token_issue
from casework.models import Cover, Officer
from tests.escalations.conftest import at, log_case, uk

LOGGED_AT = uk(2026, 11, 23, 10)
NOW = uk(2026, 12, 8, 11, 30)


def client_with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user)[1]}")
    return client


def queries_for(client, method, path, body=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, body, format="json") if body else getattr(client, method)(path)
    assert response.status_code in (200, 201), response.content
    return len(captured.captured_queries), response.json()


def log_many(borough, count, *, when):
    # Half safeguarding, so the list holds escalated cases whose next step needs the working-day calendar.
    return [log_case(borough, when=when, category="other", safeguarding=n % 2 == 0) for n in range(count)]


def test_an_officers_queue_takes_the_same_few_queries_however_many_cases_and_escalations_it_holds(borough):
    log_many(borough, 2, when=LOGGED_AT)
    client = client_with_token(borough.officer1.user)
    with at(NOW):
        # The first request after a start fills the cache of closure days (core.read_mostly): one query more.
        queries_for(client, "get", "/api/cases/?mine=true")
        few, body = queries_for(client, "get", "/api/cases/?mine=true")
    first_count = body["count"]
    log_many(borough, 10, when=LOGGED_AT)
    with at(NOW):
        many, body = queries_for(client, "get", "/api/cases/?mine=true")

    assert body["count"] > first_count
    assert all(case["sla"]["breached"] and case["sla"]["next_escalation"] for case in body["results"])
    # Token with user and officer; whom the officer covers (for the scope, then for `mine`);
    # count; cases; officers; the cases' teams and councils, with the rungs of the ladder; clocks;
    # covers in force. The closure days come from the cache (core.read_mostly).
    assert few == many == 10


def test_a_parents_list_takes_a_fixed_number_of_queries(borough):
    log_many(borough, 3, when=LOGGED_AT)
    client = client_with_token(borough.parent1)
    with at(NOW):
        queries, body = queries_for(client, "get", "/api/cases/")

    assert body["count"] == 3
    # Token with user and officer; the children's ids; count; cases; officers; the cases' teams
    # and councils, with the rungs of the ladder; clocks; covers in force; closure days.
    assert queries == 10


# Without safeguarding: the token, the child, the team's officers (locked, with the rungs of their
# team's ladder and whether each already holds an open case for the child), the family; then the
# reference (from a sequence), the case and its history, its hash chain moved on (casework.models.chain)
# and the event, the three clocks in one insert, whoever covers the officer (they hear of the new case
# too, and the answer names them), and the outbox (preferences, one insert); and the savepoint the
# test's transaction puts round the service (two statements the service has none of in production).
# The answer is the case as the service left it: nothing is read back. The kind of concern, routing
# rules, SLA policy and closure days come from the cache (core.read_mostly).
# Safeguarding adds the alert to the team manager (insert, read back), its event and its link in the
# chain, and that message (preferences, insert): the case is saved once, at its first rung.
@pytest.mark.parametrize("safeguarding, expected", [(False, 15), (True, 21)])
def test_logging_a_concern_takes_a_fixed_number_of_queries(borough, safeguarding, expected):
    client = client_with_token(borough.parent1)
    body = {"child": borough.child1.pk, "category": "other", "summary": "Transport", "description": "No bus",
            "safeguarding": safeguarding}
    queries_for(client, "post", "/api/cases/", body)

    queries, created = queries_for(client, "post", "/api/cases/", body)

    assert created["reference"].endswith("-000002")
    assert queries == expected


def test_the_answer_to_logging_a_concern_is_the_case_as_the_list_then_shows_it(borough):
    # Nothing is read back after logging, so the answer must be built from exactly what was written.
    client = client_with_token(borough.parent1)
    answers, shown = [], []
    with at(NOW):
        for safeguarding in (False, True, True):
            body = {"child": borough.child1.pk, "category": "other", "summary": "Transport",
                    "description": "No bus", "safeguarding": safeguarding}
            _, created = queries_for(client, "post", "/api/cases/", body)
            _, listed = queries_for(client, "get", "/api/cases/")
            answers.append(created)
            shown.append(next(case for case in listed["results"] if case["id"] == created["id"]))
            if len(answers) == 2:
                plan_weeks_of_cover(borough, Officer.objects.get(pk=created["accountable_officer"]["id"]), 1)

    assert shown == answers
    assert answers[1]["sla"]["next_escalation"]["level"] == 2
    assert answers[2]["covered_by"] is not None


def plan_weeks_of_cover(borough, officer, weeks):
    """Test set-up: a week's cover for `officer` in each of the coming `weeks`, by officers of both teams."""
    colleagues = [borough.north.officers.exclude(pk=officer.pk).filter(is_manager=False).first(), borough.officer2]
    already = Cover.objects.filter(officer=officer).count()
    for week in range(already, already + weeks):
        starts_at = NOW + timedelta(weeks=week)
        Cover.objects.create(officer=officer, cover_officer=colleagues[week % 2], starts_at=starts_at,
                             ends_at=starts_at + timedelta(days=4), set_by=borough.north.manager.user)


def test_an_officers_cover_list_takes_a_fixed_number_of_queries_however_much_cover_is_arranged(borough):
    officer = borough.officer1
    client = client_with_token(borough.north.manager.user)
    plan_weeks_of_cover(borough, officer, 2)
    with at(NOW):
        few, body = queries_for(client, "get", f"/api/officers/{officer.pk}/cover/")
    plan_weeks_of_cover(borough, officer, 8)
    with at(NOW):
        many, body = queries_for(client, "get", f"/api/officers/{officer.pk}/cover/")

    assert body["count"] == 10
    # Token with user and officer; the officer asked about; whether the manager oversees their team; whether
    # they stand above them on the ladder; count; the cover, with both officers, their sign-ins and teams.
    assert few == many == 6
