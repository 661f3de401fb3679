"""Organisations and staff in the admin: teams, officers (offboarded only through the service), routing and cover."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path

from core.exceptions import Conflict, NotAllowed

from .. import staffing
from ..models import Area, Case, Category, Cover, Officer, Organisation, RoutingRule, Team
from .shared import HistoryAdmin, ReadOnlyMixin


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "director", "out_of_hours_phone"]
    list_select_related = ["director__user"]
    search_fields = ["name"]
    autocomplete_fields = ["director"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    list_select_related = ["organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(HistoryAdmin):
    list_display = ["name", "kind", "organisation", "manager", "head_of_service"]
    list_select_related = ["organisation", "manager__user", "head_of_service__user"]
    list_filter = ["kind", "organisation"]
    search_fields = ["name"]
    autocomplete_fields = ["manager", "head_of_service"]


# Families are told their named officer's name; an officer with none would be shown by their sign-in name.
OFFICER_NEEDS_A_NAME = (
    "Families are told their officer's name, so an officer needs a first and last name. "
    "Add them to this person's user record first."
)


class OfficerForm(forms.ModelForm):
    class Meta:
        model = Officer
        fields = "__all__"
        help_texts = {
            "active": (
                "You cannot change this here. Staff leave through offboarding, "
                "which hands each of their open cases to another officer first."
            ),
        }

    def clean_user(self):
        user = self.cleaned_data.get("user")
        if user is not None and not (user.first_name.strip() and user.last_name.strip()):
            raise ValidationError(OFFICER_NEEDS_A_NAME)
        return user


@admin.register(Officer)
class OfficerAdmin(HistoryAdmin):
    form = OfficerForm
    list_display = ["name", "team", "job_title", "is_manager", "active", "open_cases"]
    list_select_related = ["user", "team"]
    list_filter = ["active", "is_manager", "team"]
    search_fields = ["user__first_name", "user__last_name", "user__username"]
    autocomplete_fields = ["user", "team"]
    # Switching someone off here would leave their cases with an inactive owner
    # (invariant 1); offboarding is the only way out.
    readonly_fields = ["active"]

    def get_readonly_fields(self, request, obj=None):
        # Families know their named officer as a person: pointing the record at another sign-in would
        # give every case of theirs a new named officer with no handover, timeline entry or word to them.
        if obj is not None:
            return [*self.readonly_fields, "user"]
        return self.readonly_fields

    def get_queryset(self, request):
        # One grouped query for the whole page rather than a count per officer.
        return (
            super()
            .get_queryset(request)
            .annotate(open_case_count=Count("cases", filter=Q(cases__status__in=Case.OPEN_STATES)))
        )

    @admin.display(description="Name", ordering="user__last_name")
    def name(self, officer):
        return officer.display_name

    @admin.display(description="Open cases", ordering="open_case_count")
    def open_cases(self, officer):
        return officer.open_case_count

    actions = ["offboard_selected"]

    def get_urls(self):
        offboard = path(
            "<int:officer_id>/offboard/",
            self.admin_site.admin_view(self.offboard_view),
            name="casework_officer_offboard",
        )
        return [offboard, *super().get_urls()]

    @admin.action(description="Offboard the selected officer (hands their cases over first)")
    def offboard_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one officer to offboard at a time.", level=messages.ERROR)
            return None
        return redirect("admin:casework_officer_offboard", officer_id=queryset.get().pk)

    def offboard_view(self, request, officer_id):
        """The admin's way out for an officer: the same service as the API and the command."""
        officer = get_object_or_404(Officer.objects.select_related("user", "team"), pk=officer_id)
        if not self.has_change_permission(request, officer):
            raise PermissionDenied
        form = OffboardForm(request.POST or None, leaver=officer)
        context = {
            **self.admin_site.each_context(request),
            "officer": officer,
            "form": form,
            "case_count": officer.cases.filter(status__in=Case.OWNED_STATES).count(),
            "title": f"Offboard {officer.display_name}",
        }
        if request.method == "POST" and form.is_valid():
            try:
                result = staffing.officer_offboard(
                    actor=request.user,
                    officer=officer,
                    successor=form.cleaned_data["successor"],
                    note=form.cleaned_data["note"],
                )
            except Conflict as conflict:
                context.update(conflict=conflict.detail, unplaced=conflict.data.get("cases", []))
            except NotAllowed as refused:
                form.add_error(None, refused.detail)
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                self.message_user(request, f"{officer.display_name}: {result.detail}", level=messages.SUCCESS)
                return redirect("admin:casework_officer_changelist")
        return TemplateResponse(request, "admin/casework/officer/offboard.html", context)


class OffboardForm(forms.Form):
    successor = forms.ModelChoiceField(
        queryset=Officer.objects.none(),
        required=False,
        help_text="Leave empty to send each case back through routing to the leaver's team.",
    )
    note = forms.CharField(
        widget=forms.Textarea, max_length=5_000, help_text="What the next officer needs to know. It goes with every case."
    )

    def __init__(self, *args, leaver: Officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = (
            Officer.objects.filter(active=True).exclude(pk=leaver.pk).select_related("user", "team")
        )


class UserChangeFormGuardingOfficers(UserChangeForm):
    """Unticking 'active' for someone who is an officer would strand their cases: point to offboarding."""

    def clean_is_active(self):
        is_active = self.cleaned_data.get("is_active")
        if not is_active and Officer.objects.filter(user=self.instance, active=True).exists():
            raise ValidationError(
                "This person is an active officer. Use 'Offboard' on their officer record: "
                "it hands their cases over before switching them off."
            )
        return is_active

    def clean_first_name(self):
        return self._officer_keeps_a_name("first_name")

    def clean_last_name(self):
        return self._officer_keeps_a_name("last_name")

    def _officer_keeps_a_name(self, field: str) -> str:
        name = self.cleaned_data.get(field, "")
        if not name.strip() and Officer.objects.filter(user=self.instance).exists():
            raise ValidationError("This person is an officer, and families are told their officer's name: it cannot be blank.")
        return name


admin.site.unregister(User)


@admin.register(User)
class UserAdminGuardingOfficers(UserAdmin):
    form = UserChangeFormGuardingOfficers


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name", "slug"]

    def get_readonly_fields(self, request, obj=None):
        # Cases, routing rules and the API refer to a category by its slug, so it never changes.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return {"slug": ["name"]} if obj is None else {}


@admin.register(RoutingRule)
class RoutingRuleAdmin(HistoryAdmin):
    list_display = ["position", "concern", "area_name", "ages", "safeguarding_condition", "team"]
    # The team is the link, so the position stays editable in the list and rules can be reordered at a glance.
    list_display_links = ["team"]
    list_editable = ["position"]
    list_select_related = ["category", "area", "team"]
    list_filter = ["organisation", "team"]
    ordering = ["organisation", "position", "id"]

    @admin.display(description="Kind of concern", ordering="category__name")
    def concern(self, rule):
        return rule.category or "Any"

    @admin.display(description="Area", ordering="area__name")
    def area_name(self, rule):
        return rule.area or "Any"

    @admin.display(description="Ages")
    def ages(self, rule):
        if rule.min_age is None and rule.max_age is None:
            return "Any age"
        if rule.max_age is None:
            return f"{rule.min_age} and over"
        if rule.min_age is None:
            return f"Up to {rule.max_age}"
        return f"{rule.min_age} to {rule.max_age}"

    @admin.display(description="Safeguarding", ordering="safeguarding")
    def safeguarding_condition(self, rule):
        if rule.safeguarding is None:
            return "Either"
        return "Only safeguarding" if rule.safeguarding else "Not safeguarding"


@admin.register(Cover)
class CoverAdmin(ReadOnlyMixin, HistoryAdmin):
    """Cover is arranged by a manager through the service, which checks who may cover whom."""

    list_display = ["officer", "cover_officer", "starts_at", "ends_at", "set_by"]
    list_select_related = ["officer__user", "cover_officer__user", "set_by"]
    search_fields = ["officer__user__last_name", "cover_officer__user__last_name"]
