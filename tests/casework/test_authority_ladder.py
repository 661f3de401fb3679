"""Authority runs down the ladder only: nobody acts on someone at or above their own level (officer, team
manager, head of service, director), even where the senior person's officer record has a team, as the
README tells administrators to give the director. Council-wide actions (open data) need the head of
service or the director."""

import pytest
from django.urls import reverse

from casework.models import Cover, Officer
from escalations.models import OpenDataPublication
from tests.casework.staffing_helpers import written
from tests.casework.web.staff_pages import signed_in
from tests.escalations.conftest import at, iso_utc, uk
from tests.factories import OfficerFactory

NOW = uk(2026, 11, 23, 11)
COVER_ENDS = uk(2026, 11, 27, 17)


@pytest.fixture
def director_in_north(borough):
    """The director, whose officer record has a team so that unrouted concerns can reach them."""
    Officer.objects.filter(pk=borough.director.pk).update(team=borough.north)
    borough.director.refresh_from_db()
    return borough.director


@pytest.fixture
def head_in_north(borough):
    Officer.objects.filter(pk=borough.head_of_service.pk).update(team=borough.north)
    borough.head_of_service.refresh_from_db()
    return borough.head_of_service


def offboard(api, actor, officer):
    with at(NOW):
        return api.as_user(actor.user).post(f"/api/officers/{officer.pk}/offboard/", {"note": "Gone"}, format="json")


def arrange_cover(api, actor, officer, cover_officer):
    with at(NOW):
        return api.as_user(actor.user).post(
            f"/api/officers/{officer.pk}/cover/",
            {"cover_officer": cover_officer.pk, "ends_at": iso_utc(COVER_ENDS)},
            format="json",
        )


@pytest.mark.parametrize("senior", ["director_in_north", "head_in_north"])
def test_a_team_manager_cannot_offboard_the_director_or_a_head_of_service_in_their_team(
    api, borough, senior, request
):
    senior = request.getfixturevalue(senior)
    before = written()

    response = offboard(api, borough.north.manager, senior)

    assert response.status_code == 403
    assert response.json() == {"detail": f"Only someone more senior than {senior.display_name} can offboard them."}
    assert written() == before
    senior.refresh_from_db()
    assert senior.active


@pytest.mark.parametrize("senior", ["director_in_north", "head_in_north"])
def test_a_team_manager_cannot_arrange_cover_for_someone_above_them(api, borough, senior, request):
    senior = request.getfixturevalue(senior)

    response = arrange_cover(api, borough.north.manager, senior, borough.officer1)

    assert response.status_code == 403
    assert not Cover.objects.exists()


def test_a_team_manager_cannot_offboard_another_manager_at_their_own_level(api, borough):
    second_manager = OfficerFactory(team=borough.north, is_manager=True)

    response = offboard(api, borough.north.manager, second_manager)

    assert response.status_code == 403
    second_manager.refresh_from_db()
    assert second_manager.active


def test_a_head_of_service_cannot_offboard_the_director_in_one_of_their_teams(api, borough, director_in_north):
    assert offboard(api, borough.head_of_service, director_in_north).status_code == 403


def test_those_above_still_act_on_those_below(api, borough, director_in_north):
    assert arrange_cover(api, borough.north.manager, borough.officer1, borough.north.officers.exclude(
        pk__in=[borough.officer1.pk, borough.north.manager.pk, director_in_north.pk]).first()).status_code == 201
    assert offboard(api, borough.head_of_service, borough.north.manager).status_code == 200
    assert offboard(api, director_in_north, borough.head_of_service).status_code == 200


def test_the_officers_page_offers_a_team_manager_no_action_on_the_director_and_refuses_the_pages(
    client, borough, director_in_north
):
    signed_in(client, borough.north.manager.user)

    officers = client.get(reverse("manager-officers")).content.decode()

    assert reverse("manager-offboard", args=[director_in_north.pk]) not in officers
    assert reverse("manager-cover", args=[director_in_north.pk]) not in officers
    assert reverse("manager-offboard", args=[borough.officer1.pk]) in officers
    assert client.get(reverse("manager-offboard", args=[director_in_north.pk])).status_code == 404
    assert client.get(reverse("manager-cover", args=[director_in_north.pk])).status_code == 404


# --- council-wide actions ---------------------------------------------------------------------------


PUBLISH_URL = "/api/reports/open-data/publish/"


@pytest.mark.parametrize("published", [True, False])
def test_a_team_manager_cannot_publish_or_withdraw_the_councils_open_data(api, borough, published):
    response = api.as_user(borough.north.manager.user).post(PUBLISH_URL, {"published": published}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the head of service or the director can publish or withdraw "
                                         "the council's open data."}
    assert not OpenDataPublication.objects.exists()


@pytest.mark.parametrize("who", ["head_of_service", "director"])
def test_the_head_of_service_or_the_director_publishes_the_councils_open_data(api, borough, who):
    response = api.as_user(getattr(borough, who).user).post(PUBLISH_URL, {"published": True}, format="json")

    assert response.status_code == 200, response.content
    assert OpenDataPublication.objects.get().published
