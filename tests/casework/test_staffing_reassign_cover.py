"""Reassignment, absence cover, the handover summary and accountability on the case (DESIGN.md "Staff change")."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from casework import services, staffing
from casework.models import Case, CaseEvent, CaseMessage, Cover, Officer
from casework.services import transfer
from core.time import describe_moment
from escalations.models import Alert, ClockKind
from notifications.models import Notification
from tests.concurrency import in_threads
from tests.escalations.conftest import at, iso_utc, log_case, sweep, uk
from tests.factories import OfficerFactory, OrganisationFactory, TeamFactory, UserFactory

NOTE = "Dad works nights: call after 2pm. School SENCo is helpful."
LOGGED_AT = uk(
    2026, 11, 23, 10, 0
)  # Monday; acknowledge due Wednesday 25th 17:00, reminder 09:00 that day


def case_officers(team):
    return list(team.officers.filter(is_manager=False).order_by("pk"))


def pin(case, officer):
    """Test set-up: make `officer` the named officer, whoever routing chose (routing has its own tests)."""
    Case.objects.filter(pk=case.pk).update(
        accountable_officer=officer, team=officer.team
    )
    case.refresh_from_db()
    return case


def log(borough, child=None, category="other", when=LOGGED_AT):
    return log_case(
        borough, when=when, category=category, child=child or borough.child1
    )


def told(user, template, case=None):
    found = Notification.objects.filter(
        recipient=user, template=template, channel=Notification.Channel.IN_APP
    )
    return found.filter(link=f"/cases/{case.pk}/") if case else found


def written():
    return (
        dict(Case.objects.values_list("pk", "accountable_officer_id")),
        CaseEvent.objects.count(),
        Case.history.count(),
        Notification.objects.count(),
        Cover.objects.count(),
    )


def mine(api, officer):
    response = api.as_user(officer.user).get("/api/cases/?mine=true")
    assert response.status_code == 200, response.content
    return {case["id"] for case in response.json()["results"]}


# --- bulk reassignment by a manager --------------------------------------------------------------


@pytest.fixture
def north_cases(borough):
    """Three North cases held by officer1: two for child1's family, one for child2's."""
    officer1 = borough.officer1
    cases = [
        log(borough),
        log(borough, category="placement"),
        log(borough, child=borough.child2),
    ]
    return [pin(case, officer1) for case in cases]


def test_a_manager_moves_a_set_of_cases_to_one_officer_and_each_family_is_told(
    borough, api, north_cases
):
    manager = borough.north.manager
    target = case_officers(borough.north)[1]

    response = api.as_user(manager.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": target.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json() == {"reassigned": 3}
    for case in north_cases:
        case.refresh_from_db()
        assert case.accountable_officer_id == target.pk
        assert case.owner_count == 2
        event = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.REASSIGNED)
        assert (
            not event.internal
            and target.display_name in event.text
            and event.actor_id == manager.user_id
        )
        assert (
            CaseEvent.objects.filter(
                case=case, kind=CaseEvent.Kind.NOTE, internal=True, text__contains=NOTE
            ).count()
            == 1
        )
        parent = (
            borough.parent1 if case.child_id == borough.child1.pk else borough.parent2
        )
        assert (
            told(parent, "case_new_officer", case).get().context["officer_name"]
            == target.display_name
        )
        assert told(target.user, "officer_case_handed_over", case).count() == 1
        assert (
            api.as_user(parent)
            .get(f"/api/cases/{case.pk}/")
            .json()["accountable_officer"]["id"]
            == target.pk
        )


def test_bulk_reassignment_is_refused_to_an_officer_for_a_colleagues_cases(
    borough, api, north_cases
):
    colleague = case_officers(borough.north)[1]
    before = written()

    response = api.as_user(colleague.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 403, response.content
    assert written() == before


def test_bulk_reassignment_is_for_managers_even_for_an_officers_own_cases(
    borough, api, north_cases
):
    # The endpoint is "Managers: give a chosen set of cases to one officer"; a case officer hands over one case
    # at a time through /api/cases/{id}/reassign/.
    colleague = case_officers(borough.north)[1]
    before = written()

    response = api.as_user(borough.officer1.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 403, response.content
    assert written() == before


def test_bulk_reassignment_including_a_case_the_manager_cannot_see_is_a_400_and_moves_nothing(
    borough, api, north_cases
):
    transport_case = pin(
        log(borough, child=borough.child2, category="transport"), borough.officer2
    )
    before = written()

    response = api.as_user(borough.transport.manager.user).post(
        "/api/cases/reassign/",
        {
            "cases": [transport_case.pk, north_cases[0].pk],
            "officer": case_officers(borough.transport)[1].pk,
            "note": NOTE,
        },
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "cases" in response.json()
    assert north_cases[0].reference not in response.content.decode()
    assert written() == before


@pytest.mark.parametrize("target", ["inactive", "unknown"])
def test_bulk_reassignment_to_an_officer_who_cannot_take_cases_is_a_400(
    borough, api, north_cases, target
):
    officer = (
        OfficerFactory(team=borough.north, active=False).pk
        if target == "inactive"
        else 999_999
    )
    before = written()

    response = api.as_user(borough.north.manager.user).post(
        "/api/cases/reassign/",
        {"cases": [c.pk for c in north_cases], "officer": officer, "note": NOTE},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "officer" in response.json()
    assert written() == before


def _officer_of_another_council():
    return OfficerFactory(
        team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere Council"))
    )


def _director_of_another_council():
    # Directors and heads of service belong to no team: their council is the one they direct or head.
    elsewhere = OrganisationFactory(name="Elsewhere Council")
    director = OfficerFactory(team=None, is_manager=True, job_title="Director")
    elsewhere.director = director
    elsewhere.save()
    return director


@pytest.mark.parametrize("endpoint", ["bulk", "one"])
@pytest.mark.parametrize(
    "stranger",
    [_officer_of_another_council, _director_of_another_council],
    ids=["team-officer", "director"],
)
def test_cases_are_never_moved_to_staff_of_another_council(
    borough, api, north_cases, stranger, endpoint
):
    outsider = stranger()
    before = written()

    client = api.as_user(borough.north.manager.user)
    if endpoint == "bulk":
        body = {
            "cases": [c.pk for c in north_cases],
            "officer": outsider.pk,
            "note": NOTE,
        }
        response = client.post("/api/cases/reassign/", body, format="json")
    else:
        body = {"officer": outsider.pk, "note": NOTE}
        response = client.post(
            f"/api/cases/{north_cases[0].pk}/reassign/", body, format="json"
        )

    assert response.status_code == 400, response.content
    assert "officer" in response.json()
    assert written() == before


# --- one case, handed over by its officer ----------------------------------------------------------


def test_an_officer_may_hand_over_their_own_case(borough, api):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)

    response = api.as_user(owner.user).post(
        f"/api/cases/{case.pk}/reassign/",
        {"officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["accountable_officer"]["id"] == colleague.pk
    assert response.json()["owner_count"] == 2
    assert (
        CaseEvent.objects.filter(
            case=case, kind=CaseEvent.Kind.REASSIGNED, actor=owner.user
        ).count()
        == 1
    )
    assert told(borough.parent1, "case_new_officer", case).count() == 1


def test_an_officer_may_not_hand_over_a_colleagues_case(borough, api):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    before = written()

    response = api.as_user(colleague.user).post(
        f"/api/cases/{case.pk}/reassign/",
        {"officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 403, response.content
    assert written() == before


# --- cover ---------------------------------------------------------------------------------------

COVER_SET_AT = uk(2026, 11, 23, 11, 0)
COVER_ENDS_AT = uk(2026, 11, 27, 17, 0)  # Friday
ACK_REMINDER_AT = uk(2026, 11, 25, 9, 0)  # inside the cover
RESPOND_REMINDER_AT = uk(
    2026, 12, 7, 9, 0
)  # respond due Monday 7 December: after the cover ended


def test_cover_sends_the_work_to_the_cover_officer_while_the_owner_stays_accountable_and_ends_by_itself(
    borough, api
):
    owner = borough.officer1
    cover_officer = (
        borough.officer2
    )  # from another team: cover is what lets them see the case at all
    case = pin(log(borough), owner)

    with at(COVER_SET_AT):
        response = api.as_user(borough.north.manager.user).post(
            f"/api/officers/{owner.pk}/cover/",
            {"cover_officer": cover_officer.pk, "ends_at": iso_utc(COVER_ENDS_AT)},
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert (
            body["officer"]["id"] == owner.pk
            and body["cover_officer"]["id"] == cover_officer.pk
        )
        assert body["ends_at"] == iso_utc(COVER_ENDS_AT)

        # The cover officer has the case in their own queue.
        assert case.pk in mine(api, cover_officer)
        assert case.pk in mine(api, owner)
        # The family sees who is covering and until when; their named officer is unchanged.
        detail = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
        assert detail["accountable_officer"]["id"] == owner.pk
        assert detail["covered_by"]["display_name"] == cover_officer.display_name
        assert detail["covered_by"]["until"] == iso_utc(COVER_ENDS_AT)
        timeline = (
            api.as_user(borough.parent1)
            .get(f"/api/cases/{case.pk}/timeline/")
            .json()["results"]
        )
        covered = [e for e in timeline if e["kind"] == "covered"]
        assert len(covered) == 1
        assert (
            cover_officer.display_name in covered[0]["text"]
            and owner.display_name in covered[0]["text"]
        )

    # The acknowledge reminder falls during the cover: it goes to the cover officer.
    sweep(ACK_REMINDER_AT)
    reminder = Alert.objects.get(
        case=case, kind=Alert.Kind.REMINDER, clock__kind=ClockKind.ACKNOWLEDGE
    )
    assert reminder.recipient_role == Alert.Role.COVER
    assert reminder.recipient_id == cover_officer.pk
    assert reminder.owner_id == owner.pk
    assert told(cover_officer.user, "officer_reminder", case).count() == 1
    assert not told(owner.user, "officer_reminder", case).exists()

    # After the cover ends nothing has to switch it off: it has ended.
    with at(RESPOND_REMINDER_AT):
        detail = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
        assert detail["covered_by"] is None
        assert detail["accountable_officer"]["id"] == owner.pk
        assert case.pk not in mine(api, cover_officer)
        assert (
            api.as_user(cover_officer.user).get(f"/api/cases/{case.pk}/").status_code
            == 404
        )
        assert case.pk in mine(api, owner)
    sweep(RESPOND_REMINDER_AT)
    reminder = Alert.objects.get(
        case=case, kind=Alert.Kind.REMINDER, clock__kind=ClockKind.RESPOND
    )
    assert reminder.recipient_role == Alert.Role.OFFICER
    assert reminder.recipient_id == owner.pk
    assert told(owner.user, "officer_reminder", case).count() == 1
    assert (
        told(cover_officer.user, "officer_reminder", case).count() == 1
    )  # still only the one from the cover


def test_a_familys_message_during_cover_reaches_the_covering_officer_as_well_as_the_named_officer(borough, api):
    owner, cover_officer = borough.officer1, borough.officer2
    case = pin(log(borough), owner)
    with at(COVER_SET_AT):
        assert arrange_cover(api, borough.north.manager, owner, cover_officer, ends_at=COVER_ENDS_AT).status_code == 201
        sent = api.as_user(borough.parent1).post(
            f"/api/cases/{case.pk}/messages/", {"text": "The taxi did not come again today."}, format="json"
        )
        assert sent.status_code == 201, sent.content

    # The family was told the covering officer "will pick up anything urgent": they must hear of it.
    for officer in (owner, cover_officer):
        replied = told(officer.user, "officer_family_replied", case).get()
        assert "The taxi did not come again today." in replied.body
    inbox = api.as_user(cover_officer.user).get("/api/notifications/").json()["results"]
    assert inbox[0]["subject"] == f"The family has replied on case {case.reference}"

    # Once the cover is over, only the named officer hears.
    with at(COVER_ENDS_AT + timedelta(hours=1)):
        api.as_user(borough.parent1).post(f"/api/cases/{case.pk}/messages/", {"text": "Any news?"}, format="json")
    assert told(owner.user, "officer_family_replied", case).count() == 2
    assert told(cover_officer.user, "officer_family_replied", case).count() == 1


def test_a_new_concern_for_an_officer_on_leave_reaches_whoever_covers_them(borough, api):
    owner, cover_officer = borough.officer1, borough.officer2
    pin(log(borough), owner)  # so the child's next concern goes to the same officer: tell us once
    with at(COVER_SET_AT):
        assert arrange_cover(api, borough.north.manager, owner, cover_officer, ends_at=COVER_ENDS_AT).status_code == 201
        new_case = log(borough, when=COVER_SET_AT + timedelta(hours=1))

    assert new_case.accountable_officer == owner
    for officer in (owner, cover_officer):
        assert told(officer.user, "officer_case_assigned", new_case).count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"ends_at": iso_utc(COVER_SET_AT - timedelta(days=1))}, "ends_at"),
        (
            {
                "ends_at": iso_utc(COVER_ENDS_AT),
                "starts_at": iso_utc(COVER_ENDS_AT + timedelta(hours=1)),
            },
            "ends_at",
        ),
        ({"ends_at": iso_utc(COVER_ENDS_AT), "cover_officer": "self"}, "cover_officer"),
        ({"ends_at": iso_utc(COVER_ENDS_AT), "cover_officer": "left"}, "cover_officer"),
        (
            {"ends_at": iso_utc(COVER_ENDS_AT), "cover_officer": 999_999},
            "cover_officer",
        ),
        ({"ends_at": "next week"}, "ends_at"),
        ({}, "ends_at"),
    ],
    ids=[
        "ends-in-the-past",
        "ends-before-it-starts",
        "by-self",
        "by-someone-who-has-left",
        "unknown-cover",
        "not-a-time",
        "no-end",
    ],
)
def test_bad_cover_is_a_400_on_the_field_and_nothing_is_written(
    borough, api, body, field
):
    owner = borough.officer1
    pin(log(borough), owner)
    body = {"cover_officer": case_officers(borough.north)[1].pk, **body}
    if body["cover_officer"] == "self":
        body["cover_officer"] = owner.pk
    if body["cover_officer"] == "left":
        body["cover_officer"] = OfficerFactory(team=borough.north, active=False).pk
    before = written()

    with at(COVER_SET_AT):
        response = api.as_user(borough.north.manager.user).post(
            f"/api/officers/{owner.pk}/cover/", body, format="json"
        )

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert written() == before


def test_an_officer_cannot_arrange_cover(borough, api):
    owner, colleague = case_officers(borough.north)
    pin(log(borough), owner)
    before = written()

    with at(COVER_SET_AT):
        response = api.as_user(colleague.user).post(
            f"/api/officers/{owner.pk}/cover/",
            {"cover_officer": colleague.pk, "ends_at": iso_utc(COVER_ENDS_AT)},
            format="json",
        )

    assert response.status_code == 403, response.content
    assert response.json()["detail"] == "Only a manager can arrange cover for an officer."
    assert written() == before


def arrange_cover(api, manager, officer, cover_officer, *, ends_at, starts_at=None):
    body = {"cover_officer": cover_officer.pk, "ends_at": iso_utc(ends_at)}
    if starts_at is not None:
        body["starts_at"] = iso_utc(starts_at)
    return api.as_user(manager.user).post(
        f"/api/officers/{officer.pk}/cover/", body, format="json"
    )


def covered_events(api, parent, case):
    timeline = api.as_user(parent).get(f"/api/cases/{case.pk}/timeline/").json()
    return [e for e in timeline["results"] if e["kind"] == "covered"]


WEDNESDAY_9AM = uk(2026, 11, 25, 9, 0)
THURSDAY_5PM = uk(2026, 11, 26, 17, 0)
NEXT_WEDNESDAY_5PM = uk(2026, 12, 2, 17, 0)


@pytest.mark.parametrize(
    "first, second, second_by, field",
    [
        ((None, COVER_ENDS_AT), (None, COVER_ENDS_AT), "colleague", "starts_at"),
        ((None, COVER_ENDS_AT), (WEDNESDAY_9AM, NEXT_WEDNESDAY_5PM), "transport", "starts_at"),
        ((WEDNESDAY_9AM, COVER_ENDS_AT), (None, THURSDAY_5PM), "transport", "ends_at"),
        ((WEDNESDAY_9AM, THURSDAY_5PM), (None, NEXT_WEDNESDAY_5PM), "transport", "ends_at"),
    ],
    ids=["set-twice", "starts-during-it", "runs-into-it", "takes-it-in"],
)
def test_cover_overlapping_cover_already_arranged_is_a_400_naming_its_dates(
    borough, api, first, second, second_by, field
):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    manager = borough.north.manager
    with at(COVER_SET_AT):
        starts_at, ends_at = first
        response = arrange_cover(
            api, manager, owner, colleague, starts_at=starts_at, ends_at=ends_at
        )
        assert response.status_code == 201, response.content
        before = written()

        starts_at, ends_at = second
        cover_officer = colleague if second_by == "colleague" else borough.officer2
        response = arrange_cover(
            api, manager, owner, cover_officer, starts_at=starts_at, ends_at=ends_at
        )

        assert response.status_code == 400, response.content
        [message] = response.json()[field]
        arranged_from = describe_moment(first[0] or COVER_SET_AT)
        assert message.startswith(
            f"{colleague.display_name} is already covering {owner.display_name} "
            f"from {arranged_from} until {describe_moment(first[1])}."
        )
        assert written() == before
        # The family is told once who is covering: there is only one cover to tell them about.
        assert len(covered_events(api, borough.parent1, case)) == 1


def _cover_by_someone_who_has_since_left(borough, api, owner, colleague):
    with at(COVER_SET_AT):
        response = arrange_cover(
            api, borough.north.manager, owner, colleague, ends_at=COVER_ENDS_AT
        )
    assert response.status_code == 201, response.content
    # Test set-up: how the covering officer left has its own tests (test_staffing_offboard.py).
    Officer.objects.filter(pk=colleague.pk).update(active=False)
    return COVER_SET_AT, None


def _cover_that_has_ended(borough, api, owner, colleague):
    with at(COVER_SET_AT):
        response = arrange_cover(
            api, borough.north.manager, owner, colleague, ends_at=uk(2026, 11, 24, 17, 0)
        )
    assert response.status_code == 201, response.content
    return uk(2026, 11, 25, 10, 0), uk(2026, 11, 24, 9, 0)


def _cover_ending_as_the_new_one_starts(borough, api, owner, colleague):
    with at(COVER_SET_AT):
        response = arrange_cover(
            api, borough.north.manager, owner, colleague, ends_at=WEDNESDAY_9AM
        )
    assert response.status_code == 201, response.content
    return COVER_SET_AT, WEDNESDAY_9AM


@pytest.mark.parametrize(
    "earlier",
    [
        _cover_by_someone_who_has_since_left,
        _cover_that_has_ended,
        _cover_ending_as_the_new_one_starts,
    ],
    ids=["cover-officer-left", "ended", "back-to-back"],
)
def test_cover_that_is_over_before_the_new_one_starts_does_not_stand_in_its_way(
    borough, api, earlier
):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    now, starts_at = earlier(borough, api, owner, colleague)

    with at(now):
        response = arrange_cover(
            api,
            borough.north.manager,
            owner,
            borough.officer2,
            starts_at=starts_at,
            ends_at=COVER_ENDS_AT,
        )

    assert response.status_code == 201, response.content
    assert Cover.objects.filter(officer=owner).count() == 2
    assert len(covered_events(api, borough.parent1, case)) == 2


def test_cover_for_an_officer_who_has_left_is_a_400_and_nothing_is_written(borough, api):
    manager = borough.north.manager
    leaver, colleague = case_officers(borough.north)
    Officer.objects.filter(pk=leaver.pk).update(active=False)  # test set-up, as above
    before = written()

    with at(COVER_SET_AT):
        response = arrange_cover(api, manager, leaver, colleague, ends_at=COVER_ENDS_AT)

    assert response.status_code == 400, response.content
    assert response.json() == {
        "officer": [
            f"{leaver.display_name} has left and their cases have been handed over, "
            "so they need no cover."
        ]
    }
    assert written() == before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_arranging_overlapping_cover_at_once_end_with_one_cover(
    borough, monkeypatch
):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    real_check = staffing._cover_overlapping

    def slow_check(*args, **kwargs):
        found = real_check(*args, **kwargs)
        time.sleep(0.5)  # both requests are past the check before either writes, unless one waits for the other
        return found

    monkeypatch.setattr(staffing, "_cover_overlapping", slow_check)
    barrier = threading.Barrier(2, timeout=15)
    results, errors = [], []
    starts_at = timezone.now()

    def arrange(cover_officer):
        try:
            Officer.objects.exists()  # open this thread's own connection before the race
            barrier.wait()
            results.append(
                staffing.cover_set(
                    actor=borough.north.manager.user,
                    officer=owner,
                    cover_officer=cover_officer,
                    starts_at=starts_at,
                    ends_at=starts_at + timedelta(days=3),
                )
            )
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=arrange, args=(cover_officer,))
        for cover_officer in (colleague, borough.officer2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ValidationError)
    assert "is already covering" in errors[0].message_dict["starts_at"][0]
    assert Cover.objects.filter(officer=owner).count() == 1
    assert case.events.filter(kind=CaseEvent.Kind.COVERED).count() == 1


def _move_to(endpoint, actor, cases, officer):
    if endpoint == "bulk":
        return staffing.cases_reassign(actor=actor, case_ids=[c.pk for c in cases], officer=officer, note=NOTE)
    (case,) = cases
    return services.case_reassign(actor=actor, case=case, officer=officer, note=NOTE)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("endpoint", ["bulk", "one"])
def test_cases_moved_to_an_officer_while_they_are_offboarded_never_stay_with_them(
    borough, north_cases, monkeypatch, endpoint
):
    leaver = case_officers(borough.north)[1]
    manager = borough.north.manager.user
    moving = north_cases if endpoint == "bulk" else north_cases[:1]
    offboarding_nearly_done = threading.Event()
    real_deactivate = staffing._deactivate

    def slow_deactivate(officer, **kwargs):
        offboarding_nearly_done.set()
        time.sleep(1)  # the move runs now: it must wait for the offboarding, not slip its cases in before it ends
        real_deactivate(officer, **kwargs)

    monkeypatch.setattr(staffing, "_deactivate", slow_deactivate)

    def offboard():
        staffing.officer_offboard(actor=manager, officer=leaver, successor=borough.officer1, note=NOTE)

    def move():
        assert offboarding_nearly_done.wait(timeout=10)
        _move_to(endpoint, manager, moving, leaver)

    offboarded, moved = in_threads(offboard, move)

    assert offboarded is None
    assert isinstance(moved, ValidationError), moved
    assert "active officer" in moved.message_dict["officer"][0]
    assert not Officer.objects.get(pk=leaver.pk).active
    assert not Case.objects.filter(accountable_officer=leaver).exists()
    owners = Case.objects.filter(pk__in=[c.pk for c in north_cases]).values_list("accountable_officer", flat=True)
    assert set(owners) == {borough.officer1.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_case_handed_on_while_its_officer_is_offboarded_moves_once_without_a_deadlock(borough, monkeypatch):
    leaver, colleague = case_officers(borough.north)
    case = pin(log(borough), leaver)
    manager = borough.north.manager.user
    case_taken, officers_taken = threading.Event(), threading.Event()
    real_require_may_move = transfer.require_may_move
    real_lock_officers = staffing._lock_officers_of_council

    def hold_the_case(actor, locked_case):
        real_require_may_move(actor, locked_case)
        case_taken.set()
        officers_taken.wait(timeout=1)  # the offboarding now takes the officers' locks, then wants this case

    def lock_officers(*args):
        locked = real_lock_officers(*args)
        officers_taken.set()
        return locked

    monkeypatch.setattr(transfer, "require_may_move", hold_the_case)
    monkeypatch.setattr(staffing, "_lock_officers_of_council", lock_officers)

    def hand_on():
        services.case_reassign(actor=manager, case=case, officer=colleague, note=NOTE)

    def offboard():
        assert case_taken.wait(timeout=10)
        staffing.officer_offboard(actor=manager, officer=leaver, successor=borough.officer2, note=NOTE)

    handed_on, offboarded = in_threads(hand_on, offboard)

    assert handed_on is None and offboarded is None, (handed_on, offboarded)
    case.refresh_from_db()
    assert case.accountable_officer_id == colleague.pk
    assert case.events.filter(kind__in=[CaseEvent.Kind.REASSIGNED, CaseEvent.Kind.HANDOVER]).count() == 1
    assert not Officer.objects.get(pk=leaver.pk).active


# --- ending cover early --------------------------------------------------------------------------

THURSDAY_10AM = uk(2026, 11, 26, 10, 0)


def end_cover(api, user, officer, cover_id):
    return api.as_user(user).post(f"/api/officers/{officer.pk}/cover/{cover_id}/end/")


def cover_ended_events(api, parent, case):
    timeline = api.as_user(parent).get(f"/api/cases/{case.pk}/timeline/").json()
    return [e for e in timeline["results"] if e["kind"] == "cover_ended"]


def test_a_manager_ends_cover_early_and_each_family_is_told_their_officer_is_back(borough, api):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    manager = borough.north.manager
    with at(COVER_SET_AT):
        cover_id = arrange_cover(api, manager, owner, colleague, ends_at=COVER_ENDS_AT).json()["id"]

    with at(WEDNESDAY_9AM):
        response = end_cover(api, manager.user, owner, cover_id)

        assert response.status_code == 200, response.content
        assert response.json()["ends_at"] == iso_utc(WEDNESDAY_9AM)
        assert case.pk not in mine(api, colleague)
        detail = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
        assert detail["covered_by"] is None
        [ended] = cover_ended_events(api, borough.parent1, case)
        assert ended["text"] == (
            f"{owner.display_name} is back, so {colleague.display_name} is no longer covering. "
            f"{owner.display_name} is still your named officer."
        )
        # With the cover ended the manager can arrange another for the rest of the week.
        response = arrange_cover(api, manager, owner, borough.officer2, ends_at=COVER_ENDS_AT)
        assert response.status_code == 201, response.content
    last = Cover.history.filter(id=cover_id).latest("history_date")
    assert last.history_user == manager.user and last.history_change_reason == "Ended early by a manager"


def test_cover_still_to_come_is_cancelled_and_another_can_take_its_place(borough, api):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    manager = borough.north.manager
    with at(COVER_SET_AT):
        arranged = arrange_cover(
            api, manager, owner, colleague, starts_at=WEDNESDAY_9AM, ends_at=COVER_ENDS_AT
        ).json()

        response = end_cover(api, manager.user, owner, arranged["id"])

        assert response.status_code == 200, response.content
        assert response.json()["starts_at"] == response.json()["ends_at"] == arranged["starts_at"]
        [ended] = cover_ended_events(api, borough.parent1, case)
        assert ended["text"] == (
            f"{colleague.display_name} will not be covering for {owner.display_name} after all. "
            f"{owner.display_name} is still your named officer."
        )
        response = arrange_cover(
            api, manager, owner, borough.officer2, starts_at=WEDNESDAY_9AM, ends_at=COVER_ENDS_AT
        )
        assert response.status_code == 201, response.content
    with at(THURSDAY_10AM):
        assert case.pk not in mine(api, colleague)
        assert case.pk in mine(api, borough.officer2)


@pytest.mark.parametrize(
    "earlier", [_cover_that_has_ended, _cover_by_someone_who_has_since_left], ids=["ended", "cover-officer-left"]
)
def test_ending_cover_that_is_already_over_is_a_409_and_nothing_is_written(borough, api, earlier):
    owner, colleague = case_officers(borough.north)
    pin(log(borough), owner)
    earlier(borough, api, owner, colleague)
    cover = Cover.objects.get(officer=owner)
    before = written()

    with at(uk(2026, 11, 25, 10, 0)):
        response = end_cover(api, borough.north.manager.user, owner, cover.pk)

    assert response.status_code == 409, response.content
    assert response.json() == {"detail": "This cover is already over, so there is nothing to end."}
    assert written() == before


def test_cover_ends_only_for_a_manager_over_the_officer_and_is_not_found_by_anyone_else(borough, api):
    owner, colleague = case_officers(borough.north)
    pin(log(borough), owner)
    with at(COVER_SET_AT):
        cover_id = arrange_cover(api, borough.north.manager, owner, colleague, ends_at=COVER_ENDS_AT).json()["id"]
    before = written()

    with at(WEDNESDAY_9AM):
        other_manager = end_cover(api, borough.transport.manager.user, owner, cover_id)
        covering_officer = end_cover(api, colleague.user, owner, cover_id)
        wrong_officer = end_cover(api, borough.north.manager.user, colleague, cover_id)
        family = end_cover(api, borough.parent1, owner, cover_id)

    for response in (other_manager, covering_officer, wrong_officer):
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "No cover found."}
    assert family.status_code == 403, family.content
    assert written() == before


def test_cover_by_an_officer_of_another_council_is_a_400_on_cover_officer(borough, api):
    owner = case_officers(borough.north)[0]
    pin(log(borough), owner)
    administrator = UserFactory(username="cover-admin", is_staff=True, is_superuser=True)
    outsider = _officer_of_another_council()
    before = written()

    with at(COVER_SET_AT):
        response = api.as_user(administrator).post(
            f"/api/officers/{owner.pk}/cover/",
            {"cover_officer": outsider.pk, "ends_at": iso_utc(COVER_ENDS_AT)},
            format="json",
        )

    assert response.status_code == 400, response.content
    assert response.json() == {"cover_officer": ["Choose an active officer of the same council to cover."]}
    assert written() == before


@pytest.mark.parametrize(
    "starts_at, told",
    [
        (None, "{owner} is away until 5pm on Friday 27 November 2026. {cover} is covering"),
        (uk(2026, 11, 25, 9, 0), "{owner} will be away from 9am on Wednesday 25 November 2026 until 5pm on "
                                 "Friday 27 November 2026. {cover} will be covering"),
    ],
    ids=["now", "ahead"],
)
def test_each_family_is_told_when_cover_starts_if_it_is_arranged_ahead(borough, api, starts_at, told):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    with at(COVER_SET_AT):
        response = arrange_cover(
            api, borough.north.manager, owner, colleague, starts_at=starts_at, ends_at=COVER_ENDS_AT
        )
    assert response.status_code == 201, response.content

    [covered] = covered_events(api, borough.parent1, case)
    assert covered["text"] == (
        f"{told.format(owner=owner.display_name, cover=colleague.display_name)} and will pick up anything "
        f"urgent. {owner.display_name} is still your named officer."
    )


# --- the cover arranged for an officer ----------------------------------------------------------


def cover_listed(api, user, officer):
    return api.as_user(user).get(f"/api/officers/{officer.pk}/cover/")


def test_a_manager_sees_an_officers_cover_running_or_to_come_earliest_first_as_it_was_arranged(borough, api):
    owner, colleague = case_officers(borough.north)
    manager = borough.north.manager
    with at(uk(2026, 11, 16, 9, 0)):
        arrange_cover(api, manager, owner, colleague, ends_at=uk(2026, 11, 20, 17, 0))
    with at(COVER_SET_AT):
        next_week = arrange_cover(
            api, manager, owner, borough.officer2, starts_at=uk(2026, 11, 30, 9, 0), ends_at=uk(2026, 12, 4, 17, 0)
        ).json()
        this_week = arrange_cover(api, manager, owner, colleague, ends_at=COVER_ENDS_AT).json()
        cancelled = arrange_cover(
            api, manager, owner, colleague, starts_at=uk(2026, 12, 7, 9, 0), ends_at=uk(2026, 12, 11, 17, 0)
        ).json()
        assert end_cover(api, manager.user, owner, cancelled["id"]).status_code == 200
        arrange_cover(api, manager, colleague, borough.officer2, ends_at=COVER_ENDS_AT)

        response = cover_listed(api, manager.user, owner)

    assert response.status_code == 200, response.content
    assert response.json() == {"count": 2, "next": None, "previous": None, "results": [this_week, next_week]}


def test_only_a_manager_over_the_officer_sees_their_cover(borough, api):
    owner, colleague = case_officers(borough.north)
    elsewhere = OfficerFactory(
        team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere Council")), is_manager=True
    )
    with at(COVER_SET_AT):
        arrange_cover(api, borough.north.manager, owner, colleague, ends_at=COVER_ENDS_AT)
        head_of_service = cover_listed(api, borough.head_of_service.user, owner)
        other_manager = cover_listed(api, borough.transport.manager.user, owner)
        covering_officer = cover_listed(api, colleague.user, owner)
        other_council = cover_listed(api, elsewhere.user, owner)
        family = cover_listed(api, borough.parent1, owner)

    assert head_of_service.status_code == 200 and head_of_service.json()["count"] == 1
    assert other_manager.status_code == 403, other_manager.content
    assert other_manager.json() == {"detail": "You can only see cover for officers in the teams you manage."}
    assert covering_officer.status_code == 403, covering_officer.content
    assert covering_officer.json() == {"detail": "Only a manager can see cover for an officer."}
    assert other_council.status_code == 404, other_council.content
    assert other_council.json() == {"detail": "No officer found."}
    assert family.status_code == 403, family.content


# --- the handover summary ------------------------------------------------------------------------


def hand_over(api, manager, case, officer, when, note=NOTE):
    with at(when):
        response = api.as_user(manager.user).post(
            f"/api/cases/{case.pk}/reassign/",
            {"officer": officer.pk, "note": note},
            format="json",
        )
    assert response.status_code == 200, response.content


def say(api, user, case, text, when, internal=False):
    with at(when):
        response = api.as_user(user).post(
            f"/api/cases/{case.pk}/messages/",
            {"text": text, "internal": internal},
            format="json",
        )
    assert response.status_code == 201, response.content


FIRST_HANDOVER_AT = uk(2026, 11, 23, 14, 0)
SECOND_HANDOVER_AT = uk(2026, 11, 25, 10, 0)


@pytest.fixture
def handed_over_twice(borough, api):
    """A case for child1 (with its EHCP provision item), messages and a note, handed over twice; and another case of the child."""
    manager = borough.north.manager
    case = log_case(borough, when=LOGGED_AT)  # provision_not_delivered, provision1
    first = case.accountable_officer
    other = log(borough, category="placement", when=LOGGED_AT + timedelta(minutes=5))
    second = next(o for o in case_officers(borough.north) if o.pk != first.pk)
    third = OfficerFactory(team=borough.north)
    say(
        api,
        borough.parent1,
        case,
        "Is anyone looking at this?",
        LOGGED_AT + timedelta(minutes=30),
    )
    say(
        api,
        first.user,
        case,
        "Yes: I have asked the therapy service.",
        LOGGED_AT + timedelta(minutes=45),
    )
    say(
        api,
        first.user,
        case,
        "Therapist off sick until January.",
        LOGGED_AT + timedelta(minutes=50),
        internal=True,
    )
    hand_over(api, manager, case, second, FIRST_HANDOVER_AT)
    hand_over(api, manager, case, third, SECOND_HANDOVER_AT)
    return case, other, (first, second, third)


def test_the_handover_summary_gives_staff_the_whole_story_in_one_place(
    borough, api, handed_over_twice
):
    case, other, (first, second, third) = handed_over_twice

    response = api.as_user(third.user).get(f"/api/cases/{case.pk}/handover/")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["case"]["id"] == case.pk
        and body["case"]["accountable_officer"]["id"] == third.pk
    )
    assert body["child"]["id"] == borough.child1.pk
    assert body["child"]["display_name"] == borough.child1.display_name
    assert [item["id"] for item in body["child"]["ehcp"]["provision_items"]] == [
        borough.provision1.pk
    ]
    assert body["provision_item"]["id"] == borough.provision1.pk
    assert body["provision_item"]["description"] == borough.provision1.description
    # Every message, the internal note included.
    assert [(m["text"], m["internal"]) for m in body["messages"]] == [
        ("Is anyone looking at this?", False),
        ("Yes: I have asked the therapy service.", False),
        ("Therapist off sick until January.", True),
    ]
    assert len(body["messages"]) == CaseMessage.objects.filter(case=case).count()
    # The whole timeline, staff-only events included.
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds == list(
        CaseEvent.objects.filter(case=case)
        .order_by("at", "id")
        .values_list("kind", flat=True)
    )
    assert kinds[0] == "logged" and kinds.count("reassigned") == 2 and "note" in kinds
    assert any(NOTE in e["text"] for e in body["timeline"] if e["internal"])
    # Every named officer, with when each held the case.
    owners = body["owners"]
    assert [o["officer"]["id"] for o in owners] == [first.pk, second.pk, third.pk]
    assert [o["since"] for o in owners] == [
        iso_utc(LOGGED_AT),
        iso_utc(FIRST_HANDOVER_AT),
        iso_utc(SECOND_HANDOVER_AT),
    ]
    assert [o["until"] for o in owners] == [
        iso_utc(FIRST_HANDOVER_AT),
        iso_utc(SECOND_HANDOVER_AT),
        None,
    ]
    # The child's other cases.
    assert [(c["id"], c["reference"]) for c in body["other_cases"]] == [
        (other.pk, other.reference)
    ]
    assert (
        body["other_cases"][0]["accountable_officer"]
        == other.accountable_officer.display_name
    )


def test_the_handover_summary_is_for_staff_and_only_those_who_can_see_the_case(
    borough, api, handed_over_twice
):
    case, _other, _officers = handed_over_twice

    assert (
        api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/handover/").status_code
        == 403
    )
    assert (
        api.as_user(borough.parent2).get(f"/api/cases/{case.pk}/handover/").status_code
        == 404
    )
    assert (
        api.as_user(borough.officer2.user)
        .get(f"/api/cases/{case.pk}/handover/")
        .status_code
        == 404
    )
    assert (
        api.as_user(borough.north.manager.user)
        .get(f"/api/cases/{case.pk}/handover/")
        .status_code
        == 200
    )


def test_the_handover_summary_lists_only_the_childs_cases_the_reader_may_open(borough, api, handed_over_twice):
    case, other, (_first, _second, third) = handed_over_twice
    transport_case = log(borough, category="transport", when=LOGGED_AT + timedelta(minutes=10))
    assert transport_case.team_id == borough.transport.pk

    for_north = api.as_user(third.user).get(f"/api/cases/{case.pk}/handover/").json()
    for_transport = api.as_user(transport_case.accountable_officer.user).get(
        f"/api/cases/{transport_case.pk}/handover/"
    ).json()
    for_head = api.as_user(borough.head_of_service.user).get(f"/api/cases/{case.pk}/handover/").json()

    assert [c["id"] for c in for_north["other_cases"]] == [other.pk]
    assert for_transport["other_cases"] == []
    assert [c["id"] for c in for_head["other_cases"]] == [transport_case.pk, other.pk]


# --- accountability on the case ----------------------------------------------------------------


def test_the_case_counts_its_officers_and_how_long_the_family_waited_after_each_handover(
    borough, api
):
    manager = borough.north.manager
    case = log(borough, when=uk(2026, 11, 23, 9, 30))
    first = case.accountable_officer
    second = next(o for o in case_officers(borough.north) if o.pk != first.pk)
    third = OfficerFactory(team=borough.north)

    def accountability():
        response = api.as_user(manager.user).get(f"/api/cases/{case.pk}/")
        assert response.status_code == 200, response.content
        return response.json()["accountability"]

    assert accountability() == {"officers": 1, "handovers": []}

    hand_over(api, manager, case, second, uk(2026, 11, 23, 10, 0))
    found = accountability()
    assert found["officers"] == 2
    assert len(found["handovers"]) == 1
    assert found["handovers"][0]["from_officer"]["id"] == first.pk
    assert found["handovers"][0]["to_officer"]["id"] == second.pk
    assert found["handovers"][0]["at"] == iso_utc(uk(2026, 11, 23, 10, 0))
    assert found["handovers"][0]["first_contact_at"] is None
    assert found["handovers"][0]["working_hours_to_first_contact"] is None

    # Someone else writing to the family, or the new officer writing a staff note, is not the new officer's contact.
    say(
        api,
        manager.user,
        case,
        "Your new officer will be in touch.",
        uk(2026, 11, 23, 12, 0),
    )
    say(
        api, second.user, case, "Read the file.", uk(2026, 11, 23, 15, 0), internal=True
    )
    assert accountability()["handovers"][0]["first_contact_at"] is None

    # Monday 10:00 to Tuesday 11:30: 7 working hours on Monday, 2.5 on Tuesday.
    say(
        api,
        second.user,
        case,
        "Hello, I am your new officer.",
        uk(2026, 11, 24, 11, 30),
    )
    found = accountability()
    assert found["handovers"][0]["first_contact_at"] == iso_utc(
        uk(2026, 11, 24, 11, 30)
    )
    assert found["handovers"][0]["working_hours_to_first_contact"] == 9.5

    hand_over(api, manager, case, third, uk(2026, 11, 25, 10, 0))
    found = accountability()
    assert found["officers"] == 3
    assert [
        (h["from_officer"]["id"], h["to_officer"]["id"]) for h in found["handovers"]
    ] == [
        (first.pk, second.pk),
        (second.pk, third.pk),
    ]
    assert found["handovers"][0]["first_contact_at"] == iso_utc(
        uk(2026, 11, 24, 11, 30)
    )
    assert found["handovers"][1]["first_contact_at"] is None

    # Wednesday 10:00 to Friday 14:00: 7 + 8 + 5 working hours.
    say(api, third.user, case, "Hello, I have taken over.", uk(2026, 11, 27, 14, 0))
    found = accountability()
    assert found["officers"] == 3
    assert found["handovers"][1]["first_contact_at"] == iso_utc(uk(2026, 11, 27, 14, 0))
    assert found["handovers"][1]["working_hours_to_first_contact"] == 20.0
    # The family sees the same count on their case.
    assert (
        api.as_user(borough.parent1)
        .get(f"/api/cases/{case.pk}/")
        .json()["accountability"]["officers"]
        == 3
    )
