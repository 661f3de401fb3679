"""A coordinator who leaves takes nobody's process with them: processes move with the cases (DESIGN.md invariant 1)."""

import pytest

from casework.staffing import officer_offboard
from casework.tasks import reroute_orphaned_cases
from core.exceptions import Conflict
from statutory.models import Process
from tests.factories import OfficerFactory

from .conftest import start_assessment


def test_offboarding_a_coordinator_with_a_successor_moves_their_processes_to_the_successor(borough):
    process = start_assessment(borough)
    leaver = process.coordinator
    successor = OfficerFactory(team=borough.north)
    officer_offboard(actor=borough.north.manager.user, officer=leaver, successor=successor.pk, note="Moving on.")
    process.refresh_from_db()
    assert process.coordinator == successor
    assert process.history.order_by("-history_id").first().history_user == borough.north.manager.user


def test_offboarding_without_a_successor_routes_each_process_to_an_active_officer_of_the_team(borough):
    process = start_assessment(borough)
    leaver = process.coordinator
    officer_offboard(actor=borough.north.manager.user, officer=leaver, note="Leaving the council.")
    process.refresh_from_db()
    assert process.coordinator != leaver
    assert process.coordinator.active
    assert process.coordinator.team == borough.north


def test_a_process_nobody_can_take_stops_the_offboarding_and_nothing_changes(borough, monkeypatch):
    process = start_assessment(borough)
    leaver = process.coordinator
    monkeypatch.setattr("statutory.services.officer_choose_in_team", lambda **kwargs: None)
    with pytest.raises(Conflict):
        officer_offboard(actor=borough.north.manager.user, officer=leaver, note="Leaving.")
    leaver.refresh_from_db()
    assert leaver.active
    assert Process.objects.get(pk=process.pk).coordinator == leaver


def test_the_safety_net_gives_an_orphaned_process_an_active_coordinator(borough):
    process = start_assessment(borough)
    leaver = process.coordinator
    # Deactivated by another route than offboarding (the admin's raw edit, say).
    type(leaver).objects.filter(pk=leaver.pk).update(active=False)
    assert reroute_orphaned_cases() >= 1
    process.refresh_from_db()
    assert process.coordinator.active
    assert process.coordinator != leaver
