"""Who may open which staff and manager page: 403 for the wrong role, 404 for another team's case, as the API."""


import pytest
from django.urls import reverse

from casework.models import CaseAccess
from tests.casework.web.staff_pages import log, shown, signed_in

pytestmark = pytest.mark.django_db


def staff_pages(case, officer):
    return [
        reverse("staff-queue"),
        reverse("staff-team-queue"),
        reverse("staff-case", args=[case.pk]),
        reverse("staff-handover", args=[case.pk]),
    ]


def manager_pages(officer):
    return [
        reverse("manager-dashboard"),
        reverse("manager-officers"),
        reverse("manager-offboard", args=[officer.pk]),
        reverse("manager-cover", args=[officer.pk]),
    ]


def test_the_named_officer_opens_every_staff_page(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    for url in staff_pages(case, borough.officer1):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'class="govuk-template"' in response.content.decode()


def test_a_manager_opens_every_staff_and_manager_page(client, borough):
    case = log(borough)
    signed_in(client, borough.north.manager.user)

    for url in staff_pages(case, borough.officer1) + manager_pages(borough.officer1):
        assert client.get(url).status_code == 200, url


def test_the_head_of_service_opens_the_dashboard_and_every_teams_officers(client, borough):
    signed_in(client, borough.head_of_service.user)

    assert client.get(reverse("manager-dashboard")).status_code == 200
    officers = client.get(reverse("manager-officers")).content.decode()
    assert shown(borough.officer1.display_name) in officers and shown(borough.officer2.display_name) in officers


def test_a_parent_gets_403_on_every_staff_and_manager_page_even_for_their_own_case(client, borough):
    case = log(borough)
    signed_in(client, borough.parent1)

    for url in staff_pages(case, borough.officer1) + manager_pages(borough.officer1):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("staff-case", args=[case.pk]), {"action": "message", "message-text": "Hi"}).status_code == 403
    assert not case.messages.exists()


def test_an_officer_gets_403_on_every_manager_page(client, borough):
    signed_in(client, borough.officer1.user)

    for url in manager_pages(borough.officer1):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("manager-offboard", args=[borough.officer1.pk]), {"note": "Bye"}).status_code == 403
    borough.officer1.refresh_from_db()
    assert borough.officer1.active


def test_another_teams_case_is_404_as_in_the_api(client, api, borough):
    case = log(borough)  # SEND North
    transport_officer = borough.officer2.user
    signed_in(client, transport_officer)

    assert client.get(reverse("staff-case", args=[case.pk])).status_code == 404
    assert client.get(reverse("staff-handover", args=[case.pk])).status_code == 404
    assert client.post(reverse("staff-case", args=[case.pk]), {"action": "acknowledge"}).status_code == 404
    assert client.get(reverse("staff-case", args=[999_999])).status_code == 404
    assert api.as_user(transport_officer).get(f"/api/cases/{case.pk}/").status_code == 404
    assert not CaseAccess.objects.filter(case=case).exists()


def test_a_manager_cannot_find_an_officer_of_a_team_they_do_not_manage(client, borough):
    signed_in(client, borough.transport.manager.user)

    assert client.get(reverse("manager-offboard", args=[borough.officer1.pk])).status_code == 404
    assert client.get(reverse("manager-cover", args=[borough.officer1.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, borough):
    case = log(borough)

    for url in staff_pages(case, borough.officer1) + manager_pages(borough.officer1):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/sign-in/"), url


def test_links_to_a_case_lead_staff_to_the_staff_case_page(client, borough):
    case = log(borough)
    signed_in(client, borough.officer1.user)

    response = client.get(f"/cases/{case.pk}/")

    assert response.status_code == 302
    assert response.url == reverse("staff-case", args=[case.pk])
