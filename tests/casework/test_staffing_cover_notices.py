"""Arranging cover tells the people it concerns, one message a person however many cases: each family
with an open case of the officer away, the covering officer and the officer away."""

from notifications.models import Notification
from tests.casework.staffing_helpers import case_officers, log, pin
from tests.escalations.conftest import at, iso_utc, uk
from tests.factories import ChildFactory, make_parent

COVER_SET_AT = uk(2026, 11, 23, 11, 0)
COVER_ENDS_AT = uk(2026, 11, 27, 17, 0)
TEMPLATES = ("family_cover_arranged", "officer_covering", "officer_cover_arranged")


def arrange(api, manager, officer, cover_officer, **extra):
    with at(COVER_SET_AT):
        return api.as_user(manager.user).post(
            f"/api/officers/{officer.pk}/cover/",
            {"cover_officer": cover_officer.pk, "ends_at": iso_utc(COVER_ENDS_AT), **extra},
            format="json",
        )


def inbox(user, template):
    return Notification.objects.filter(recipient=user, template=template, channel=Notification.Channel.IN_APP)


def test_each_family_the_covering_officer_and_the_officer_away_are_told_once(borough, api):
    owner, colleague = case_officers(borough.north)
    first = pin(log(borough), owner)
    second = pin(log(borough, category="transport"), owner)  # the same family's second open case
    other_family = pin(log(borough, child=borough.child2), owner)

    response = arrange(api, borough.north.manager, owner, colleague)

    assert response.status_code == 201, response.content
    [family_one] = inbox(borough.parent1, "family_cover_arranged")
    [family_two] = inbox(borough.parent2, "family_cover_arranged")
    [covering] = inbox(colleague.user, "officer_covering")
    [away] = inbox(owner.user, "officer_cover_arranged")
    assert first.reference in family_one.body and second.reference in family_one.body
    assert other_family.reference in family_two.body and first.reference not in family_two.body
    assert colleague.display_name in family_one.body
    assert f"{owner.display_name} is still your named officer" in family_one.body
    assert "3 open cases" in covering.body and owner.display_name in covering.body
    assert colleague.display_name in away.body and "5pm on Friday 27 November 2026" in away.body


def test_the_emails_go_one_to_a_person(borough, api):
    owner, colleague = case_officers(borough.north)
    pin(log(borough), owner)
    pin(log(borough, category="transport"), owner)

    arrange(api, borough.north.manager, owner, colleague)

    emails = Notification.objects.filter(channel=Notification.Channel.EMAIL, template__in=TEMPLATES)
    assert sorted(emails.values_list("recipient__username", flat=True)) == sorted(
        [borough.parent1.username, colleague.user.username, owner.user.username]
    )


def test_every_carer_of_the_child_hears_and_a_family_with_no_open_case_does_not(borough, api):
    owner, colleague = case_officers(borough.north)
    case = pin(log(borough), owner)
    second_carer = make_parent(borough.child1, username="carer2")
    unrelated = ChildFactory(family__organisation=borough.organisation)
    unrelated_parent = make_parent(unrelated, username="unrelated")

    arrange(api, borough.north.manager, owner, colleague)

    assert inbox(second_carer, "family_cover_arranged").count() == 1
    assert inbox(unrelated_parent, "family_cover_arranged").count() == 0
    assert case.reference in inbox(second_carer, "family_cover_arranged").get().body


def test_cover_arranged_ahead_tells_each_when_it_starts(borough, api):
    owner, colleague = case_officers(borough.north)
    pin(log(borough), owner)

    arrange(api, borough.north.manager, owner, colleague, starts_at=iso_utc(uk(2026, 11, 25, 9)))

    starts = "9am on Wednesday 25 November 2026"
    assert starts in inbox(borough.parent1, "family_cover_arranged").get().body
    assert starts in inbox(colleague.user, "officer_covering").get().body
    assert starts in inbox(owner.user, "officer_cover_arranged").get().body


def test_an_officer_with_no_open_cases_still_hears_and_so_does_their_cover(borough, api):
    owner, colleague = case_officers(borough.north)

    arrange(api, borough.north.manager, owner, colleague)

    assert "no open cases" in inbox(colleague.user, "officer_covering").get().body
    assert inbox(owner.user, "officer_cover_arranged").count() == 1
    assert not Notification.objects.filter(template="family_cover_arranged").exists()
