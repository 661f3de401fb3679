"""Who may do what to which case: the exact status code of API.md for every role, endpoint and case.

Another family's case, or a case of a team you do not work for, is simply not
found (404, never 403 with data). Someone who can see a case but may not do
this to it gets 403. A manager over the case's team may do everything the
named officer may.
"""

from types import SimpleNamespace

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from casework import services
from casework.models import Case, CaseEvent, CaseMessage
from tests.factories import OfficerFactory, OrganisationFactory, TeamFactory

ROLES = ["parent1", "parent2", "officer1", "officer1b", "officer2", "north_manager", "head", "stranger", "anonymous"]

# Who can see each case at all; everyone else gets 404.
SEES = {
    "north": {"parent1", "officer1", "officer1b", "north_manager", "head"},
    "transport": {"parent2", "officer2", "head"},
}
# Who may move each case: the named officer and the managers over its team.
MOVES = {
    "north": {"officer1", "north_manager", "head"},
    "transport": {"officer2", "head"},
}
# endpoint: (method, path under the case, body, the state the case must be in, kind of rule, status after)
ENDPOINTS = {
    "detail": ("get", "", None, "new", "read", None),
    "timeline": ("get", "timeline/", None, "new", "read", None),
    "messages": ("post", "messages/", {"text": "Any news?"}, "in_progress", "message", None),
    "acknowledge": ("post", "acknowledge/", {}, "new", "move", "acknowledged"),
    "start": ("post", "start/", {}, "acknowledged", "move", "in_progress"),
    "await-parent": ("post", "await-parent/", {"note": "Please send the letter."}, "in_progress", "move", "awaiting_parent"),
    "resume": ("post", "resume/", {}, "awaiting_parent", "move", "in_progress"),
    "resolve": ("post", "resolve/", {"outcome": "Therapy restarted."}, "in_progress", "move", "resolved"),
    "close": ("post", "close/", {"outcome": "The family moved away."}, "in_progress", "move", "closed"),
    "reopen": ("post", "reopen/", {"reason": "It stopped again."}, "resolved", "reopen", "in_progress"),
    "reassign": ("post", "reassign/", {"note": "Going on leave."}, "new", "move", "new"),
}
PATH_TO = {
    "new": [],
    "acknowledged": ["acknowledge"],
    "in_progress": ["acknowledge", "start"],
    "awaiting_parent": ["acknowledge", "start", "await_parent"],
    "resolved": ["acknowledge", "start", "resolve"],
}


def expected_status(role, case_key, rule):
    if role == "anonymous":
        return 401
    if role not in SEES[case_key]:
        return 404
    if rule == "read":
        return 200
    if rule == "message":
        return 201
    if rule == "reopen":
        # API.md: the family (own case) and staff may reopen.
        return 200
    return 200 if role in MOVES[case_key] else 403


def bring_to(case, state, actor):
    for step in PATH_TO[state]:
        service = getattr(services, f"case_{step}")
        extra = {"outcome": "Done."} if step == "resolve" else {}
        case = service(actor=actor, case=case, **extra)
    return case


def log_with_named_officer(parent, child, category, officer):
    case = services.case_log(
        actor=parent, child_id=child.pk, category_slug=category, summary="Not delivered", description="Since May."
    )
    # Test set-up: pin the named officer, whoever routing chose (test_routing.py covers the choice).
    if case.accountable_officer_id != officer.pk:
        case.accountable_officer = officer
        case.team = officer.team
        case.save()
    return case


@pytest.fixture
def world(borough, stranger):
    b = borough
    officer1b = b.north.officers.filter(is_manager=False).exclude(pk=b.officer1.pk).get()
    officer2b = b.transport.officers.filter(is_manager=False).exclude(pk=b.officer2.pk).get()
    cases = {
        "north": log_with_named_officer(b.parent1, b.child1, "other", b.officer1),
        "transport": log_with_named_officer(b.parent2, b.child2, "transport", b.officer2),
    }
    return SimpleNamespace(
        borough=b,
        cases=cases,
        owners={"north": b.officer1, "transport": b.officer2},
        # Whom a reassignment hands each case to.
        successors={"north": officer1b, "transport": officer2b},
        users={
            "parent1": b.parent1,
            "parent2": b.parent2,
            "officer1": b.officer1.user,
            "officer1b": officer1b.user,
            "officer2": b.officer2.user,
            "north_manager": b.north.manager.user,
            "head": b.head_of_service.user,
            "stranger": stranger,
            "anonymous": None,
        },
    )


def client_for(world, role):
    client = APIClient()
    if world.users[role] is not None:
        client.force_authenticate(user=world.users[role])
    return client


def footprint(case):
    case.refresh_from_db()
    return (
        case.status,
        case.accountable_officer_id,
        CaseEvent.objects.filter(case=case).count(),
        CaseMessage.objects.filter(case=case).count(),
        case.history.count(),
    )


def attempt(world, role, endpoint, case_key, case):
    """One request, rolled back afterwards so every role meets the case in the same state.

    Returns the mismatches with the contract, as readable lines.
    """
    method, suffix, body, _state, rule, status_after = ENDPOINTS[endpoint]
    if endpoint == "reassign":
        body = {**body, "officer": world.successors[case_key].pk}
    expected = expected_status(role, case_key, rule)
    problems = []
    with transaction.atomic():
        before = footprint(case)
        url = f"/api/cases/{case.pk}/{suffix}"
        client = client_for(world, role)
        response = client.post(url, body, format="json") if method == "post" else client.get(url)
        where = f"{role} {method.upper()} {endpoint} on the {case_key} case"
        if response.status_code != expected:
            problems.append(f"{where}: {response.status_code}, expected {expected}: {response.content[:200]!r}")
        elif expected >= 400:
            if case.reference in response.content.decode():
                problems.append(f"{where}: the {expected} answer names the case")
            if footprint(case) != before:
                problems.append(f"{where}: refused with {expected} but something was written")
        elif rule == "message":
            if CaseMessage.objects.filter(case=case, author=world.users[role]).count() != 1:
                problems.append(f"{where}: no message was stored")
        elif rule != "read":
            case.refresh_from_db()
            if response.json()["status"] != status_after or case.status != status_after:
                problems.append(f"{where}: status {case.status}, expected {status_after}")
            if endpoint == "reassign" and case.accountable_officer_id != world.successors[case_key].pk:
                problems.append(f"{where}: the named officer did not change")
        transaction.set_rollback(True)
    case.refresh_from_db()
    return problems


@pytest.mark.parametrize("case_key", ["north", "transport"])
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_role_gets_exactly_the_status_code_the_contract_gives_for_each_case_endpoint(world, endpoint, case_key):
    _method, _suffix, _body, state, _rule, _after = ENDPOINTS[endpoint]
    case = bring_to(world.cases[case_key], state, world.owners[case_key].user)

    problems = [problem for role in ROLES for problem in attempt(world, role, endpoint, case_key, case)]

    assert problems == []


def test_only_staff_may_list_officers(world):
    expected = {"anonymous": 401, "parent1": 403, "parent2": 403, "stranger": 403}
    answers = {role: client_for(world, role).get("/api/officers/").status_code for role in ROLES}
    assert answers == {role: expected.get(role, 200) for role in ROLES}


def test_officers_list_never_shows_staff_of_another_council(world):
    other_council = OrganisationFactory(name="Elsewhere Council")
    elsewhere_officer = OfficerFactory(team=TeamFactory(organisation=other_council))
    elsewhere_director = OfficerFactory(team=None, is_manager=True, job_title="Director")
    other_council.director = elsewhere_director
    other_council.save()

    response = client_for(world, "officer1").get("/api/officers/")

    assert response.status_code == 200
    ids = {officer["id"] for officer in response.json()["results"]}
    assert world.borough.officer1.pk in ids
    assert elsewhere_officer.pk not in ids
    assert elsewhere_director.pk not in ids


# The managers' staff actions, each with the fields a manager must fill in.
STAFF_ACTIONS = {
    "offboard": ("/api/officers/{officer}/offboard/", {"note"}),
    "cover": ("/api/officers/{officer}/cover/", {"cover_officer", "ends_at"}),
    "bulk reassign": ("/api/cases/reassign/", {"cases", "officer", "note"}),
}


@pytest.mark.parametrize("action", list(STAFF_ACTIONS))
def test_a_staff_action_posted_empty_refuses_whoever_may_not_act_before_asking_for_the_missing_fields(world, action):
    path, fields = STAFF_ACTIONS[action]
    url = path.format(officer=world.successors["north"].pk)
    may_act = {"north_manager", "head"}

    answers = {role: client_for(world, role).post(url, {}, format="json") for role in ROLES}

    statuses = {role: response.status_code for role, response in answers.items()}
    assert statuses == {role: 401 if role == "anonymous" else 400 if role in may_act else 403 for role in ROLES}
    for role in may_act:
        assert set(answers[role].json()) == fields, role
    assert world.successors["north"].active


# Which cases and children each role's lists hold: never anyone else's.
LISTS = {
    "parent1": ({"north"}, {"child1"}),
    "parent2": ({"transport"}, {"child2"}),
    "officer1": ({"north"}, {"child1"}),
    "officer1b": ({"north"}, {"child1"}),
    "officer2": ({"transport"}, {"child2"}),
    "north_manager": ({"north"}, {"child1"}),
    "head": ({"north", "transport"}, {"child1", "child2"}),
    "stranger": (set(), set()),
}


def test_case_and_children_lists_hold_only_what_each_role_may_see(world):
    all_children = {"child1": world.borough.child1.pk, "child2": world.borough.child2.pk}
    seen, expected = {}, {}
    for role, (case_keys, child_keys) in LISTS.items():
        client = client_for(world, role)
        cases = client.get("/api/cases/")
        children = client.get("/api/children/")
        seen[role] = (
            cases.status_code,
            children.status_code,
            cases.json()["count"],
            {case["id"] for case in cases.json()["results"]},
            {child["id"] for child in children.json()["results"]},
        )
        expected[role] = (
            200,
            200,
            len(case_keys),
            {world.cases[key].pk for key in case_keys},
            {all_children[key] for key in child_keys},
        )
    assert seen == expected


def test_mine_lists_only_the_cases_named_on_the_officer_whoever_asks(world):
    # `mine` narrows the list's scope itself (casework.selectors): a teammate's case, which the officer sees
    # in the full list, is not theirs; a manager, a parent and a head of service hold none of these.
    named = {"officer1": {"north"}, "officer2": {"transport"}}
    seen, expected = {}, {}
    for role in ["parent1", "officer1", "officer1b", "officer2", "north_manager", "head", "stranger"]:
        body = client_for(world, role).get("/api/cases/?mine=true").json()
        seen[role] = (body["count"], {case["id"] for case in body["results"]})
        keys = named.get(role, set())
        expected[role] = (len(keys), {world.cases[key].pk for key in keys})
    assert seen == expected


def test_case_and_children_lists_answer_401_to_someone_not_signed_in(world):
    client = client_for(world, "anonymous")
    assert client.get("/api/cases/").status_code == 401
    assert client.get("/api/children/").status_code == 401


def test_filters_never_widen_a_parents_case_list(world):
    client = client_for(world, "parent1")
    other = world.cases["transport"].pk
    for query in ["", "?status=open", "?status=new", "?category=transport", "?ordering=created", f"?officer={world.borough.officer2.pk}", f"?team={world.borough.transport.pk}"]:
        response = client.get(f"/api/cases/{query}")
        assert response.status_code == 200, query
        assert other not in {case["id"] for case in response.json()["results"]}, query


def test_asking_for_another_teams_cases_by_filter_gives_nothing(world):
    response = client_for(world, "officer1").get(f"/api/cases/?team={world.borough.transport.pk}")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_parent_cannot_log_a_concern_for_another_familys_child(world):
    before = Case.objects.count()
    response = client_for(world, "parent1").post(
        "/api/cases/",
        {"child": world.borough.child2.pk, "category": "other", "summary": "s", "description": "d"},
        format="json",
    )
    assert response.status_code == 400
    assert "child" in response.json()
    assert Case.objects.count() == before


def test_officer_logs_a_concern_on_a_familys_behalf(world):
    response = client_for(world, "officer1").post(
        "/api/cases/",
        {"child": world.borough.child2.pk, "category": "other", "summary": "Phoned in", "description": "By phone."},
        format="json",
    )
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert case.logged_on_behalf is True
    assert case.logged_by == world.borough.officer1.user


def test_an_officer_logging_for_another_team_is_told_who_owns_the_case_but_cannot_open_it_later(world):
    # SEND North's officer takes a call about the bus, which the routing rules send to Transport.
    client = client_for(world, "officer1")
    response = client.post(
        "/api/cases/",
        {"child": world.borough.child2.pk, "category": "transport", "summary": "No bus", "description": "By phone."},
        format="json",
    )

    assert response.status_code == 201
    logged = response.json()
    assert logged["team"] == "Transport"
    assert logged["accountable_officer"]["team"] == "Transport"
    assert logged["sla"]["acknowledge_due"] is not None
    assert Case.objects.get(pk=logged["id"]).logged_by == world.borough.officer1.user
    assert client.get(f"/api/cases/{logged['id']}/").status_code == 404


@pytest.mark.parametrize("role", ["officer1", "north_manager"])
def test_handing_a_case_to_another_team_answers_with_its_new_owner_though_it_leaves_the_handers_sight(world, role):
    case = world.cases["north"]
    new_owner = world.successors["transport"]
    client = client_for(world, role)

    response = client.post(
        f"/api/cases/{case.pk}/reassign/", {"officer": new_owner.pk, "note": "Transport's to sort."}, format="json"
    )

    assert response.status_code == 200
    moved = response.json()
    assert moved["accountable_officer"]["id"] == new_owner.pk
    assert moved["team"] == "Transport"
    case.refresh_from_db()
    assert case.accountable_officer == new_owner
    assert client.get(f"/api/cases/{case.pk}/").status_code == 404


def test_stranger_cannot_log_a_concern_for_any_child(world):
    before = Case.objects.count()
    response = client_for(world, "stranger").post(
        "/api/cases/",
        {"child": world.borough.child1.pk, "category": "other", "summary": "s", "description": "d"},
        format="json",
    )
    assert response.status_code == 400
    assert "child" in response.json()
    assert Case.objects.count() == before
