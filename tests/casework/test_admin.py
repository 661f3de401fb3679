"""The council administrator's screens, opened on the demo borough.

Every page must open without error and without a query per row; nothing that
records what happened to a case can be deleted, added or rewritten here; and
an officer cannot be switched off except through offboarding.
"""

from io import StringIO

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Case, CaseAccess, CaseEvent, CaseMessage, Officer

CASEWORK_MODELS = [model for model in admin.site._registry if model._meta.app_label == "casework"]
# The records of what happened: never deleted through the admin.
KEPT_FOR_GOOD = [Case, CaseMessage, CaseAccess]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


class TestCaseworkAdmin(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())
        cls.administrator = get_user_model().objects.get(username="admin")

    def setUp(self):
        self.client.force_login(self.administrator)
        self.case = Case.objects.filter(status=Case.Status.IN_PROGRESS).order_by("pk").first()

    def test_every_casework_list_opens_for_the_administrator(self):
        assert len(CASEWORK_MODELS) >= 12
        for model in CASEWORK_MODELS:
            response = self.client.get(admin_url(model, "changelist"))
            assert response.status_code == 200, model.__name__

    def test_case_list_can_be_searched_and_filtered(self):
        response = self.client.get(admin_url(Case, "changelist"), {"q": self.case.reference, "status": "new"})
        assert response.status_code == 200
        response = self.client.get(admin_url(Case, "changelist"), {"q": self.case.reference})
        assert list(response.context["cl"].result_list) == [self.case]

    def test_list_pages_do_not_run_a_query_per_row(self):
        for model in CASEWORK_MODELS:
            with CaptureQueriesContext(connection) as queries:
                self.client.get(admin_url(model, "changelist"))
            assert len(queries) <= 15, f"{model.__name__}: {len(queries)} queries"

    def test_officer_list_shows_each_officers_open_cases(self):
        response = self.client.get(admin_url(Officer, "changelist"))
        officer = next(o for o in response.context["cl"].result_list if o.user.username == "officer1")
        assert officer.open_case_count == Case.objects.filter(
            accountable_officer=officer, status__in=Case.OPEN_STATES
        ).count()

    def test_a_case_opens_read_only_with_its_timeline(self):
        response = self.client.get(admin_url(Case, "change", self.case.pk))
        assert response.status_code == 200
        assert not response.context["has_change_permission"]
        assert response.context["adminform"].form.fields == {}
        assert self.case.summary in response.content.decode()
        timeline = response.context["inline_admin_formsets"][0]
        assert timeline.formset.queryset.count() == self.case.events.count()

    def test_the_case_page_shows_every_field_of_the_case(self):
        shown = set(admin.site._registry[Case].get_readonly_fields(None, self.case))
        stored = {field.name for field in Case._meta.concrete_fields} - {"id"}
        assert stored <= shown

    def test_opening_a_case_is_logged(self):
        self.client.get(admin_url(Case, "change", self.case.pk))
        assert CaseAccess.objects.filter(case=self.case, user=self.administrator, via="admin").exists()

    def test_a_case_history_shows_who_changed_it(self):
        response = self.client.get(admin_url(Case, "history", self.case.pk))
        assert response.status_code == 200
        assert self.case.logged_by.username in response.content.decode()

    def test_no_delete_action_is_offered_for_what_is_kept_for_good(self):
        for model in KEPT_FOR_GOOD:
            response = self.client.get(admin_url(model, "changelist"))
            action_form = response.context["action_form"]
            actions = [name for name, _label in action_form.fields["action"].choices] if action_form else []
            assert "delete_selected" not in actions, model.__name__

    def test_a_case_cannot_be_deleted(self):
        response = self.client.post(admin_url(Case, "delete", self.case.pk), {"post": "yes"})
        assert response.status_code == 403
        self.client.post(
            admin_url(Case, "changelist"),
            {"action": "delete_selected", "_selected_action": [self.case.pk], "post": "yes"},
        )
        assert Case.objects.filter(pk=self.case.pk).exists()
        assert CaseEvent.objects.filter(case=self.case).exists()

    def test_a_message_and_an_access_log_cannot_be_deleted(self):
        self.client.get(admin_url(Case, "change", self.case.pk))
        for record in (CaseMessage.objects.first(), CaseAccess.objects.first()):
            response = self.client.post(admin_url(type(record), "delete", record.pk), {"post": "yes"})
            assert response.status_code == 403
            assert type(record).objects.filter(pk=record.pk).exists()

    def test_a_case_cannot_be_added_or_changed_through_the_admin(self):
        assert self.client.get(admin_url(Case, "add")).status_code == 403
        response = self.client.post(
            admin_url(Case, "change", self.case.pk), {"summary": "Changed by hand", "status": "closed"}
        )
        assert response.status_code == 403
        self.case.refresh_from_db()
        assert self.case.summary != "Changed by hand"
        assert self.case.status != Case.Status.CLOSED

    def test_a_case_cannot_be_reverted_to_an_old_version(self):
        first_version = self.case.history.earliest("history_date")
        url = reverse("admin:casework_case_simple_history", args=[self.case.pk, first_version.history_id])
        status_before = self.case.status
        assert self.client.post(url, {}).status_code == 403
        self.case.refresh_from_db()
        assert self.case.status == status_before

    def test_the_officer_form_shows_active_read_only_and_points_to_offboarding(self):
        officer = Officer.objects.get(user__username="officer1")
        response = self.client.get(admin_url(Officer, "change", officer.pk))
        assert response.status_code == 200
        assert "active" not in response.context["adminform"].form.fields
        assert "active" in response.context["adminform"].readonly_fields
        assert "offboarding" in response.content.decode()

    def test_saving_the_officer_form_cannot_switch_an_officer_off(self):
        officer = Officer.objects.select_related("user", "team").get(user__username="officer1")
        response = self.client.post(
            admin_url(Officer, "change", officer.pk),
            {"user": officer.user_id, "team": officer.team_id, "job_title": "Case officer", "active": ""},
        )
        assert response.status_code == 302
        officer.refresh_from_db()
        assert officer.active
        assert officer.job_title == "Case officer"
        assert officer.history.latest("history_date").history_user == self.administrator

    def test_an_officer_cannot_be_switched_off_by_reverting_to_an_old_version(self):
        officer = Officer.objects.get(user__username="officer1")
        first_version = officer.history.earliest("history_date")
        url = reverse("admin:casework_officer_simple_history", args=[officer.pk, first_version.history_id])
        assert self.client.post(url, {"user": officer.user_id, "active": ""}).status_code == 403

    def test_a_category_keeps_its_slug_once_created(self):
        response = self.client.get(admin_url(type(self.case.category), "change", self.case.category_id))
        assert "slug" not in response.context["adminform"].form.fields
        response = self.client.get(admin_url(type(self.case.category), "add"))
        assert "slug" in response.context["adminform"].form.fields
