"""Families join by invitation: one person, one child's record, one use, until it expires; staff see every carer
and every invitation, carers never see one another."""

import re
from datetime import date
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.demo import DEMO_INVITATION_CODE
from accounts.models import Invitation
from casework.models import FamilyMember
from casework.services import case_log
from notifications.models import Notification
from tests.factories import ChildFactory, OfficerFactory, OrganisationFactory, make_team

pytestmark = pytest.mark.django_db

CODE = re.compile(r"/join/([A-Z0-9-]+)/")
NEW_ACCOUNT = {
    "first_name": "Robin",
    "last_name": "Carer",
    "email": "robin@example.org",
    "username": "robin",
    "password1": "a-long-new-passphrase",
    "password2": "a-long-new-passphrase",
}


@pytest.fixture
def invite(client, committed):
    def send(staff_user, child, **answers):
        client.force_login(staff_user)
        data = {
            "kind": "parent_carer",
            "relationship": "carer",
            "first_name": "Robin",
            "last_name": "Carer",
            "delivery": "email",
            "email": "robin@example.org",
            **answers,
        }
        response = committed(client.post, f"/staff/children/{child.pk}/invite/", data, follow=True)
        client.logout()
        return response

    return send


def emailed_code() -> str:
    return CODE.search(mail.outbox[-1].body).group(1)


def accept(client, code, **changes):
    return client.post(f"/join/{code}/", {**NEW_ACCOUNT, **changes})


def test_an_emailed_invitation_links_exactly_its_child_to_the_new_account(client, api, borough, invite):
    invite(borough.officer1.user, borough.child1)

    response = accept(client, emailed_code())

    assert response.status_code == 302 and response.url == "/"
    robin = get_user_model().objects.get(username="robin")
    assert robin.check_password("a-long-new-passphrase")
    membership = FamilyMember.objects.get(user=robin)
    assert (membership.family_id, membership.relationship) == (borough.child1.family_id, "carer")
    children = api.as_user(robin).get("/api/children/").json()
    ids = [child["id"] for child in children.get("results", children)]
    assert ids == [borough.child1.pk]
    assert api.get(f"/api/cases/?child={borough.child2.pk}").json()["count"] == 0


def test_an_invitation_works_once(client, borough, invite):
    invite(borough.officer1.user, borough.child1)
    code = emailed_code()
    accept(client, code)
    client.logout()

    again = accept(client, code, username="someone-else")

    assert again.status_code == 404
    assert "This invitation cannot be used" in again.content.decode()
    assert not get_user_model().objects.filter(username="someone-else").exists()


def test_an_expired_invitation_is_refused_and_links_nobody(client, borough, invite):
    invite(borough.officer1.user, borough.child1)
    code = emailed_code()

    with time_machine.travel(timezone.now() + timezone.timedelta(days=15)):
        response = accept(client, code)

    assert response.status_code == 410
    assert "This invitation has expired" in response.content.decode()
    assert not get_user_model().objects.filter(username="robin").exists()


def test_a_withdrawn_invitation_is_refused(client, borough, invite):
    invite(borough.officer1.user, borough.child1)
    code = emailed_code()
    invitation = Invitation.objects.get()
    client.force_login(borough.officer1.user)
    client.post(f"/staff/invitations/{invitation.pk}/withdraw/")
    client.logout()

    response = accept(client, code)

    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.withdrawn_by == borough.officer1.user


def test_a_letter_shows_its_code_once_and_the_code_typed_on_the_join_page_works(client, borough, invite):
    letter = invite(borough.officer1.user, borough.child1, delivery="letter", email="")

    code = re.search(r'id="invitation-code">([A-Z0-9-]+)<', letter.content.decode()).group(1)
    assert mail.outbox == []
    typed = client.post("/join/", {"code": code.lower().replace("-", " ")})
    assert typed.status_code == 302
    response = accept(client, typed.url.split("/")[2])
    assert response.status_code == 302
    assert Invitation.objects.get().accepted_by.username == "robin"
    assert code not in str(Invitation.objects.values_list().get())


def test_reloading_the_letter_page_neither_shows_the_code_again_nor_makes_another_invitation(client, borough):
    client.force_login(borough.officer1.user)
    answers = {"kind": "parent_carer", "relationship": "carer", "first_name": "Robin", "last_name": "Carer",
               "delivery": "letter"}
    made = client.post(f"/staff/children/{borough.child1.pk}/invite/", answers)

    first = client.get(made.url).content.decode()
    again = client.get(made.url).content.decode()

    assert 'id="invitation-code"' in first
    assert 'id="invitation-code"' not in again and "The code was shown once" in again
    assert Invitation.objects.count() == 1


def test_an_email_the_mail_server_refuses_is_reported_to_staff(client, borough, settings, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("accounts.invitations.send_mail", refuse)
    client.force_login(borough.officer1.user)
    answers = {"kind": "parent_carer", "relationship": "carer", "first_name": "Robin", "last_name": "Carer",
               "delivery": "email", "email": "robin@example.org"}

    page = client.post(f"/staff/children/{borough.child1.pk}/invite/", answers, follow=True).content.decode()

    assert "We could not email the invitation to Robin Carer" in page
    assert Invitation.objects.get().state == Invitation.State.WAITING


def test_an_invited_carer_never_sees_another_carers_details(client, api, borough, invite):
    other = borough.parent1
    invite(borough.officer1.user, borough.child1)
    accept(client, emailed_code())
    robin = get_user_model().objects.get(username="robin")

    seen = "".join(
        response.content.decode()
        for response in (
            client.get("/children/"),
            client.get("/concerns/"),
            api.as_user(robin).get("/api/me/"),
            api.get("/api/children/"),
        )
    )

    assert other.email not in seen and other.last_name not in seen and other.username not in seen


def test_staff_see_every_carer_and_every_invitation_with_who_sent_it(client, borough, invite):
    invite(borough.officer1.user, borough.child1)
    accept(client, emailed_code())
    client.logout()
    client.force_login(borough.officer1.user)

    page = client.get(f"/staff/children/{borough.child1.pk}/people/").content.decode()

    assert borough.parent1.email in page and "robin@example.org" in page
    assert borough.officer1.user.get_full_name() in page
    assert "Accepted" in page
    assert Invitation.history.filter(history_user=borough.officer1.user).exists()


def test_a_signed_in_parent_accepts_an_invitation_to_a_second_child(client, borough, invite):
    sibling_elsewhere = ChildFactory(family__organisation=borough.organisation, first_name="Cal")
    invite(borough.officer1.user, sibling_elsewhere)
    code = emailed_code()
    client.force_login(borough.parent1)

    response = client.post(f"/join/{code}/")

    assert response.status_code == 302
    assert FamilyMember.objects.filter(user=borough.parent1, family=sibling_elsewhere.family).exists()


def test_bad_invitation_input_is_refused_with_field_errors_and_nothing_written(client, borough, invite):
    response = invite(borough.officer1.user, borough.child1, email="", relationship="", kind="")

    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"kind"}
    response = invite(borough.officer1.user, borough.child1, email="", relationship="")
    assert set(response.context["form"].errors) == {"relationship", "email"}
    assert not Invitation.objects.exists() and mail.outbox == []


def test_a_child_under_16_cannot_be_invited_in_their_own_right(client, borough, invite):
    borough.child1.date_of_birth = date(2015, 1, 1)
    borough.child1.save()

    response = invite(borough.officer1.user, borough.child1, kind="young_person")

    assert response.status_code == 400
    assert "is not aged 16 to 25" in response.context["form"].errors["kind"][0]


def test_a_young_person_of_17_is_invited_in_their_own_right(client, borough, invite):
    borough.child1.date_of_birth = timezone.localdate().replace(year=timezone.localdate().year - 17, day=1)
    borough.child1.save()
    invite(borough.officer1.user, borough.child1, kind="young_person", relationship="")

    accept(client, emailed_code())

    assert FamilyMember.objects.get(user__username="robin").relationship == "young_person"


def test_a_bad_new_account_is_refused_and_the_invitation_still_works(client, borough, invite):
    invite(borough.officer1.user, borough.child1)
    code = emailed_code()

    mismatch = accept(client, code, password2="something-else-entirely")
    taken = accept(client, code, username="parent1")

    assert mismatch.status_code == taken.status_code == 400
    assert "The passwords do not match" in mismatch.content.decode()
    assert "username" in taken.context["form"].errors
    assert Invitation.objects.get().state == Invitation.State.WAITING
    assert accept(client, code).status_code == 302


def test_staff_of_another_council_and_families_cannot_reach_a_childs_invitations(client, borough, invite):
    elsewhere = OrganisationFactory(name="Elsewhere")
    stranger = OfficerFactory(team=make_team(elsewhere, "Elsewhere SEND", officers=1), is_manager=True).user

    client.force_login(stranger)
    assert client.get(f"/staff/children/{borough.child1.pk}/people/").status_code == 404
    assert invite(stranger, borough.child1).status_code == 404
    client.force_login(borough.parent1)
    assert client.get(f"/staff/children/{borough.child1.pk}/people/").status_code == 403


def test_wrong_codes_are_throttled_per_client(client, borough):
    for number in range(20):
        client.get(f"/join/WRONG-CODE-{number:04d}/")

    response = client.get("/join/WRONG-CODE-9999/")

    assert response.status_code == 429
    assert response["Retry-After"]


def test_the_staff_case_page_links_to_the_people_who_can_see_the_childs_record(client, borough):
    case = case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="other", summary="A problem", description="."
    )
    client.force_login(borough.officer1.user)

    page = client.get(f"/queue/cases/{case.pk}/").content.decode()

    assert f'href="/staff/children/{borough.child1.pk}/people/"' in page


def test_the_demo_borough_has_a_letter_invitation_waiting_with_the_readme_code(client):
    call_command("seed_demo", "--password", "demo-password", stdout=StringIO())
    call_command("seed_demo", "--password", "demo-password", stdout=StringIO())

    assert Invitation.objects.count() == 1
    assert client.get(f"/join/{DEMO_INVITATION_CODE}/").status_code == 200


def test_a_carer_invited_to_one_child_of_a_family_sees_and_hears_about_that_child_only(client, api, borough, invite):
    sibling = ChildFactory(family=borough.child1.family, first_name="Sam")
    sibling_case = case_log(
        actor=borough.parent1, child_id=sibling.pk, category_slug="other", summary="Sibling", description="."
    )
    invite(borough.officer1.user, borough.child1)
    accept(client, emailed_code())
    robin = get_user_model().objects.get(username="robin")

    children = api.as_user(robin).get("/api/children/").json()
    own_case = case_log(
        actor=borough.parent1, child_id=borough.child1.pk, category_slug="other", summary="Own", description="."
    )
    case_log(actor=borough.parent1, child_id=sibling.pk, category_slug="other", summary="Sibling 2", description=".")

    assert [child["id"] for child in children.get("results", children)] == [borough.child1.pk]
    assert api.get(f"/api/cases/{sibling_case.pk}/").status_code == 404
    assert api.get(f"/api/cases/{own_case.pk}/").status_code == 200
    told = set(Notification.objects.filter(recipient=robin).values_list("link", flat=True))
    assert told == {f"/cases/{own_case.pk}/"}
    parent_sees = api.as_user(borough.parent1).get("/api/children/").json()
    assert {child["id"] for child in parent_sees.get("results", parent_sees)} == {borough.child1.pk, sibling.pk}
    client.force_login(borough.officer1.user)
    sibling_people = client.get(f"/staff/children/{sibling.pk}/people/").content.decode()
    assert "robin@example.org" not in sibling_people and borough.parent1.email in sibling_people
