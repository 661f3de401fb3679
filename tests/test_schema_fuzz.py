"""A schema-driven client and the server agree: every operation of the OpenAPI schema, fuzzed by
schemathesis as a parent, an officer and a manager, gets no server error and no answer the schema does
not describe (status code, content type, body, headers).

Bounded so it stays under a minute in `make test`: a few examples an operation, derandomised (the same
examples every run, so a failure is reproducible), no shrinking.
"""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings, strategies
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.tokens import token_issue
from casework.services import case_acknowledge, case_log
from config.wsgi import application

EXAMPLES_AN_OPERATION = 6
# Server errors and answers the schema does not describe. Not "a valid request must be accepted": a wrong
# password, or an action that does not fit a case's state, is a schema-valid request rightly refused.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def api_schema() -> schemathesis.BaseSchema:
    spec = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True), default=str))
    schema = schemathesis.openapi.from_dict(spec)
    schema.app = application
    return schema


def operations():
    return [result.ok() for result in api_schema().get_all_operations()]


@pytest.fixture
def connection_kept_across_requests():
    """The app is called as a WSGI server would call it, which closes the database connection after each
    request; the test's transaction lives on that connection, so keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(borough, connection_kept_across_requests):
    """Something for each role to find: cases of both families, one acknowledged."""
    first = case_log(actor=borough.parent1, child_id=borough.child1.pk, category_slug="other",
                     summary="Therapy stopped", description="No sessions since September")
    case_log(actor=borough.parent2, child_id=borough.child2.pk, category_slug="transport",
             summary="No bus", description="The bus has not come for a week")
    case_acknowledge(actor=first.accountable_officer.user, case=first)
    return borough


ROLES = {
    "parent": lambda borough: borough.parent1,
    "officer": lambda borough: borough.officer1.user,
    "manager": lambda borough: borough.head_of_service.user,
}


def summary_of(failure: BaseException) -> str:
    """The failure's own lines, without schemathesis' reproduction advice."""
    lines = [line.strip() for line in str(failure).split("Reproduce with")[0].splitlines() if line.strip()]
    return " | ".join(lines)[:600]


def failures_of(operation, headers, calls: list[str]) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES_AN_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategies.one_of(operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)))
    def run(case):
        calls.append(operation.label)
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001 - every failure is reported together
            found.append(f"{operation.label}: {summary_of(failure)}")
        finally:
            # Each example in its own savepoint would be slower; a rolled-back statement must not poison the rest.
            if connection.needs_rollback:
                connection.needs_rollback = False

    run()
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_answers_as_the_schema_says_for_each_role(world, role):
    _, token = token_issue(user=ROLES[role](world))
    headers = {"Authorization": f"Token {token}"}

    calls: list[str] = []
    every_operation = operations()

    failures = [failure for operation in every_operation for failure in failures_of(operation, headers, calls)]

    assert failures == [], "\n".join(failures)
    assert {operation.label for operation in every_operation} == set(calls)
    print(f"{role}: {len(calls)} requests over {len(every_operation)} operations")
