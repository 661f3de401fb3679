"""The case as the API writes it (API.md "The case").

`CaseOutput` writes the case by hand, because DRF's field machinery was most of the time of a
queue page; its declared fields still describe it in the schema. These tests hold the two
equal, byte for byte, for a case in every shape: new, paused, escalated, breached, covered,
resolved and closed.
"""

from datetime import timedelta

import pytest
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from casework import services
from casework.api.serializers import CaseDetailOutput, CaseOutput, CoverBrief, SlaOutput
from casework.models import Cover
from casework.selectors import cases_visible_to
from escalations.selectors import case_sla
from tests.escalations.conftest import at, log_case, sweep, uk

LOGGED_AT = uk(2026, 11, 23, 10)
NOW = uk(2026, 12, 8, 11, 30)


def as_declared(case, now) -> dict:
    """What the declared fields of `CaseOutput` write for `case`, through DRF's own machinery."""
    written = serializers.ModelSerializer.to_representation(CaseOutput(context={"now": now}), case)
    written["sla"] = SlaOutput(case_sla(case, now=now)).data
    covers = case.accountable_officer.covers_in_force
    written["covered_by"] = CoverBrief(covers[0]).data if covers else None
    return written


@pytest.fixture
def cases_in_every_shape(borough):
    officer = borough.officer1
    new = log_case(borough, when=LOGGED_AT)
    paused = log_case(borough, when=LOGGED_AT, category="other")
    safeguarding = log_case(borough, when=LOGGED_AT, category="other", safeguarding=True)
    breached = log_case(borough, when=LOGGED_AT - timedelta(days=30), child=borough.child2, category="other")
    resolved = log_case(borough, when=LOGGED_AT, child=borough.child2, category="health")
    closed = log_case(borough, when=LOGGED_AT, child=borough.child2, category="placement")
    with at(LOGGED_AT + timedelta(hours=1)):
        for case in (paused, resolved, closed):
            services.case_acknowledge(actor=case.accountable_officer.user, case=case)
        services.case_await_parent(actor=paused.accountable_officer.user, case=paused, note="Send the letter")
        services.case_resolve(actor=resolved.accountable_officer.user, case=resolved, outcome="Therapy restarted")
        services.case_close(actor=borough.head_of_service.user, case=closed, outcome="Place found")
    sweep(NOW - timedelta(days=1))
    Cover.objects.create(
        officer=new.accountable_officer,
        cover_officer=borough.officer2 if new.accountable_officer != borough.officer2 else officer,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=5),
        set_by=borough.head_of_service.user,
    )
    return [new, paused, safeguarding, breached, resolved, closed]


def test_each_case_is_written_exactly_as_its_declared_fields_would_write_it(borough, cases_in_every_shape):
    with at(NOW):
        cases = list(cases_visible_to(borough.head_of_service.user).order_by("pk"))
        written = CaseOutput(cases, many=True, context={"now": NOW}).data
        expected = [as_declared(case, NOW) for case in cases]

    assert len(cases) == len(cases_in_every_shape)
    assert JSONRenderer().render(written) == JSONRenderer().render(expected)
    assert {case["status"] for case in written} == {"new", "awaiting_parent", "resolved", "closed"}
    assert any(case["sla"]["paused"] for case in written)
    assert any(case["covered_by"] for case in written)
    assert any(case["sla"]["breached"] and case["sla"]["next_escalation"] for case in written)
    assert any(case["sla"]["next_escalation"] is None for case in written)


def test_one_case_with_its_accountability_is_written_as_its_declared_fields_would_write_it(
    borough, cases_in_every_shape
):
    with at(NOW):
        case = cases_visible_to(borough.head_of_service.user).get(pk=cases_in_every_shape[0].pk)
        written = CaseDetailOutput(case, context={"now": NOW}).data
        expected = {**as_declared(case, NOW), "accountability": CaseDetailOutput().fields["accountability"].to_representation(case)}

    assert JSONRenderer().render(written) == JSONRenderer().render(expected)
