"""Absence cover: arranging it, what it sends to whom while it runs, ending it early and who may see it
(DESIGN.md "Staff change")."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from casework import staffing
from casework.models import CaseEvent, Cover, Officer
from core.time import describe_moment
from escalations.models import Alert, ClockKind
from tests.casework.staffing_helpers import case_officers, log, mine, officer_of_another_council, pin, told, written
from tests.escalations.conftest import at, iso_utc, sweep, uk
from tests.factories import OfficerFactory, OrganisationFactory, TeamFactory, UserFactory

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


@pytest.mark.parametrize("logged_at", [COVER_SET_AT + timedelta(hours=1), COVER_ENDS_AT + timedelta(hours=1)],
                         ids=["before-it-starts", "after-it-ends"])
def test_a_new_concern_outside_the_cover_reaches_the_named_officer_only(borough, api, logged_at):
    owner, cover_officer = borough.officer1, borough.officer2
    pin(log(borough), owner)
    with at(COVER_SET_AT):
        starts_at = COVER_SET_AT + timedelta(days=1)
        response = arrange_cover(api, borough.north.manager, owner, cover_officer, starts_at=starts_at,
                                 ends_at=COVER_ENDS_AT)
        assert response.status_code == 201
    new_case = log(borough, when=logged_at)

    assert new_case.accountable_officer == owner
    assert told(owner.user, "officer_case_assigned", new_case).count() == 1
    assert told(cover_officer.user, "officer_case_assigned", new_case).count() == 0


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
    outsider = officer_of_another_council()
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
