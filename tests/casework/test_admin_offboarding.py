"""The admin's ways of switching an officer off go through offboarding, never around it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from casework.models import Case, CaseEvent, Officer
from casework.services import case_log
from notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password")
    client.force_login(user)
    return user


@pytest.fixture
def held_case(borough):
    return case_log(
        actor=borough.parent1,
        child_id=borough.child1.pk,
        category_slug="other",
        summary="Nobody has called back",
        description="We are still waiting.",
    )


def test_the_admin_offboard_page_hands_every_case_over_then_switches_the_officer_off(
    client, administrator, borough, held_case
):
    leaver = held_case.accountable_officer
    successor = borough.north.officers.filter(is_manager=False).exclude(pk=leaver.pk).get()
    url = reverse("admin:casework_officer_offboard", args=[leaver.pk])

    page = client.get(url)
    response = client.post(url, {"successor": successor.pk, "note": "Mum prefers email."})

    assert page.status_code == 200 and "1 case" in page.content.decode()
    assert response.status_code == 302
    held_case.refresh_from_db()
    leaver.refresh_from_db()
    assert held_case.accountable_officer == successor
    assert not leaver.active and not leaver.user.is_active
    assert CaseEvent.objects.filter(case=held_case, kind="handover").exists()
    assert Notification.objects.filter(template="case_new_officer", recipient=borough.parent1).exists()


def test_the_admin_offboard_page_shows_which_cases_cannot_be_placed_and_changes_nothing(
    client, administrator, borough, held_case
):
    leaver = held_case.accountable_officer
    # Nobody else in the team, and nobody above it: not its head of service, not the director.
    for other in [*borough.north.officers.exclude(pk=leaver.pk), borough.head_of_service, borough.director]:
        other.active = False
        other.save()

    response = client.post(reverse("admin:casework_officer_offboard", args=[leaver.pk]), {"note": "Leaving"})

    assert response.status_code == 200
    assert held_case.reference in response.content.decode()
    held_case.refresh_from_db()
    leaver.refresh_from_db()
    assert leaver.active and held_case.accountable_officer == leaver


def test_the_offboard_action_needs_exactly_one_officer(client, administrator, borough):
    officers = borough.north.officers.all()
    changelist = reverse("admin:casework_officer_changelist")

    two = client.post(changelist, {"action": "offboard_selected", "_selected_action": [o.pk for o in officers[:2]]})
    one = client.post(changelist, {"action": "offboard_selected", "_selected_action": [officers[0].pk]})

    assert two.status_code == 302 and two.url.endswith(changelist)
    assert one.status_code == 302 and one.url == reverse("admin:casework_officer_offboard", args=[officers[0].pk])


def test_unticking_active_on_an_officers_user_is_refused_and_points_to_offboarding(
    client, administrator, borough, held_case
):
    user = held_case.accountable_officer.user
    url, data = user_change_form(client, user)
    data["is_active"] = ""

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Offboard" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active
    assert Case.objects.get(pk=held_case.pk).accountable_officer.active


def test_the_admin_can_give_a_chosen_set_of_cases_to_another_officer_and_each_family_is_told(
    client, administrator, borough, held_case
):
    other = case_log(
        actor=borough.parent2, child_id=borough.child2.pk, category_slug="other", summary="No reply", description="."
    )
    target = borough.transport.officers.filter(is_manager=False).first()
    changelist = reverse("admin:casework_case_changelist")
    chosen = {"action": "reassign_selected", "_selected_action": [held_case.pk, other.pk]}

    form_page = client.post(changelist, chosen)
    done = client.post(changelist, {**chosen, "apply": "1", "officer": target.pk, "note": "Covering the patch"})

    assert form_page.status_code == 200 and held_case.reference in form_page.content.decode()
    assert done.status_code == 302
    assert set(Case.objects.filter(pk__in=[held_case.pk, other.pk]).values_list("accountable_officer", flat=True)) == {
        target.pk
    }
    assert Notification.objects.filter(template="case_new_officer", channel="in_app").count() == 2
    assert CaseEvent.objects.filter(kind="reassigned").count() == 2


def test_someone_with_no_name_on_record_cannot_be_made_an_officer(client, administrator, borough):
    # Families are told their named officer's name; without one they would be shown a sign-in name.
    nameless = get_user_model().objects.create_user(username="jsmith7", first_name="", last_name="")

    response = client.post(
        reverse("admin:casework_officer_add"),
        {"user": nameless.pk, "team": borough.north.pk, "job_title": "SEND case officer"},
    )

    assert response.status_code == 200
    assert "first and last name" in response.content.decode()
    assert not Officer.objects.filter(user=nameless).exists()


def test_an_officers_name_cannot_be_cleared(client, administrator, held_case):
    user = held_case.accountable_officer.user
    url, data = user_change_form(client, user)
    data["last_name"] = ""

    response = client.post(url, data)

    assert response.status_code == 200
    assert "families are told their officer" in response.content.decode()
    user.refresh_from_db()
    assert user.last_name


def user_change_form(client, user) -> tuple[str, dict]:
    """The admin's change page for `user` and the form's data as it stands, ready to post back."""
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = client.get(url).context["adminform"].form
    left_out = ("groups", "user_permissions", "last_login", "date_joined", "password")
    data = {key: value for key, value in form.initial.items() if value is not None and key not in left_out}
    data.update({"date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"})
    return url, data


def test_an_officer_record_cannot_be_moved_to_another_persons_sign_in(api, client, administrator, held_case):
    # Every case of theirs would get a new named officer without a handover, a timeline entry or a word to the family.
    officer = held_case.accountable_officer
    someone_else = get_user_model().objects.create_user(username="zother", first_name="Zed", last_name="Other")

    response = client.post(
        reverse("admin:casework_officer_change", args=[officer.pk]),
        {"user": someone_else.pk, "team": officer.team_id, "job_title": "Case officer"},
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.user_id != someone_else.pk
    assert officer.job_title == "Case officer"
    family_sees = api.as_user(held_case.child.family.memberships.first().user).get(f"/api/cases/{held_case.pk}/")
    assert "Zed Other" not in family_sees.content.decode()
