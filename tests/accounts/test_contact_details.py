"""Families keep their contact details; staff see them on the case page and handover summary; changes are kept."""

import pytest

from accounts.models import ContactDetails
from casework.services import case_log
from notifications.models import NotificationPreference
from tests.factories import UserFactory, make_parent

pytestmark = pytest.mark.django_db

DETAILS = {
    "email": "new-address@example.org",
    "mobile": "07700 900 123",
    "phone": "",
    "address": "",
    "preferred": "phone",
}


@pytest.fixture
def case(borough):
    return case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="other", summary="No reply", description="."
    )


def test_a_parent_updates_their_details_and_the_change_is_in_the_history(client, borough):
    client.force_login(borough.parent1)
    client.post("/contact-details/", {**DETAILS, "email": "first@example.org"})

    response = client.post("/contact-details/", DETAILS)

    assert response.status_code == 302
    borough.parent1.refresh_from_db()
    assert borough.parent1.email == "new-address@example.org"
    assert NotificationPreference.objects.get(user=borough.parent1).mobile_number == "07700900123"
    history = ContactDetails.history.filter(user=borough.parent1).order_by("history_date")
    assert [row.email for row in history] == ["first@example.org", "new-address@example.org"]
    assert {row.history_user for row in history} == {borough.parent1}


def test_a_number_that_is_not_a_uk_mobile_is_refused_and_nothing_changes(client, borough):
    client.force_login(borough.parent1)
    before = borough.parent1.email

    response = client.post("/contact-details/", {**DETAILS, "mobile": "12345"})

    assert response.status_code == 400
    assert "Enter a UK mobile number" in response.content.decode()
    borough.parent1.refresh_from_db()
    assert borough.parent1.email == before
    assert not ContactDetails.objects.exists()


def test_a_preference_the_details_cannot_meet_is_refused(client, borough):
    client.force_login(borough.parent1)

    response = client.post("/contact-details/", {**DETAILS, "preferred": "letter"})

    assert response.status_code == 400
    assert "Enter your address" in response.content.decode()


def test_texts_are_offered_only_when_notify_is_on(client, borough, settings):
    client.force_login(borough.parent1)
    settings.NOTIFY_ENABLED = False
    off = client.get("/contact-details/").content.decode()
    refused = client.post("/contact-details/", {**DETAILS, "preferred": "text"})
    settings.NOTIFY_ENABLED = True
    on = client.get("/contact-details/").content.decode()

    assert "Text message" not in off and "Text message" in on
    assert refused.status_code == 400


def test_staff_see_the_familys_details_on_the_case_page_and_handover_summary(client, borough, case):
    client.force_login(borough.parent1)
    client.post("/contact-details/", DETAILS)
    client.force_login(case.accountable_officer.user)

    case_page = client.get(f"/queue/cases/{case.pk}/").content.decode()
    handover = client.get(f"/queue/cases/{case.pk}/handover/").content.decode()

    for page in (case_page, handover):
        assert "How to contact the family" in page
        assert 'href="tel:07700900123"' in page
        assert "new-address@example.org" in page
        assert "Phone call" in page


def test_another_carer_of_the_child_never_sees_the_details(client, borough):
    other = make_parent(borough.child1, username="other-carer")
    client.force_login(borough.parent1)
    client.post("/contact-details/", DETAILS)
    client.force_login(other)

    seen = "".join(client.get(path).content.decode() for path in ("/children/", "/concerns/", "/contact-details/"))

    assert "900 123" not in seen and "900123" not in seen and "new-address@example.org" not in seen


def test_staff_have_no_family_contact_details_page(client, borough):
    client.force_login(borough.officer1.user)

    assert client.get("/contact-details/").status_code == 403


def test_an_administrator_reads_the_details_and_their_history_in_the_admin(client, borough):
    client.force_login(borough.parent1)
    client.post("/contact-details/", DETAILS)
    administrator = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(administrator)
    details = ContactDetails.objects.get()

    listing = client.get("/admin/accounts/contactdetails/")
    history = client.get(f"/admin/accounts/contactdetails/{details.pk}/history/")

    assert listing.status_code == 200 and "new-address@example.org" in listing.content.decode()
    assert history.status_code == 200
