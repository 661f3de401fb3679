"""Staff log a concern for a family who rang or wrote (issue 23.5): how it came in is recorded and on the timeline."""

import pytest
from django.urls import reverse

from casework.models import Case, CaseEvent
from tests.casework.web.staff_pages import signed_in
from tests.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_an_officer_finds_the_child_and_logs_a_concern_that_came_in_by_letter(client, borough):
    child = borough.child1
    signed_in(client, borough.officer1.user)

    found = client.get(reverse("staff-log-find-child"), {"q": child.first_name}).content.decode()
    assert reverse("staff-log-for-child", args=[child.pk]) in found

    response = client.post(reverse("staff-log-for-child", args=[child.pk]), {
        "contact_method": "letter", "category": "provision_not_delivered", "summary": "Bus does not come",
        "description": "Mum wrote: the bus has not come for a week.",
    })

    case = Case.objects.get(summary="Bus does not come")
    assert response.status_code == 302 and response.url == reverse("staff-case", args=[case.pk])
    assert (case.contact_method, case.logged_on_behalf, case.child) == ("letter", True, child)
    logged = case.events.get(kind=CaseEvent.Kind.LOGGED)
    assert "on the family's behalf (it came in by letter)" in logged.text


def test_a_concern_without_its_answers_is_refused_with_each_error_and_nothing_is_logged(client, borough):
    signed_in(client, borough.officer1.user)

    response = client.post(reverse("staff-log-for-child", args=[borough.child1.pk]), {"summary": " "})

    page = response.content.decode()
    assert response.status_code == 400
    for error in ("Choose how the family got in touch", "Choose what the concern is about",
                  "Enter a summary of the concern", "Enter what the family told you"):
        assert error in page
    assert not Case.objects.exists()


def test_a_child_of_another_council_or_a_family_member_is_refused(client, borough):
    other_council_child = ChildFactory()
    signed_in(client, borough.officer1.user)
    assert client.get(reverse("staff-log-for-child", args=[other_council_child.pk])).status_code == 404

    client.force_login(borough.parent1)
    assert client.get(reverse("staff-log-find-child")).status_code == 403
