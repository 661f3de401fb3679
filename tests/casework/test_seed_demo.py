"""The demo borough: the logins API.md promises, who sees what, and that a second run changes nothing.

The seed takes a few seconds, so one seeded borough serves every test in the
class (Django's `setUpTestData`; each test still runs in its own rolled-back
transaction).
"""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Max, Min
from django.test import Client, TestCase

from casework.demo.data import DEFAULT_PASSWORD, DEMO_ORGANISATION
from casework.models import Case, CaseEvent, Organisation
from casework.permissions import Role, officer_of, role_of
from casework.selectors import cases_visible_to


def user(username):
    return get_user_model().objects.get(username=username)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


class TestDemoBorough(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = StringIO()
        call_command("seed_demo", stdout=cls.output)

    def demo_cases(self):
        return Case.objects.filter(organisation__name=DEMO_ORGANISATION)

    def test_the_five_named_users_have_the_roles_api_md_promises(self):
        assert role_of(user("parent1")) == Role.PARENT
        assert role_of(user("parent2")) == Role.PARENT
        assert role_of(user("officer1")) == Role.OFFICER
        assert role_of(user("officer2")) == Role.OFFICER
        assert role_of(user("manager1")) == Role.MANAGER

    def test_the_council_administrator_is_a_superuser(self):
        admin = user("admin")
        assert admin.is_superuser and admin.is_staff

    def test_every_demo_user_signs_in_with_the_default_password(self):
        for username in ["admin", "parent1", "parent2", "officer1", "officer2", "manager1"]:
            assert Client().login(username=username, password=DEFAULT_PASSWORD), username

    def test_parents_see_only_their_own_childrens_cases(self):
        for username in ["parent1", "parent2"]:
            parent = user(username)
            visible = set(cases_visible_to(parent).values_list("pk", flat=True))
            own = set(self.demo_cases().filter(child__family__memberships__user=parent).values_list("pk", flat=True))
            assert visible == own
            assert visible, f"{username} has no cases to look at"

    def test_parent1_and_parent2_are_parents_of_different_children(self):
        children_of = {
            username: set(cases_visible_to(user(username)).values_list("child_id", flat=True))
            for username in ["parent1", "parent2"]
        }
        assert children_of["parent1"].isdisjoint(children_of["parent2"])
        assert len(children_of["parent1"]) == 2, "parent1 has two children, to show 'tell us once'"

    def test_parent1_has_at_least_three_cases_and_one_is_waiting_for_them(self):
        cases = cases_visible_to(user("parent1"))
        assert cases.count() >= 3
        assert cases.filter(status=Case.Status.AWAITING_PARENT).exists()

    def test_manager1_sees_every_demo_case(self):
        visible = set(cases_visible_to(user("manager1")).values_list("pk", flat=True))
        assert visible == set(self.demo_cases().values_list("pk", flat=True))

    def test_officer1_and_officer2_work_in_different_teams_and_each_own_open_cases(self):
        officer1, officer2 = officer_of(user("officer1")), officer_of(user("officer2"))
        assert officer1.team_id and officer2.team_id
        assert officer1.team_id != officer2.team_id
        for officer in (officer1, officer2):
            assert self.demo_cases().filter(accountable_officer=officer, status__in=Case.OPEN_STATES).exists()

    def test_every_case_state_appears(self):
        assert set(self.demo_cases().values_list("status", flat=True)) == set(Case.Status.values)

    def test_every_case_has_an_active_accountable_officer(self):
        assert self.demo_cases().exists()
        assert not self.demo_cases().exclude(accountable_officer__active=True).exists()

    def test_every_case_was_logged_through_the_service_with_its_history_and_timeline(self):
        for case in self.demo_cases():
            logged = case.events.get(kind=CaseEvent.Kind.LOGGED)
            first_version = case.history.earliest("history_date")
            assert first_version.history_user_id == case.logged_by_id == logged.actor_id
            assert first_version.history_date == case.created_at == logged.at

    def test_cases_are_spread_over_the_past_six_weeks(self):
        span = self.demo_cases().aggregate(oldest=Min("created_at"), newest=Max("created_at"))
        assert (span["newest"] - span["oldest"]).days >= 28

    def test_there_is_a_safeguarding_transport_case_with_the_transport_team(self):
        case = self.demo_cases().get(safeguarding=True, category="transport")
        assert case.team.name == "Home to school transport"
        assert case.priority == Case.Priority.URGENT

    def test_provision_not_delivered_cases_name_a_line_of_their_childs_plan(self):
        cases = self.demo_cases().filter(category="provision_not_delivered", provision_item__isnull=False)
        assert cases.count() >= 2
        for case in cases.select_related("provision_item__ehcp"):
            assert case.provision_item.ehcp.child_id == case.child_id

    def test_an_officer_logged_one_case_on_a_familys_behalf(self):
        case = self.demo_cases().get(logged_on_behalf=True)
        assert officer_of(case.logged_by) is not None

    def test_some_messages_are_internal_notes(self):
        assert CaseEvent.objects.filter(case__in=self.demo_cases(), kind=CaseEvent.Kind.NOTE, internal=True).exists()

    def test_every_child_has_a_plan_with_two_to_five_lines(self):
        organisation = Organisation.objects.get(name=DEMO_ORGANISATION)
        for family in organisation.families.prefetch_related("children__ehcp__provision_items"):
            for child in family.children.all():
                assert child.ehcp.reference.startswith("EHCP-WX-")
                assert 2 <= child.ehcp.provision_items.count() <= 5

    def test_the_output_says_where_to_sign_in_and_who_is_who(self):
        text = self.output.getvalue()
        assert "Where to sign in" in text
        assert DEFAULT_PASSWORD in text
        for username in ["admin", "parent1", "parent2", "officer1", "officer2", "manager1"]:
            assert f"  {username} " in text

    def test_running_it_twice_changes_nothing_and_prints_the_logins_again(self):
        before = row_counts()
        second = StringIO()
        call_command("seed_demo", stdout=second)
        assert row_counts() == before
        assert "nothing has been changed" in second.getvalue()
        assert "  officer1 " in second.getvalue()


@pytest.mark.django_db
def test_the_password_option_sets_every_demo_users_password():
    call_command("seed_demo", "--password", "a-different-secret-42", stdout=StringIO())
    assert Client().login(username="parent1", password="a-different-secret-42")
    assert Client().login(username="officer2", password="a-different-secret-42")
    assert not Client().login(username="parent1", password=DEFAULT_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_password_is_refused_and_nothing_is_made(blank):
    with pytest.raises(CommandError, match="not blank"):
        call_command("seed_demo", "--password", blank, stdout=StringIO())
    assert not Organisation.objects.filter(name=DEMO_ORGANISATION).exists()
    assert not get_user_model().objects.filter(username="parent1").exists()


@pytest.mark.django_db
def test_every_state_appears_even_when_made_just_after_christmas_and_new_year():
    # Bank holidays and a weekend push cases' steps back; each must still reach its state, all in the past.
    made_at = datetime(2027, 1, 4, 8, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(made_at, tick=False):
        call_command("seed_demo", stdout=StringIO())
    assert set(Case.objects.values_list("status", flat=True)) == set(Case.Status.values)
    assert not Case.objects.filter(created_at__gt=made_at).exists()
    assert not CaseEvent.objects.filter(at__gt=made_at).exists()
    assert cases_visible_to(user("parent1")).filter(status=Case.Status.AWAITING_PARENT).exists()
