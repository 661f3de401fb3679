"""A page per officer listing their cases, and moving a chosen set from it, by a manager over them (issue 23.10)."""

import pytest
from django.urls import reverse

from casework.models import Case
from tests.casework.web.staff_pages import log, north_officers, signed_in

pytestmark = pytest.mark.django_db


def cases_of(officer):
    return list(Case.objects.filter(accountable_officer=officer).order_by("pk"))


def test_a_manager_moves_a_chosen_set_of_an_officers_cases_to_a_colleague(client, borough):
    for _ in range(3):
        log(borough)
    holder = borough.officer1
    colleague = next(officer for officer in north_officers(borough) if officer.pk != holder.pk)
    first, second, third = cases_of(holder)
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-officer-cases", args=[holder.pk])

    page = client.get(url).content.decode()
    assert all(case.reference in page for case in (first, second, third))
    assert f"{colleague.display_name} ({colleague.team.name}): 0 open cases</option>" in page

    moved = client.post(url, {"cases": [first.pk, third.pk], "officer": colleague.pk, "note": "Sharing the load."},
                        follow=True)

    assert "2 cases moved to" in moved.content.decode()
    assert [case.pk for case in cases_of(colleague)] == [first.pk, third.pk]
    assert [case.pk for case in cases_of(holder)] == [second.pk]


def test_moving_without_a_choice_or_a_note_is_refused_and_nothing_moves(client, borough):
    case = log(borough)
    holder = case.accountable_officer
    signed_in(client, borough.north.manager.user)

    response = client.post(reverse("manager-officer-cases", args=[holder.pk]), {"note": " "})

    page = response.content.decode()
    assert response.status_code == 400
    for error in ("Choose at least one case to move", "Choose the officer who will take the cases",
                  "Write a handover note for the new officer"):
        assert error in page
    assert cases_of(holder) == [case]


def test_only_a_manager_over_the_officer_sees_their_page(client, borough):
    case = log(borough)
    holder = case.accountable_officer
    url = reverse("manager-officer-cases", args=[holder.pk])

    signed_in(client, holder.user)
    assert client.get(url).status_code == 403
    signed_in(client, borough.transport.manager.user)
    assert client.get(url).status_code == 404


def test_the_officer_page_costs_the_same_queries_for_3_or_40_cases(client, borough, django_assert_max_num_queries):
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-officer-cases", args=[borough.officer1.pk])

    def queries_with(total):
        while Case.objects.filter(accountable_officer=borough.officer1).count() < total:
            log(borough)
        client.get(url)
        with django_assert_max_num_queries(25) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(3) == queries_with(40)
