"""Bad input is refused whole (DESIGN.md invariant 7): a 400 naming the field, never a 500, nothing written.

And any Unicode is valid text that comes back exactly as sent (API.md "Conventions").
"""

import json
from types import SimpleNamespace

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from casework import services
from casework.models import Case, CaseEvent, CaseMessage, Category
from notifications.models import Notification
from tests.factories import OfficerFactory, TeamFactory

MISSING = object()
LONG = "x" * 100_000


def row_counts():
    """Everything a write could touch: cases, their timeline, messages, the history of cases and the outbox."""
    return {
        "cases": Case.objects.count(),
        "events": CaseEvent.objects.count(),
        "messages": CaseMessage.objects.count(),
        "case history": Case.history.model.objects.count(),
        "outbox": Notification.objects.count(),
    }


@pytest.fixture
def world(borough):
    b = borough
    officer1b = b.north.officers.filter(is_manager=False).exclude(pk=b.officer1.pk).get()
    case = services.case_log(
        actor=b.parent1, child_id=b.child1.pk, category_slug="other", summary="Not delivered", description="Since May."
    )
    # Test set-up: pin the named officer, whoever routing chose (test_routing.py covers the choice).
    if case.accountable_officer_id != b.officer1.pk:
        case.accountable_officer = b.officer1
        case.team = b.north
        case.save()
    inactive = OfficerFactory(team=b.north, active=False)
    elsewhere = OfficerFactory(team=TeamFactory())
    return SimpleNamespace(borough=b, case=case, officer1b=officer1b, inactive=inactive, elsewhere=elsewhere)


def bring_to(world, state):
    officer = world.borough.officer1.user
    case = world.case
    steps = {
        "new": [],
        "acknowledged": [services.case_acknowledge],
        "in_progress": [services.case_acknowledge, services.case_start],
        "awaiting_parent": [services.case_acknowledge, services.case_start, services.case_await_parent],
        "resolved": [services.case_acknowledge, services.case_start],
    }[state]
    for step in steps:
        case = step(actor=officer, case=case)
    if state == "resolved":
        case = services.case_resolve(actor=officer, case=case, outcome="Therapy restarted.")
    return case


# Each write endpoint: who calls it, the state the case must be in, and a body that is accepted.
def endpoints(world):
    b = world.borough
    case_id = world.case.pk
    officer = b.officer1.user
    return {
        "log": ("/api/cases/", b.parent1, "new", {
            "child": b.child1.pk,
            "category": "provision_not_delivered",
            "provision_item": b.provision1.pk,
            "summary": "Speech therapy stopped",
            "description": "No sessions since half term.",
            "safeguarding": False,
        }),
        "message": (f"/api/cases/{case_id}/messages/", b.parent1, "in_progress", {"text": "Any news?"}),
        "acknowledge": (f"/api/cases/{case_id}/acknowledge/", officer, "new", {"note": "I have it."}),
        "start": (f"/api/cases/{case_id}/start/", officer, "acknowledged", {"note": "Starting."}),
        "await-parent": (f"/api/cases/{case_id}/await-parent/", officer, "in_progress", {"note": "Send the letter."}),
        "resume": (f"/api/cases/{case_id}/resume/", officer, "awaiting_parent", {"note": "Got it."}),
        "resolve": (f"/api/cases/{case_id}/resolve/", officer, "in_progress", {"outcome": "Therapy restarted."}),
        "close": (f"/api/cases/{case_id}/close/", officer, "in_progress", {"outcome": "Family withdrew."}),
        "reopen": (f"/api/cases/{case_id}/reopen/", b.parent1, "resolved", {"reason": "It stopped again."}),
        "reassign": (
            f"/api/cases/{case_id}/reassign/",
            b.north.manager.user,
            "new",
            {"officer": world.officer1b.pk, "note": "Sam is on leave."},
        ),
        "token": ("/api/auth/token/", None, "new", {"username": "parent1", "password": "password"}),
    }


def post(world, endpoint, body=None, *, raw=None):
    url, user, _state, _valid = endpoints(world)[endpoint]
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    # Sent as ASCII-escaped JSON, so even a lone surrogate reaches the server as a client would send it.
    data = raw if raw is not None else json.dumps(body)
    return client.post(url, data=data, content_type="application/json")


def refused_whole(world, endpoint, label, *, body=None, raw=None, field=None):
    """Post one bad body, inside a savepoint rolled back afterwards; the mismatches with the contract, if any."""
    problems = []
    with transaction.atomic():
        before = row_counts()
        status_before = Case.objects.get(pk=world.case.pk).status
        try:
            response = post(world, endpoint, body, raw=raw)
        except Exception as error:  # a 500 surfaces here, as the test client re-raises it
            problems.append(f"{endpoint} {label}: raised {error!r}")
        else:
            errors = response.json() if response.get("Content-Type") == "application/json" else None
            if response.status_code != 400:
                problems.append(f"{endpoint} {label}: {response.status_code}, expected 400: {response.content[:200]!r}")
            elif not isinstance(errors, dict) or not errors:
                problems.append(f"{endpoint} {label}: 400 without a JSON object of errors")
            elif field is not None and not (
                isinstance(errors.get(field), list) and errors[field] and all(isinstance(m, str) for m in errors[field])
            ):
                problems.append(f"{endpoint} {label}: the 400 does not name {field!r}: {errors}")
            if row_counts() != before or Case.objects.get(pk=world.case.pk).status != status_before:
                problems.append(f"{endpoint} {label}: refused, but something was written")
        transaction.set_rollback(True)
    return problems


def build(valid, changes):
    body = dict(valid)
    for field, value in changes.items():
        if value is MISSING:
            body.pop(field, None)
        else:
            body[field] = value
    return body


# (endpoint, the changes to its accepted body, the field the 400 must name)
BAD = [
    # Logging a concern.
    ("log", {"child": MISSING}, "child"),
    ("log", {"category": MISSING}, "category"),
    ("log", {"summary": MISSING}, "summary"),
    ("log", {"description": MISSING}, "description"),
    ("log", {"child": "Alex"}, "child"),
    ("log", {"child": [1]}, "child"),
    ("log", {"child": None}, "child"),
    ("log", {"child": 1.5}, "child"),
    ("log", {"child": 999_999}, "child"),
    ("log", {"child": 10**30}, "child"),
    ("log", {"child": "other family"}, "child"),
    ("log", {"category": "nope"}, "category"),
    ("log", {"category": ["transport"]}, "category"),
    ("log", {"category": "withdrawn"}, "category"),
    ("log", {"summary": ["Therapy", "stopped"]}, "summary"),
    ("log", {"summary": {"text": "Therapy stopped"}}, "summary"),
    ("log", {"summary": ""}, "summary"),
    ("log", {"summary": "   \t\n  "}, "summary"),
    ("log", {"summary": "s" * 201}, "summary"),
    ("log", {"summary": LONG}, "summary"),
    ("log", {"summary": "null \x00 byte"}, "summary"),
    ("log", {"summary": "lone surrogate \ud800"}, "summary"),
    ("log", {"description": ""}, "description"),
    ("log", {"description": "   "}, "description"),
    ("log", {"description": "d" * 20_001}, "description"),
    ("log", {"description": LONG}, "description"),
    ("log", {"safeguarding": "yes please"}, "safeguarding"),
    ("log", {"safeguarding": [True]}, "safeguarding"),
    ("log", {"provision_item": "provision of another child"}, "provision_item"),
    ("log", {"provision_item": 999_999}, "provision_item"),
    ("log", {"provision_item": "therapy"}, "provision_item"),
    ("log", {"provision_item": 10**30}, "provision_item"),
    ("log", {"contact_method": "carrier pigeon"}, "contact_method"),
    # A message.
    ("message", {"text": MISSING}, "text"),
    ("message", {"text": ""}, "text"),
    ("message", {"text": "   "}, "text"),
    ("message", {"text": ["Any", "news"]}, "text"),
    ("message", {"text": "t" * 20_001}, "text"),
    ("message", {"text": LONG}, "text"),
    ("message", {"internal": "yes please"}, "internal"),
    # Notes on the lifecycle actions are optional, but never too long or not text.
    ("acknowledge", {"note": LONG}, "note"),
    ("acknowledge", {"note": ["a", "list"]}, "note"),
    ("start", {"note": "n" * 5_001}, "note"),
    ("await-parent", {"note": LONG}, "note"),
    ("resume", {"note": {"a": "dict"}}, "note"),
    # Resolve and close need an outcome.
    ("resolve", {"outcome": MISSING}, "outcome"),
    ("resolve", {"outcome": ""}, "outcome"),
    ("resolve", {"outcome": "   "}, "outcome"),
    ("resolve", {"outcome": None}, "outcome"),
    ("resolve", {"outcome": "o" * 5_001}, "outcome"),
    ("resolve", {"outcome": LONG}, "outcome"),
    ("close", {"outcome": MISSING}, "outcome"),
    ("close", {"outcome": ""}, "outcome"),
    ("close", {"outcome": "  \n "}, "outcome"),
    ("close", {"outcome": LONG}, "outcome"),
    # Reopen needs a reason.
    ("reopen", {"reason": MISSING}, "reason"),
    ("reopen", {"reason": ""}, "reason"),
    ("reopen", {"reason": "   "}, "reason"),
    ("reopen", {"reason": LONG}, "reason"),
    # Reassign needs an active officer of this council, and a note.
    ("reassign", {"officer": MISSING}, "officer"),
    ("reassign", {"officer": "Sam"}, "officer"),
    ("reassign", {"officer": None}, "officer"),
    ("reassign", {"officer": 999_999}, "officer"),
    ("reassign", {"officer": 10**30}, "officer"),
    ("reassign", {"officer": "inactive"}, "officer"),
    ("reassign", {"officer": "elsewhere"}, "officer"),
    ("reassign", {"officer": "current"}, "officer"),
    ("reassign", {"note": MISSING}, "note"),
    ("reassign", {"note": LONG}, "note"),
    # Token.
    ("token", {"username": MISSING}, "username"),
    ("token", {"password": MISSING}, "password"),
    ("token", {"username": ["parent1"]}, "username"),
]


def resolve_placeholders(world, changes):
    """Some bad values are objects of the world: another family's child, an inactive officer..."""
    b = world.borough
    placeholders = {
        ("child", "other family"): b.child2.pk,
        ("category", "withdrawn"): "withdrawn",
        ("provision_item", "provision of another child"): b.provision2.pk,
        ("officer", "inactive"): world.inactive.pk,
        ("officer", "elsewhere"): world.elsewhere.pk,
        ("officer", "current"): b.officer1.pk,
    }
    if changes.get("category") == "withdrawn":
        Category.objects.create(slug="withdrawn", name="Withdrawn", description="No longer used.", active=False)
    return {
        field: placeholders.get((field, value), value) if isinstance(value, str) else value
        for field, value in changes.items()
    }


def _id(value):
    return repr(value)[:30] if value is not MISSING else "missing"


WRITE_ENDPOINTS = [
    "log", "message", "acknowledge", "start", "await-parent", "resume", "resolve", "close", "reopen", "reassign", "token"
]


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(world, endpoint):
    _url, _user, state, valid = endpoints(world)[endpoint]
    world.case = bring_to(world, state)
    problems = []
    for bad_endpoint, changes, field in BAD:
        if bad_endpoint != endpoint:
            continue
        body = build(valid, resolve_placeholders(world, changes))
        label = ", ".join(f"{name}={_id(value)}" for name, value in changes.items())
        problems += refused_whole(world, endpoint, label, body=body, field=field)

    assert problems == []


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
def test_the_accepted_body_of_each_write_endpoint_really_is_accepted(world, endpoint):
    # So each 400 above is caused by the one thing changed, not by a body that was wrong anyway.
    _url, _user, state, valid = endpoints(world)[endpoint]
    world.case = bring_to(world, state)
    response = post(world, endpoint, valid)
    assert response.status_code in (200, 201), response.content[:300]


@pytest.mark.parametrize(
    "endpoint, state, kind, words",
    [
        ("acknowledge", "new", "acknowledged", "{officer} has your concern."),
        ("await-parent", "in_progress", "awaiting_parent", "We need something from you before we can carry on."),
    ],
)
def test_an_optional_note_of_only_spaces_is_no_note_and_the_family_sees_the_usual_words(
    world, endpoint, state, kind, words
):
    world.case = bring_to(world, state)

    response = post(world, endpoint, {"note": "  \n\t "})

    assert response.status_code == 200, response.content[:300]
    event = CaseEvent.objects.filter(case=world.case, kind=kind).latest("at", "id")
    assert event.text == words.format(officer=world.borough.officer1.display_name)


NOT_AN_OBJECT = [
    '{"child": 1, "summary": ',
    "not json at all",
    "[1, 2, 3]",
    '"just a string"',
    "{'single': 'quotes'}",
    "42",
    # Nested deeper than Python's JSON decoder goes: 200 KB, well inside the upload limit.
    "[" * 100_000 + "]" * 100_000,
    '{"summary": ' + '{"a": ' * 100_000 + "1" + "}" * 100_001,
]


@pytest.mark.parametrize("endpoint", WRITE_ENDPOINTS)
def test_a_body_that_is_not_a_json_object_is_a_400_and_writes_nothing(world, endpoint):
    world.case = bring_to(world, endpoints(world)[endpoint][2])
    problems = []
    for raw in NOT_AN_OBJECT:
        problems += refused_whole(world, endpoint, f"body {raw[:40]!r}", raw=raw)

    assert problems == []


def test_a_username_longer_than_the_sign_in_throttle_can_store_is_a_400_and_writes_nothing(borough, settings):
    # django-axes, on in production, keeps each failed username in a column of 255 characters.
    settings.AXES_ENABLED = True
    before = row_counts()

    response = APIClient().post("/api/auth/token/", {"username": "u" * 300, "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["The username or password is not right."]}
    assert row_counts() == before


# --- Unicode ------------------------------------------------------------------------------

TEXTS = [
    "Emoji 🧒🏽 and a family 👨‍👩‍👧 and a flag 🏴󠁧󠁢󠁷󠁬󠁳󠁿",
    "Mae Ŵyn yn aros am y bws ers wythnos",
    "الحافلة لم تصل منذ أسبوع",
    "Combining marks kept apart: e\u0301 a\u0308 n\u0303 (not composed)",
    "   leading and trailing spaces   ",
    "Tabs\tand\nnew lines\r\nkept",
    "Zero\u200bwidth and right-to-left \u202emark",
]


@pytest.mark.parametrize("text", TEXTS, ids=["emoji", "welsh", "arabic", "combining", "spaces", "whitespace", "invisible"])
def test_any_unicode_in_a_concern_and_a_message_comes_back_exactly_as_sent(borough, api, text):
    summary = text[:200]
    api.as_user(borough.parent1)
    created = api.post(
        "/api/cases/",
        {"child": borough.child1.pk, "category": "other", "summary": summary, "description": text},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["summary"] == summary
    assert created.json()["description"] == text
    case_id = created.json()["id"]

    detail = api.get(f"/api/cases/{case_id}/").json()
    assert detail["summary"] == summary
    assert detail["description"] == text
    assert Case.objects.get(pk=case_id).summary == summary

    message = api.post(f"/api/cases/{case_id}/messages/", {"text": text}, format="json")
    assert message.status_code == 201
    assert message.json()["text"] == text
    timeline = api.get(f"/api/cases/{case_id}/timeline/").json()["results"]
    assert timeline[-1]["kind"] == "message"
    assert timeline[-1]["text"] == text


def test_a_summary_of_exactly_200_characters_of_emoji_is_accepted(borough, api):
    summary = "🚌" * 200
    response = api.as_user(borough.parent1).post(
        "/api/cases/",
        {"child": borough.child1.pk, "category": "transport", "summary": summary, "description": "d" * 20_000},
        format="json",
    )
    assert response.status_code == 201, response.content[:300]
    assert response.json()["summary"] == summary


# --- bad query parameters -------------------------------------------------------------------


@pytest.mark.parametrize(
    "param, value",
    [
        ("status", "bogus"),
        ("category", "nope"),
        ("mine", "maybe"),
        ("ordering", "sideways"),
        ("officer", "Sam"),
        ("officer", "1.5"),
        ("officer", "1e2"),
        ("team", "north"),
        ("team", "1.5"),
        ("breached", "perhaps"),
    ],
)
@pytest.mark.parametrize("who", ["parent1", "officer1"])
def test_a_bad_query_parameter_on_the_case_list_is_a_400_naming_it(borough, api, who, param, value):
    user = borough.parent1 if who == "parent1" else borough.officer1.user
    response = api.as_user(user).get("/api/cases/", {param: value})
    assert response.status_code == 400, response.content[:300]
    assert param in response.json()


def test_good_query_parameters_on_the_case_list_are_accepted(borough, api):
    response = api.as_user(borough.officer1.user).get(
        "/api/cases/",
        {"status": "open", "category": "transport", "mine": "true", "ordering": "-created", "breached": "false"},
    )
    assert response.status_code == 200


@pytest.mark.parametrize("team", ["north", "²"], ids=["word", "superscript-two"])
def test_a_team_on_the_officers_list_that_is_not_a_number_is_ignored_not_a_500(borough, api, team):
    # Superscript two passes str.isdigit() but is not a number int() can read.
    api.as_user(borough.north.manager.user)

    response = api.get("/api/officers/", {"team": team})

    assert response.status_code == 200, response.content[:300]
    assert response.json() == api.get("/api/officers/").json()
