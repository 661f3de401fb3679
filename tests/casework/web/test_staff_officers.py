"""The managers' officers pages: offboarding with its preview, and arranging and ending cover."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from casework.models import Case, CaseEvent, Cover, Officer
from casework.services import case_reassign
from core.time import UK_TIME, describe_moment
from tests.casework.web.staff_pages import log, north_officers, shown, signed_in
from tests.escalations.conftest import at, uk
from tests.factories import OfficerFactory, OrganisationFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_officers_page_lists_the_managers_officers_with_open_case_counts(client, borough):
    log(borough)
    log(borough)
    signed_in(client, borough.north.manager.user)

    html = client.get(reverse("manager-officers")).content.decode()

    row = html[html.index(shown(borough.officer1.display_name)):].split("</tr>")[0]
    assert ">2</td>" in row
    assert shown(borough.officer2.display_name) not in html  # Transport is not theirs
    assert reverse("manager-offboard", args=[borough.officer1.pk]) in html


def test_the_offboarding_preview_shows_where_each_case_goes_and_confirming_moves_them_so(client, borough):
    leaver, colleague = north_officers(borough)
    third = OfficerFactory(team=borough.north)
    # Two cases for Alex and one for Bea, all with the leaver; the colleague already holds one for Bea.
    alex_1, alex_2 = log(borough), log(borough)
    bea_with_colleague = log(borough, child=borough.child2)
    assert bea_with_colleague.accountable_officer in (colleague, third)
    bea = log(borough, child=borough.child2)
    for case in (alex_1, alex_2, bea):
        if case.accountable_officer != leaver:
            case_reassign(actor=borough.north.manager.user, case=case, officer=leaver, note="Setup")
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    html = client.get(url).content.decode()

    preview = {}
    for reference, goes_to in re.findall(
        r'<a class="govuk-link" href="/queue/cases/\d+/">([A-Z0-9-]+)</a>.*?</td>\s*<td[^>]*>.*?</td>\s*'
        r'<td class="govuk-table__cell" data-label="Would go to">(.*?)</td>', html, re.S
    ):
        preview[reference] = unescape(goes_to)
    assert set(preview) == {alex_1.reference, alex_2.reference, bea.reference}
    assert preview[bea.reference] == Officer.objects.get(pk=Case.objects.get(pk=bea_with_colleague.pk)
                                                         .accountable_officer_id).display_name
    assert "Already holds an open case for this child" in html
    assert preview[alex_1.reference] == preview[alex_2.reference]

    response = client.post(url, {"successor": "", "note": "Leaving for a new job"})

    assert response.status_code == 302 and response.url == reverse("manager-officers")
    for case in (alex_1, alex_2, bea):
        case.refresh_from_db()
        assert case.accountable_officer.display_name == preview[case.reference]
        assert case.events.filter(kind=CaseEvent.Kind.HANDOVER).exists()
    leaver.refresh_from_db()
    assert not leaver.active


def test_the_preview_with_a_chosen_successor_sends_every_case_to_them(client, borough):
    leaver = borough.officer1
    cases = [log(borough), log(borough)]
    assert {case.accountable_officer for case in cases} == {leaver}
    successor = borough.officer2  # Transport, same council
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    html = client.get(url, {"successor": successor.pk}).content.decode()

    assert html.count(f'<td class="govuk-table__cell" data-label="Would go to">{shown(successor.display_name)}</td>') == 2
    assert f'name="previewed" value="{successor.pk}"' in html

    client.post(url, {"previewed": successor.pk, "successor": successor.pk, "note": "All to transport"})
    assert {Case.objects.get(pk=case.pk).accountable_officer for case in cases} == {successor}


def test_offboarding_without_a_note_shows_the_error_summary_and_changes_nothing(client, borough):
    case = log(borough)
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-offboard", args=[borough.officer1.pk]), {"successor": "", "note": " "})

    assert response.status_code == 400
    assert "Write a handover note for whoever takes the cases on" in response.content.decode()
    assert 'href="#confirm_note"' in response.content.decode()
    borough.officer1.refresh_from_db()
    case.refresh_from_db()
    assert borough.officer1.active and case.accountable_officer == borough.officer1


def test_confirming_without_a_note_keeps_the_chosen_successor_in_the_preview(client, borough):
    leaver = borough.officer1
    cases = [log(borough), log(borough)]
    successor = borough.officer2  # Transport: routing would never send these cases there
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    response = client.post(url, {"successor": successor.pk, "note": ""})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Write a handover note for whoever takes the cases on" in html
    assert html.count(f'<td class="govuk-table__cell" data-label="Would go to">{shown(successor.display_name)}</td>') == 2
    assert re.search(rf'<option value="{successor.pk}"[^>]* selected>', html)
    assert f'name="previewed" value="{successor.pk}"' in html
    leaver.refresh_from_db()
    assert leaver.active
    assert {Case.objects.get(pk=case.pk).accountable_officer for case in cases} == {leaver}


def test_a_bad_successor_in_the_preview_shows_the_error_summary(client, borough):
    signed_in(client, borough.north.manager.user)

    response = client.get(reverse("manager-offboard", args=[borough.officer1.pk]), {"successor": "999999"})

    assert response.status_code == 400
    assert "Choose an active officer from the list" in response.content.decode()


def test_a_case_nobody_else_in_its_team_can_take_goes_to_the_head_of_service_as_the_preview_says(client, borough):
    lonely_team = TeamFactory(organisation=borough.organisation, name="Lonely", head_of_service=borough.head_of_service)
    loner = OfficerFactory(team=lonely_team)
    case = log(borough)
    case_reassign(actor=borough.head_of_service.user, case=case, officer=loner, note="Setup")
    signed_in(client, borough.head_of_service.user)
    url = reverse("manager-offboard", args=[loner.pk])

    preview = client.get(url).content.decode()
    assert "Head of service: nobody in Lonely can take it" in preview
    assert "Cannot be placed" not in preview

    response = client.post(url, {"successor": "", "note": "Leaving"})

    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    assert case.accountable_officer == borough.head_of_service and case.team == lonely_team


def test_cases_that_cannot_be_placed_show_in_the_preview_and_confirming_lists_them_and_changes_nothing(client, borough):
    lonely_team = TeamFactory(organisation=borough.organisation, name="Lonely", head_of_service=borough.head_of_service)
    loner = OfficerFactory(team=lonely_team)
    case = log(borough)
    case_reassign(actor=borough.head_of_service.user, case=case, officer=loner, note="Setup")
    # Everyone above the team has left too: only an administrator can still offboard the loner.
    Officer.objects.filter(pk__in=[borough.head_of_service.pk, borough.director.pk]).update(active=False)
    administrator = get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password")
    signed_in(client, administrator)
    url = reverse("manager-offboard", args=[loner.pk])

    preview = client.get(url).content.decode()
    assert "Cannot be placed" in preview
    assert "1 case cannot be placed" in preview

    response = client.post(url, {"successor": "", "note": "Leaving"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "could not be handed over, so nothing was changed" in html
    assert f"{case.reference}: Nobody in Lonely can take this case" in html
    loner.refresh_from_db()
    case.refresh_from_db()
    assert loner.active and case.accountable_officer == loner


def test_arranging_cover_through_the_page(client, borough):
    log(borough)
    away, cover = north_officers(borough)
    signed_in(client, borough.north.manager.user)
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": cover.pk, "until_day": until.day, "until_month": until.month, "until_year": until.year,
    })

    assert response.status_code == 302
    arranged = Cover.objects.get(officer=away)
    assert arranged.cover_officer == cover
    assert timezone.localtime(arranged.ends_at, UK_TIME).date() == until
    assert "Covered" in client.get(reverse("manager-officers")).content.decode()


@pytest.mark.parametrize(
    "data, error",
    [
        ({"cover_officer": "", "until_day": "1", "until_month": "1", "until_year": "2099"},
         "Choose the officer who will cover"),
        ({"cover_officer": "COVER", "until_day": "", "until_month": "", "until_year": ""},
         "Enter the last day of cover"),
        ({"cover_officer": "COVER", "until_day": "31", "until_month": "2", "until_year": "2099"},
         "The last day of cover must be a real date"),
        ({"cover_officer": "COVER", "until_day": "1", "until_month": "", "until_year": "2099"},
         "The last day of cover must include a month"),
        ({"cover_officer": "COVER", "until_day": "1", "until_month": "1", "until_year": "2001"},
         "The last day of cover must be today or in the future"),
        ({"cover_officer": "AWAY", "until_day": "1", "until_month": "1", "until_year": "2099"},
         "Choose an active officer from the list"),
    ],
)
def test_bad_cover_input_shows_the_error_summary_and_arranges_nothing(client, borough, data, error):
    away, cover = north_officers(borough)
    data = {key: {"COVER": str(cover.pk), "AWAY": str(away.pk)}.get(value, value) for key, value in data.items()}
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-cover", args=[away.pk]), data)

    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert error in response.content.decode()
    assert not Cover.objects.exists()


MONDAY_2PM = uk(2026, 11, 23, 14, 0)


@pytest.mark.parametrize(
    "first_day, starts_at, told",
    [
        (uk(2026, 11, 30), uk(2026, 11, 30, 9, 0), "will cover {away}'s cases from 9am on Monday 30 November 2026 "
                                                   "until 5pm on Friday 4 December 2026."),
        # Today's working day has begun: cover starts when it is arranged, never before.
        (uk(2026, 11, 23), MONDAY_2PM, "is covering {away}'s cases until 5pm on Friday 4 December 2026."),
    ],
    ids=["next-week", "today"],
)
def test_arranging_cover_ahead_through_the_page_starts_it_at_9am_on_the_first_day(
    client, borough, first_day, starts_at, told
):
    away, cover = north_officers(borough)
    with at(MONDAY_2PM):
        signed_in(client, borough.north.manager.user)
        response = client.post(reverse("manager-cover", args=[away.pk]), {
            "cover_officer": cover.pk, "from_day": first_day.day, "from_month": first_day.month,
            "from_year": first_day.year, "until_day": "4", "until_month": "12", "until_year": "2026",
        }, follow=True)

    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert f"{cover.display_name} {told.format(away=away.display_name)}" in html
    arranged = Cover.objects.get(officer=away)
    assert (arranged.starts_at, arranged.ends_at) == (starts_at, uk(2026, 12, 4, 17, 0))


def test_the_cover_page_says_when_cover_still_to_come_starts(client, borough):
    away, cover = north_officers(borough)
    manager = borough.north.manager.user
    Cover.objects.create(officer=away, cover_officer=cover, starts_at=uk(2026, 11, 23, 9, 0),
                         ends_at=uk(2026, 11, 27, 17, 0), set_by=manager)
    Cover.objects.create(officer=away, cover_officer=borough.officer2, starts_at=uk(2026, 11, 30, 9, 0),
                         ends_at=uk(2026, 12, 4, 17, 0), set_by=manager)
    with at(MONDAY_2PM):
        signed_in(client, manager)
        html = unescape(client.get(reverse("manager-cover", args=[away.pk])).content.decode())

    listed = re.findall(
        r'<dt class="govuk-summary-list__key">(.*?)</dt>\s*<dd class="govuk-summary-list__value">(.*?)</dd>', html
    )
    assert listed == [
        (cover.display_name, "Covering now, until 5pm on Friday 27 November 2026"),
        (borough.officer2.display_name, "From 9am on Monday 30 November 2026 until 5pm on Friday 4 December 2026"),
    ]


@pytest.mark.parametrize(
    "first_day, last_day, error",
    [
        (("31", "2", "2099"), ("1", "1", "2100"), "The first day of cover must be a real date"),
        (("1", "", "2099"), ("1", "1", "2100"), "The first day of cover must include a month"),
        (("1", "1", "2001"), ("1", "1", "2100"), "The first day of cover must be today or in the future"),
        (("2", "1", "2099"), ("1", "1", "2099"),
         "The first day of cover must be the same as or before the last day of cover"),
    ],
    ids=["not-a-date", "no-month", "past", "after-the-last-day"],
)
def test_a_bad_first_day_of_cover_shows_the_error_summary_and_arranges_nothing(
    client, borough, first_day, last_day, error
):
    away, cover = north_officers(borough)
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": cover.pk, **dict(zip(("from_day", "from_month", "from_year"), first_day, strict=True)),
        **dict(zip(("until_day", "until_month", "until_year"), last_day, strict=True)),
    })

    html = response.content.decode()
    assert response.status_code == 400
    summary = html[html.index("There is a problem"):].split("</ul>")[0]
    assert f'<a href="#id_from_day">{error}</a>' in summary
    assert f'<p id="from-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> {error}</p>' in html
    assert not Cover.objects.exists()


def test_cover_overlapping_cover_already_arranged_shows_its_dates_and_arranges_nothing(client, borough):
    away, cover = north_officers(borough)
    now = timezone.now()
    arranged = Cover.objects.create(officer=away, cover_officer=cover, starts_at=now,
                                    ends_at=now + timedelta(days=3), set_by=borough.north.manager.user)
    signed_in(client, borough.north.manager.user)
    until = timezone.localdate(now, UK_TIME) + timedelta(days=7)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": borough.officer2.pk, "until_day": until.day, "until_month": until.month,
        "until_year": until.year,
    })

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in html
    assert (f"{cover.display_name} is already covering {away.display_name} from "
            f"{describe_moment(arranged.starts_at)} until {describe_moment(arranged.ends_at)}.") in html
    assert 'href="#id_from_day"' in html
    assert list(Cover.objects.all()) == [arranged]


def test_cover_for_an_officer_who_has_left_shows_the_error_summary_and_arranges_nothing(client, borough):
    leaver, cover = north_officers(borough)
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-cover", args=[leaver.pk])
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)
    form = {"cover_officer": cover.pk, "until_day": until.day, "until_month": until.month, "until_year": until.year}
    client.get(url)  # the manager opens the page; someone else offboards the officer before they send it
    Officer.objects.filter(pk=leaver.pk).update(active=False)  # test set-up: offboarding has its own tests

    response = client.post(url, form)

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in html
    assert f"{leaver.display_name} has left and their cases have been handed over, so they need no cover." in html
    assert not Cover.objects.exists()


def arranged_cover(borough, away, cover, *, starts_in=timedelta(0), lasts=timedelta(days=3)) -> Cover:
    starts_at = timezone.now() + starts_in
    return Cover.objects.create(officer=away, cover_officer=cover, starts_at=starts_at, ends_at=starts_at + lasts,
                                set_by=borough.north.manager.user)


def test_a_manager_ends_cover_early_from_the_cover_page(client, borough):
    case = log(borough)
    away = case.accountable_officer
    cover = next(officer for officer in north_officers(borough) if officer != away)
    arranged = arranged_cover(borough, away, cover)
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-cover", args=[away.pk])
    end_url = reverse("manager-cover-end", args=[away.pk, arranged.pk])

    html = client.get(url).content.decode()
    form = html[html.index(f'action="{end_url}"'):].split("</form>")[0]
    assert "csrfmiddlewaretoken" in form
    assert 'data-prevent-double-click="true"' in form and "End this cover" in form

    response = client.post(end_url, follow=True)

    html = unescape(response.content.decode())
    assert response.redirect_chain == [(url, 302)]
    assert f"{cover.display_name} is no longer covering {away.display_name}'s cases." in html
    assert "Cover already arranged" not in html
    assert case.events.filter(kind="cover_ended").count() == 1


def test_cancelling_cover_still_to_come_from_the_cover_page_says_it_is_cancelled(client, borough):
    away, cover = north_officers(borough)
    arranged = arranged_cover(borough, away, cover, starts_in=timedelta(days=2))
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-cover-end", args=[away.pk, arranged.pk]), follow=True)

    html = unescape(response.content.decode())
    assert f"Cover cancelled: {cover.display_name} will not be covering {away.display_name}'s cases after all." in html
    assert "is no longer covering" not in html
    arranged.refresh_from_db()
    assert arranged.ends_at == arranged.starts_at


def test_ending_cover_that_has_already_ended_shows_the_error_summary(client, borough):
    away, cover = north_officers(borough)
    arranged = arranged_cover(borough, away, cover, starts_in=-timedelta(days=1))
    signed_in(client, borough.north.manager.user)
    client.get(reverse("manager-cover", args=[away.pk]))  # the manager opens the page; the cover runs out
    Cover.objects.filter(pk=arranged.pk).update(ends_at=timezone.now() - timedelta(minutes=1))

    response = client.post(reverse("manager-cover-end", args=[away.pk, arranged.pk]))

    html = unescape(response.content.decode())
    assert response.status_code == 409
    assert "There is a problem" in html
    assert "This cover is already over, so there is nothing to end." in html
    assert not CaseEvent.objects.filter(kind="cover_ended").exists()


def test_a_manager_cannot_end_cover_for_an_officer_of_a_team_they_do_not_manage(client, borough):
    away, cover = north_officers(borough)
    arranged = arranged_cover(borough, away, cover)
    signed_in(client, borough.transport.manager.user)

    response = client.post(reverse("manager-cover-end", args=[away.pk, arranged.pk]))

    assert response.status_code == 404
    arranged.refresh_from_db()
    assert arranged.ends_at > timezone.now()


def test_cover_by_an_officer_of_another_council_shows_the_error_summary_and_arranges_nothing(client, borough):
    away = north_officers(borough)[0]
    outsider = OfficerFactory(team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere Council")))
    signed_in(client, UserFactory(username="cover-admin", is_staff=True, is_superuser=True))
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)

    response = client.post(reverse("manager-cover", args=[away.pk]), {
        "cover_officer": outsider.pk, "until_day": until.day, "until_month": until.month, "until_year": until.year,
    })

    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "There is a problem" in html
    assert "Choose an active officer of the same council to cover." in html
    assert not Cover.objects.exists()


def test_a_director_arranges_cover_for_a_head_of_service_and_can_offboard_them_from_the_officers_page(client, borough):
    head = borough.head_of_service
    signed_in(client, borough.director.user)
    until = timezone.localdate(timezone.now(), UK_TIME) + timedelta(days=7)

    officers = client.get(reverse("manager-officers")).content.decode()

    assert "Senior managers" in officers and shown(head.display_name) in officers
    assert reverse("manager-cover", args=[head.pk]) in officers
    assert reverse("manager-offboard", args=[head.pk]) in officers
    assert client.get(reverse("manager-offboard", args=[head.pk])).status_code == 200
    response = client.post(reverse("manager-cover", args=[head.pk]), {
        "cover_officer": borough.north.manager.pk, "until_day": until.day, "until_month": until.month,
        "until_year": until.year,
    })
    assert response.status_code == 302
    assert Cover.objects.get(officer=head).cover_officer == borough.north.manager


def test_senior_managers_are_listed_only_for_whoever_they_answer_to(client, borough):
    head = borough.head_of_service

    signed_in(client, head.user)
    assert "Senior managers" not in client.get(reverse("manager-officers")).content.decode()
    assert client.get(reverse("manager-cover", args=[head.pk])).status_code == 404
    signed_in(client, borough.north.manager.user)
    assert shown(head.display_name) not in client.get(reverse("manager-officers")).content.decode()
    assert client.get(reverse("manager-cover", args=[head.pk])).status_code == 404
    assert client.get(reverse("manager-offboard", args=[borough.director.pk])).status_code == 404
