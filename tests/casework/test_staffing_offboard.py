"""Offboarding an officer (DESIGN.md invariant 1 and "Staff change"; API.md `POST /api/officers/{id}/offboard/`).

Every open case of a leaver is handed over, to a named successor or back through
routing, in one transaction: each case gets a handover event and the leaver's
note, each family is told the new name, and only then is the leaver deactivated.
"""

import itertools
import logging
import threading
import time
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from casework import services, staffing
from casework.models import Case, CaseEvent, Officer
from notifications.models import Notification
from tests.factories import (
    ChildFactory,
    OfficerFactory,
    OrganisationFactory,
    TeamFactory,
    make_team,
)

NOTE = "Mum prefers email. The speech therapist is chasing the school; next review 14 December."
_references = itertools.count(1)


# --- set-up helpers ---------------------------------------------------------------------


def open_cases(
    officer, count, *, child, status=Case.Status.IN_PROGRESS, category="other"
):
    """`count` valid open cases owned by `officer`, made in one INSERT (offboarding does not need their clocks)."""
    logged_by = child.family.memberships.select_related("user").first()
    logged_by = logged_by.user if logged_by else officer.user
    return Case.objects.bulk_create(
        [
            Case(
                reference=f"SEND-2099-{next(_references):06d}",
                organisation_id=officer.team.organisation_id,
                child=child,
                category_id=category,
                summary=f"Concern {n}",
                description="Support in the plan is not being delivered.",
                status=status,
                accountable_officer=officer,
                team=officer.team,
                logged_by=logged_by,
            )
            for n in range(count)
        ]
    )


def case_officers(team):
    return list(team.officers.filter(is_manager=False).order_by("pk"))


def second_officer(team):
    return case_officers(team)[1]


def offboard(api, actor, officer, **body):
    body.setdefault("note", NOTE)
    return api.as_user(actor).post(
        f"/api/officers/{getattr(officer, 'pk', officer)}/offboard/",
        body,
        format="json",
    )


def footprint():
    """Everything offboarding writes, so a refusal can be shown to have written nothing."""
    return {
        "owners": dict(Case.objects.values_list("pk", "accountable_officer_id")),
        "teams": dict(Case.objects.values_list("pk", "team_id")),
        "events": CaseEvent.objects.count(),
        "case_history": Case.history.count(),
        "notifications": Notification.objects.count(),
        "active_officers": set(
            Officer.objects.filter(active=True).values_list("pk", flat=True)
        ),
        "officer_history": Officer.history.count(),
        "active_users": set(
            Officer.objects.filter(user__is_active=True).values_list("pk", flat=True)
        ),
    }


def no_open_case_has_an_inactive_owner():
    return not Case.objects.filter(
        status__in=Case.OWNED_STATES, accountable_officer__active=False
    ).exists()


# --- the whole caseload, handed to a successor --------------------------------------------


def test_offboarding_an_officer_with_500_open_cases_hands_every_case_to_the_successor_and_tells_each_family(
    borough, api
):
    manager = borough.north.manager
    leaver, successor = second_officer(borough.north), borough.officer1
    cases = open_cases(leaver, 500, child=borough.child1)
    ids = [case.pk for case in cases]

    response = offboard(api, manager.user, leaver, successor=successor.pk)

    assert response.status_code == 200, response.content
    assert response.json()["reassigned"] == 500
    assert "500" in response.json()["detail"]
    # Every case has the successor as its one active named officer, and counts a second officer.
    handed = Case.objects.filter(pk__in=ids)
    assert set(handed.values_list("accountable_officer_id", flat=True)) == {
        successor.pk
    }
    assert set(handed.values_list("owner_count", flat=True)) == {2}
    assert set(handed.values_list("team_id", flat=True)) == {borough.north.pk}
    assert no_open_case_has_an_inactive_owner()
    # A public handover event naming the new officer, and the leaver's note as an internal note, on each case.
    handovers = CaseEvent.objects.filter(case_id__in=ids, kind=CaseEvent.Kind.HANDOVER)
    assert sorted(handovers.values_list("case_id", flat=True)) == ids
    assert all(
        not e.internal
        and successor.display_name in e.text
        and leaver.display_name in e.text
        and e.data == {"from_officer_id": leaver.pk, "to_officer_id": successor.pk}
        and e.actor_id == manager.user_id
        for e in handovers
    )
    notes = CaseEvent.objects.filter(case_id__in=ids, kind=CaseEvent.Kind.NOTE)
    assert sorted(notes.values_list("case_id", flat=True)) == ids
    assert all(e.internal and NOTE in e.text for e in notes)
    # History names the manager who did it, and why the case changed.
    history = Case.history.filter(id__in=ids, history_type="~")
    assert history.filter(history_user=manager.user).count() == 500
    assert set(history.values_list("history_change_reason", flat=True)) == {
        f"Named officer changed from {leaver.display_name} to {successor.display_name}"
    }
    assert set(history.values_list("accountable_officer_id", "owner_count")) == {(successor.pk, 2)}
    # The successor hears once that 500 cases are now theirs, with the note, not 500 times.
    to_successor = Notification.objects.filter(recipient=successor.user, channel=Notification.Channel.IN_APP)
    summary = to_successor.get()
    assert summary.template == "officer_cases_handed_over"
    assert summary.context == {
        "case_count": "500", "previous_officer_name": leaver.display_name, "note": NOTE, "up_the_ladder": ""
    }
    assert "500 cases" in summary.subject and NOTE in summary.body
    # The family is told once, across every round, naming each case's new officer.
    [told] = Notification.objects.filter(recipient=borough.parent1, channel=Notification.Channel.IN_APP)
    assert told.template == "family_cases_new_officers" and told.context["case_count"] == "500"
    assert all(f"{case.reference}: {successor.display_name}," in told.body for case in cases)
    # The leaver is inactive and can no longer sign in.
    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert leaver.active is False
    assert leaver.user.is_active is False
    assert (
        APIClient()
        .post(
            "/api/auth/token/",
            {"username": leaver.user.username, "password": "password"},
            format="json",
        )
        .status_code
        == 400
    )
    assert (
        APIClient().login(username=leaver.user.username, password="password") is False
    )
    # What the family sees on one case: the new name, never the staff note.
    timeline = (
        api.as_user(borough.parent1)
        .get(f"/api/cases/{ids[0]}/timeline/")
        .json()["results"]
    )
    assert [e["kind"] for e in timeline] == ["handover"]
    assert successor.display_name in timeline[0]["text"]
    assert NOTE not in str(timeline)
    detail = api.as_user(borough.parent1).get(f"/api/cases/{ids[0]}/").json()
    assert detail["accountable_officer"]["id"] == successor.pk
    # The successor sees the note.
    staff_timeline = (
        api.as_user(successor.user)
        .get(f"/api/cases/{ids[0]}/timeline/")
        .json()["results"]
    )
    assert [e["kind"] for e in staff_timeline] == ["handover", "note"]
    assert NOTE in staff_timeline[1]["text"] and staff_timeline[1]["internal"] is True


def test_offboarding_also_hands_over_resolved_cases_the_family_could_reopen(
    borough, api
):
    leaver, successor = second_officer(borough.north), borough.officer1
    resolved = open_cases(leaver, 1, child=borough.child1, status=Case.Status.RESOLVED)[
        0
    ]
    closed = open_cases(leaver, 1, child=borough.child1, status=Case.Status.CLOSED)[0]

    response = offboard(api, borough.north.manager.user, leaver, successor=successor.pk)

    assert response.status_code == 200, response.content
    assert response.json()["reassigned"] == 1
    resolved.refresh_from_db()
    closed.refresh_from_db()
    assert resolved.accountable_officer_id == successor.pk
    # A closed case keeps the officer who closed it: it is history, not a live responsibility.
    assert closed.accountable_officer_id == leaver.pk


# --- cost grows with the caseload, no faster ------------------------------------------------

# Offboarding hands cases over in rounds of `staffing.HANDOVER_CHUNK`, each a fixed number of queries
# however many cases it holds: lock and read the round's cases with their children, teams and owner;
# through routing, the teams' officers (locked), their open caseloads and the children's open cases;
# UPDATE the cases, INSERT their history rows, INSERT the handover events and notes, read the families'
# members, then the outbox (savepoint, preferences, INSERT, re-read, release). 5 and 50 cases are one round
# each, so they cost the same queries. The little allowed on top is SQLite alone: it splits an INSERT to stay
# under its limit of 999 bound values, and 50 history rows or 100 outbox rows go over it once.
EXTRA_QUERIES_FOR_TEN_TIMES_THE_CASES = 3


@pytest.mark.parametrize("with_successor", [True, False], ids=["successor", "routing"])
def test_offboarding_costs_a_fixed_number_of_queries_however_many_cases(
    borough, api, with_successor
):
    manager = borough.north.manager
    keeper = borough.officer1
    if not with_successor:
        # Continuity holds every case to the same officer, so each case takes the same path through routing.
        open_cases(keeper, 1, child=borough.child1)

    def queries_to_offboard(cases):
        leaver = OfficerFactory(team=borough.north)
        open_cases(leaver, cases, child=borough.child1)
        body = {"successor": keeper.pk} if with_successor else {}
        with CaptureQueriesContext(connection) as queries:
            response = offboard(api, manager.user, leaver, **body)
        assert response.status_code == 200, response.content
        assert response.json()["reassigned"] == cases
        return len(queries)

    queries_to_offboard(
        1
    )  # warm up: preferences, caches and the like, read once per process or person
    counts = {n: queries_to_offboard(n) for n in (5, 50)}

    assert counts[50] - counts[5] <= EXTRA_QUERIES_FOR_TEN_TIMES_THE_CASES, counts
    # And a small fixed cost: one query of it asks whether the leaver coordinates statutory processes, and
    # two are the ladder check (asked before reading the input and again in the service) that keeps a team
    # manager from offboarding the director.
    assert counts[5] <= 33, counts


def test_a_caseload_larger_than_a_round_costs_a_fixed_number_of_queries_a_round(borough, api, monkeypatch):
    monkeypatch.setattr(staffing, "HANDOVER_CHUNK", 10)
    keeper = borough.officer1

    def queries_to_offboard(cases):
        leaver = OfficerFactory(team=borough.north)
        open_cases(leaver, cases, child=borough.child1)
        with CaptureQueriesContext(connection) as queries:
            response = offboard(api, borough.north.manager.user, leaver, successor=keeper.pk)
        assert response.status_code == 200, response.content
        assert response.json()["reassigned"] == cases
        return len(queries)

    queries_to_offboard(1)
    one_round, three_rounds = queries_to_offboard(5), queries_to_offboard(25)

    # Each further round: lock and read its cases, UPDATE, history, events (and their links in the cases'
    # hash chains: two). The families are told once, after the last round; the outbox writes in the service's
    # own transaction, with no savepoint of its own.
    assert three_rounds - one_round == 2 * 6, (one_round, three_rounds)
    # Still one message to the successor for each whole handover.
    summaries = Notification.objects.filter(
        recipient=keeper.user, template="officer_cases_handed_over", channel=Notification.Channel.IN_APP
    ).order_by("id")
    assert [n.context["case_count"] for n in summaries] == ["1", "5", "25"]


# --- all or nothing --------------------------------------------------------------------------


def test_a_failure_half_way_through_leaves_every_case_and_the_officer_as_they_were(
    borough, monkeypatch
):
    leaver, successor = second_officer(borough.north), borough.officer1
    open_cases(leaver, 5, child=borough.child1)
    monkeypatch.setattr(staffing, "HANDOVER_CHUNK", 2)
    real_transfer = staffing.cases_transfer
    rounds = []

    def transfer_failing_in_the_second_round(**kwargs):
        rounds.append([case.pk for case, _to in kwargs["moves"]])
        if len(rounds) == 2:
            raise RuntimeError("database went away")
        return real_transfer(**kwargs)

    monkeypatch.setattr(staffing, "cases_transfer", transfer_failing_in_the_second_round)
    before = footprint()

    with pytest.raises(RuntimeError):
        staffing.officer_offboard(
            actor=borough.north.manager.user,
            officer=leaver,
            successor=successor,
            note=NOTE,
        )

    assert [len(cases) for cases in rounds] == [2, 2]
    assert footprint() == before
    leaver.refresh_from_db()
    assert leaver.active and leaver.user.is_active
    assert set(
        Case.objects.filter(accountable_officer=leaver).values_list("pk", flat=True)
    ) == set(before["owners"])


# --- no successor: back through routing -------------------------------------------------------


@pytest.mark.parametrize("round_size", [250, 2], ids=["one-round", "rounds-of-two"])
def test_without_a_successor_each_case_goes_back_through_routing_never_to_the_leaver(
    borough, api, monkeypatch, round_size
):
    # Rounds of two show that each round sees where the cases of the rounds before it went.
    monkeypatch.setattr(staffing, "HANDOVER_CHUNK", round_size)
    north = borough.north
    officer_a, leaver = case_officers(north)
    officer_c, officer_d = OfficerFactory(team=north), OfficerFactory(team=north)
    # officer_c already holds an open case for child1: continuity sends child1's cases there.
    open_cases(officer_c, 1, child=borough.child1)
    continuing = open_cases(leaver, 2, child=borough.child1)
    fresh_children = [
        ChildFactory(family__organisation=borough.organisation) for _ in range(7)
    ]
    fresh = [open_cases(leaver, 1, child=child)[0] for child in fresh_children]

    response = offboard(api, north.manager.user, leaver)

    assert response.status_code == 200, response.content
    assert response.json()["reassigned"] == 9
    owners = dict(
        Case.objects.filter(pk__in=[c.pk for c in continuing + fresh]).values_list(
            "pk", "accountable_officer_id"
        )
    )
    assert all(owners[c.pk] == officer_c.pk for c in continuing)
    assert leaver.pk not in owners.values()
    assert north.manager_id not in owners.values()
    assert set(owners.values()) <= {officer_a.pk, officer_c.pk, officer_d.pk}
    # Least-loaded: the remaining officers end up with caseloads at most one apart.
    loads = [
        Case.objects.filter(accountable_officer=o, status__in=Case.OPEN_STATES).count()
        for o in (officer_a, officer_c, officer_d)
    ]
    assert sum(loads) == 10
    assert max(loads) - min(loads) <= 1, loads
    # Each handover event names the officer the case actually went to.
    for event in CaseEvent.objects.filter(
        case_id__in=owners, kind=CaseEvent.Kind.HANDOVER
    ):
        assert event.data["to_officer_id"] == owners[event.case_id]
    # Each officer who took cases on hears once, with how many.
    took = Counter(owners.values())
    summaries = Notification.objects.filter(
        template="officer_cases_handed_over", channel=Notification.Channel.IN_APP
    )
    assert {(n.recipient.officer.pk, n.context["case_count"]) for n in summaries} == {
        (officer_id, str(count)) for officer_id, count in took.items()
    }
    assert not Notification.objects.filter(template="officer_case_handed_over").exists()
    assert no_open_case_has_an_inactive_owner()


def test_without_a_successor_a_team_with_no_other_case_officer_falls_back_to_its_active_manager(
    borough, api
):
    organisation = borough.organisation
    tiny = make_team(organisation, "Tiny Team", officers=1)
    tiny.head_of_service = borough.head_of_service
    tiny.save()
    leaver = case_officers(tiny)[0]
    case = open_cases(leaver, 1, child=borough.child1)[0]

    response = offboard(api, tiny.manager.user, leaver)

    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.accountable_officer_id == tiny.manager_id


def tiny_team_with_no_manager(borough, manager_state="missing"):
    """A team of one case officer under the borough's head of service, its manager's post empty or its manager gone."""
    tiny = make_team(borough.organisation, "Tiny Team", officers=1)
    tiny.head_of_service = borough.head_of_service
    tiny.save()
    if manager_state == "inactive":
        Officer.objects.filter(pk=tiny.manager_id).update(active=False)
    else:
        tiny.manager = None
        tiny.save()
    return tiny


def test_without_a_successor_a_team_with_nobody_left_hands_its_cases_to_its_head_of_service_who_is_told_why(
    borough, api, caplog
):
    tiny = tiny_team_with_no_manager(borough)
    # A head of service with a team of their own still holds these cases for the team they belong to.
    borough.head_of_service.team = borough.north
    borough.head_of_service.save()
    leaver = case_officers(tiny)[0]
    cases = open_cases(leaver, 2, child=borough.child1)

    with caplog.at_level(logging.WARNING, logger="casework.services"):
        response = offboard(api, borough.head_of_service.user, leaver)

    assert response.status_code == 200, response.content
    assert response.json()["reassigned"] == 2
    for case in cases:
        case.refresh_from_db()
        assert case.accountable_officer_id == borough.head_of_service.pk
        assert case.team_id == tiny.pk
        assert case.reference in caplog.text
        note = case.events.get(kind=CaseEvent.Kind.NOTE, actor=None)
        assert note.internal and "nobody in Tiny Team can take it" in note.text
    # One message, as for any handover, saying these came up the ladder and what to do.
    summary = Notification.objects.get(
        recipient=borough.head_of_service.user, template="officer_cases_handed_over",
        channel=Notification.Channel.IN_APP,
    )
    assert "These cases came to you because nobody in their teams could take them." in summary.body
    assert "Please take them on yourself, or give them to an officer who can." in summary.body
    assert not Notification.objects.filter(template="manager_case_fallback").exists()
    assert no_open_case_has_an_inactive_owner()


def test_without_a_successor_or_a_head_of_service_a_team_with_nobody_left_hands_its_cases_to_the_director(
    borough, api
):
    tiny = tiny_team_with_no_manager(borough, "inactive")
    Officer.objects.filter(pk=borough.head_of_service.pk).update(active=False)
    leaver = case_officers(tiny)[0]
    case = open_cases(leaver, 1, child=borough.child1)[0]

    response = offboard(api, borough.director.user, leaver)

    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.accountable_officer_id == borough.director.pk and case.team_id == tiny.pk


@pytest.fixture
def administrator(db):
    return get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password")


@pytest.mark.parametrize("manager_state", ["inactive", "missing"])
def test_when_a_case_has_nowhere_to_go_nothing_changes_and_the_409_lists_each_case_and_why(
    borough, api, administrator, manager_state
):
    tiny = tiny_team_with_no_manager(borough, manager_state)
    # Everyone above the team has left too: only an administrator can still offboard its officer.
    Officer.objects.filter(pk__in=[borough.head_of_service.pk, borough.director.pk]).update(active=False)
    leaver = case_officers(tiny)[0]
    stuck = open_cases(leaver, 2, child=borough.child1)
    before = footprint()

    response = offboard(api, administrator, leaver)

    assert response.status_code == 409, response.content
    body = response.json()
    assert "nothing was changed" in body["detail"]
    assert [entry["case"] for entry in body["cases"]] == [
        case.reference for case in stuck
    ]
    assert all("Tiny Team" in entry["reason"] for entry in body["cases"])
    assert footprint() == before


# --- asked twice, and bad input ---------------------------------------------------------------


def test_offboarding_someone_who_has_already_left_changes_nothing_and_says_so(
    borough, api
):
    leaver = second_officer(borough.north)
    first = offboard(
        api, borough.north.manager.user, leaver, successor=borough.officer1.pk
    )
    assert first.status_code == 200, first.content
    before = footprint()

    again = offboard(
        api, borough.north.manager.user, leaver, successor=borough.officer1.pk
    )

    assert again.status_code == 200, again.content
    assert again.json()["reassigned"] == 0
    assert "already left" in again.json()["detail"]
    assert footprint() == before


def _successor_of_another_council(borough):
    return OfficerFactory(
        team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere Council"))
    )


def _director_of_another_council(borough):
    # Heads of service and directors belong to no team: their council is the one they head or direct.
    elsewhere = OrganisationFactory(name="Elsewhere Council")
    director = OfficerFactory(team=None, is_manager=True, job_title="Director")
    elsewhere.director = director
    elsewhere.save()
    return director


def _inactive_officer(borough):
    return OfficerFactory(team=borough.north, active=False)


def _the_leaver(borough):
    return second_officer(borough.north)


def _nobody(borough):
    return 999_999


@pytest.mark.parametrize(
    "successor",
    [
        _successor_of_another_council,
        _director_of_another_council,
        _inactive_officer,
        _the_leaver,
        _nobody,
    ],
    ids=[
        "another-council",
        "another-councils-director",
        "inactive",
        "the-leaver",
        "unknown",
    ],
)
def test_a_successor_who_cannot_take_the_cases_is_a_400_on_successor_and_nothing_changes(
    borough, api, successor
):
    leaver = second_officer(borough.north)
    open_cases(leaver, 3, child=borough.child1)
    chosen = successor(borough)
    before = footprint()

    response = offboard(
        api, borough.north.manager.user, leaver, successor=getattr(chosen, "pk", chosen)
    )

    assert response.status_code == 400, response.content
    assert "successor" in response.json()
    assert footprint() == before


@pytest.mark.parametrize(
    "body",
    [{}, {"note": ""}, {"note": "   "}, {"note": "x" * 5001}],
    ids=["missing", "empty", "blank", "too-long"],
)
def test_offboarding_needs_a_handover_note(borough, api, body):
    leaver = second_officer(borough.north)
    open_cases(leaver, 2, child=borough.child1)
    before = footprint()

    response = api.as_user(borough.north.manager.user).post(
        f"/api/officers/{leaver.pk}/offboard/",
        {"successor": borough.officer1.pk, **body},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "note" in response.json()
    assert footprint() == before


def test_offboarding_an_unknown_officer_is_a_404(borough, api):
    response = offboard(
        api, borough.north.manager.user, 999_999, successor=borough.officer1.pk
    )
    assert response.status_code == 404


# --- who may offboard ------------------------------------------------------------------------


def test_the_head_of_service_may_offboard_an_officer_of_any_team_under_them(
    borough, api
):
    leaver = second_officer(borough.transport)
    case = open_cases(leaver, 1, child=borough.child2, category="transport")[0]

    response = offboard(
        api, borough.head_of_service.user, leaver, successor=borough.officer2.pk
    )

    assert response.status_code == 200, response.content
    case.refresh_from_db()
    assert case.accountable_officer_id == borough.officer2.pk


def _an_officer(borough):
    return borough.officer1.user


def _a_parent(borough):
    return borough.parent1


def _another_teams_manager(borough):
    return borough.transport.manager.user


@pytest.mark.parametrize(
    "actor",
    [_an_officer, _a_parent, _another_teams_manager],
    ids=["officer", "parent", "another-teams-manager"],
)
def test_only_a_manager_over_the_officers_team_may_offboard_them(borough, api, actor):
    leaver = second_officer(borough.north)
    open_cases(leaver, 2, child=borough.child1)
    before = footprint()

    response = offboard(api, actor(borough), leaver, successor=borough.officer1.pk)

    assert response.status_code == 403, response.content
    assert footprint() == before


def test_a_manager_of_another_council_cannot_even_find_the_officer(borough, api):
    elsewhere = make_team(
        OrganisationFactory(name="Elsewhere Council"), "Elsewhere SEND"
    )
    leaver = second_officer(borough.north)
    open_cases(leaver, 1, child=borough.child1)
    before = footprint()

    response = offboard(
        api, elsewhere.manager.user, leaver, successor=borough.officer1.pk
    )

    assert response.status_code == 404, response.content
    assert footprint() == before


def test_a_team_manager_cannot_offboard_the_head_of_service_above_them(borough, api):
    # The head of service belongs to no team; a team manager answers to them and must not be able to remove them.
    before = footprint()

    response = offboard(api, borough.north.manager.user, borough.head_of_service)

    assert response.status_code == 403, response.content
    assert footprint() == before


def test_a_manager_cannot_offboard_themselves(borough, api):
    manager = borough.north.manager
    before = footprint()

    response = offboard(api, manager.user, manager, successor=borough.officer1.pk)

    assert response.status_code == 403, response.content
    assert "Ask your own manager" in response.json()["detail"]
    assert footprint() == before
    manager.refresh_from_db()
    assert manager.active and manager.user.is_active


# --- the management command ------------------------------------------------------------------


def test_the_offboard_officer_command_hands_over_and_reports_what_it_did(borough):
    leaver = second_officer(borough.north)
    cases = open_cases(leaver, 3, child=borough.child1)
    out = StringIO()

    call_command(
        "offboard_officer",
        leaver.user.username,
        "--successor",
        borough.officer1.user.username,
        "--note",
        NOTE,
        "--as",
        borough.north.manager.user.username,
        stdout=out,
    )

    assert "3 cases handed over" in out.getvalue()
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list(
            "accountable_officer_id", flat=True
        )
    ) == {borough.officer1.pk}
    assert (
        CaseEvent.objects.filter(
            case__in=cases,
            kind=CaseEvent.Kind.HANDOVER,
            actor=borough.north.manager.user,
        ).count()
        == 3
    )
    leaver.refresh_from_db()
    assert leaver.active is False


def test_the_offboard_officer_command_reports_a_case_with_nowhere_to_go_as_a_command_error(
    borough,
):
    tiny = tiny_team_with_no_manager(borough)
    leaver = case_officers(tiny)[0]
    stuck = open_cases(leaver, 2, child=borough.child1)
    # The leaver holds them for a team with nobody in it, no manager, no head of service and no director.
    lonely = TeamFactory(organisation=borough.organisation, name="Lonely Team")
    Case.objects.filter(pk__in=[case.pk for case in stuck]).update(team=lonely)
    borough.organisation.director = None
    borough.organisation.save()
    before = footprint()

    with pytest.raises(CommandError) as refused:
        call_command(
            "offboard_officer",
            leaver.user.username,
            "--note",
            NOTE,
            "--as",
            borough.head_of_service.user.username,
        )

    assert "nothing was changed" in str(refused.value)
    assert all(case.reference in str(refused.value) for case in stuck)
    assert footprint() == before


def test_the_council_administrator_can_offboard_with_the_command_as_with_the_admin_site(borough):
    # The administrator is a superuser with no officer record of their own.
    administrator = get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password")
    leaver = second_officer(borough.north)
    cases = open_cases(leaver, 2, child=borough.child1)
    out = StringIO()

    call_command(
        "offboard_officer", leaver.user.username, "--successor", borough.officer1.user.username,
        "--note", NOTE, "--as", administrator.username, stdout=out,
    )

    assert "2 cases handed over" in out.getvalue()
    assert CaseEvent.objects.filter(case__in=cases, kind=CaseEvent.Kind.HANDOVER, actor=administrator).count() == 2


def test_the_offboard_officer_command_refuses_a_family_member_as_the_one_doing_it(borough):
    leaver = second_officer(borough.north)
    open_cases(leaver, 1, child=borough.child1)
    before = footprint()

    with pytest.raises(CommandError, match="Only a manager"):
        call_command("offboard_officer", leaver.user.username, "--note", NOTE, "--as", borough.parent1.username)
    with pytest.raises(CommandError, match="No user with the username 'nobody'"):
        call_command("offboard_officer", leaver.user.username, "--note", NOTE, "--as", "nobody")

    assert footprint() == before


# --- a concern logged while its officer leaves (PostgreSQL: real row locks) ---------------------


def _race(borough, leaver, *, successor, delay_log=0.0):
    """Offboard `leaver` in one thread while a family logs, in another, a concern routing gives to them."""
    barrier = threading.Barrier(2, timeout=15)
    results, errors = {}, []

    def offboarding():
        try:
            Officer.objects.exists()  # open this thread's own connection before the race
            barrier.wait()
            results["offboard"] = staffing.officer_offboard(
                actor=borough.north.manager.user,
                officer=leaver,
                successor=successor,
                note=NOTE,
            )
        except Exception as error:
            errors.append(("offboard", error))
        finally:
            connection.close()

    def logging():
        try:
            Case.objects.exists()
            barrier.wait()
            time.sleep(delay_log)
            results["case"] = services.case_log(
                actor=borough.parent1,
                child_id=borough.child1.pk,
                category_slug="other",
                summary="Still no speech therapy",
                description="Nothing since September.",
            )
        except Exception as error:
            errors.append(("log", error))
        finally:
            connection.close()

    threads = [threading.Thread(target=offboarding), threading.Thread(target=logging)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def _race_set_up(borough):
    """The leaver (the later officer by id) holds child1's open case, so routing would give child1's next concern to them."""
    first, leaver = case_officers(borough.north)
    services.case_log(
        actor=borough.parent1,
        child_id=borough.child1.pk,
        category_slug="other",
        summary="First",
        description="First.",
    )
    Case.objects.update(accountable_officer=leaver)
    return first, leaver


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("with_successor", [True, False], ids=["successor", "routing"])
def test_a_concern_logged_while_its_officer_is_offboarded_never_ends_with_an_inactive_owner(
    borough, with_successor
):
    first, leaver = _race_set_up(borough)

    results, errors = _race(
        borough, leaver, successor=first if with_successor else None
    )

    # The invariant, whatever happened.
    assert no_open_case_has_an_inactive_owner()
    if "case" in results:
        new_case = Case.objects.select_related("accountable_officer").get(
            pk=results["case"].pk
        )
        assert new_case.accountable_officer.active
        assert new_case.accountable_officer_id == first.pk
    # And neither side failed: a family logging a concern must not get a 500 because an officer is leaving.
    assert errors == [], [
        f"{who}: {type(error).__name__}: {error}" for who, error in errors
    ]
    assert results["offboard"].reassigned in (
        1,
        2,
    )  # 2 if the new concern reached the leaver first
    leaver.refresh_from_db()
    assert leaver.active is False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concern_logged_between_the_leaver_and_the_successor_being_locked_does_not_deadlock(
    borough, monkeypatch
):
    """Offboarding locks the leaver, then the successor; routing locks the team's officers in id order.

    When the successor's id is lower than the leaver's, a concern logged in between holds the successor
    and waits for the leaver while offboarding holds the leaver and waits for the successor.
    """
    first, leaver = _race_set_up(borough)
    assert first.pk < leaver.pk
    real_successor = staffing._successor

    def slow_successor(*args, **kwargs):
        time.sleep(
            0.6
        )  # widen the window between the two locks, so the interleaving happens every run
        return real_successor(*args, **kwargs)

    monkeypatch.setattr(staffing, "_successor", slow_successor)

    results, errors = _race(borough, leaver, successor=first, delay_log=0.2)

    assert errors == [], [
        f"{who}: {type(error).__name__}: {error}" for who, error in errors
    ]
    assert no_open_case_has_an_inactive_owner()
