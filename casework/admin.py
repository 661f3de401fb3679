"""The council administrator's screens.

Reference data (teams, officers, categories, routing rules, families and plans)
is edited here. Cases and everything that records what happened to them are
read-only: concerns are logged and moved through `casework.services`, and
nothing about a case is ever deleted (DESIGN.md, invariant 2).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from simple_history.admin import SimpleHistoryAdmin

from config.errors import Conflict, NotAllowed

from . import services, staffing
from .models import (
    EHCP,
    Area,
    Case,
    CaseAccess,
    CaseEvent,
    CaseMessage,
    Category,
    Child,
    Cover,
    Family,
    FamilyMember,
    Officer,
    Organisation,
    ProvisionItem,
    RoutingRule,
    Team,
)

admin.site.site_header = "SEND Casework administration"
admin.site.site_title = "SEND Casework administration"
admin.site.index_title = "Manage the service"


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows every past version and who made it, but never goes back to one.

    Restoring an old version saves the whole row around the services: it could
    switch off an officer without handing their cases over, or move a case to
    a state its timeline never recorded. django-simple-history only hides the
    "Revert" button, so the POST is refused here as well.
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyMixin:
    """A record written only by the services and kept for good: administrators may look, nothing more.

    No add or change form, no delete button and no bulk delete action.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


# --- organisations and staff ------------------------------------------------------


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


class ReassignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=Officer.objects.filter(active=True).select_related("user", "team"))
    note = forms.CharField(widget=forms.Textarea, max_length=5_000, help_text="Why, and what the new officer needs to know.")


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


# --- families and plans ---------------------------------------------------------------


class FamilyMemberInline(admin.TabularInline):
    model = FamilyMember
    extra = 0
    autocomplete_fields = ["user"]
    verbose_name = "parent or carer"
    verbose_name_plural = "parents and carers"


class ChildInline(admin.TabularInline):
    model = Child
    extra = 0
    fields = ["first_name", "last_name", "date_of_birth"]
    show_change_link = True


@admin.register(Family)
class FamilyAdmin(admin.ModelAdmin):
    list_display = ["name", "area", "organisation"]
    list_select_related = ["area", "organisation"]
    list_filter = ["organisation", "area"]
    search_fields = ["name", "memberships__user__username", "memberships__user__last_name"]
    inlines = [FamilyMemberInline, ChildInline]


class EHCPInline(admin.StackedInline):
    model = EHCP
    extra = 0
    max_num = 1
    fields = ["reference", "issued_on"]
    show_change_link = True
    verbose_name = "EHCP"
    verbose_name_plural = "EHCP (open it to see and change the provision)"


@admin.register(Child)
class ChildAdmin(HistoryAdmin):
    list_display = ["name", "date_of_birth", "family", "ehcp_reference"]
    list_select_related = ["family", "ehcp"]
    search_fields = ["first_name", "last_name", "ehcp__reference"]
    autocomplete_fields = ["family"]
    inlines = [EHCPInline]

    @admin.display(description="Name", ordering="last_name")
    def name(self, child):
        return child.display_name

    @admin.display(description="EHCP", ordering="ehcp__reference")
    def ehcp_reference(self, child):
        try:
            return child.ehcp.reference
        except EHCP.DoesNotExist:
            return None


class ProvisionItemInline(admin.TabularInline):
    model = ProvisionItem
    extra = 0
    fields = ["section", "description", "amount", "frequency", "provider"]


@admin.register(EHCP)
class EHCPAdmin(HistoryAdmin):
    list_display = ["reference", "child", "issued_on"]
    list_select_related = ["child"]
    search_fields = ["reference", "child__first_name", "child__last_name"]
    autocomplete_fields = ["child"]
    inlines = [ProvisionItemInline]


# --- cases: read-only, never deleted ---------------------------------------------------


class CaseEventInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    verbose_name = "timeline entry"
    verbose_name_plural = "timeline"
    fields = ["at", "kind", "who", "text", "internal"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor").order_by("at", "id")

    @admin.display(description="Who")
    def who(self, event):
        if event.actor is None:
            return "SEND Casework (automatic)"
        return event.actor.get_full_name() or event.actor.username


CASE_FIELDSETS = [
    (
        "The concern",
        {
            "fields": [
                "reference",
                "organisation",
                "child",
                "category",
                "provision_item",
                "summary",
                "description",
                "safeguarding",
                "logged_by",
                "logged_on_behalf",
                "contact_method",
            ]
        },
    ),
    (
        "Who is accountable",
        {"fields": ["status", "priority", "accountable_officer", "team", "owner_count", "escalation_level"]},
    ),
    (
        "Dates",
        {
            "fields": [
                "created_at",
                "acknowledged_at",
                "next_due_at",
                "first_breached_at",
                "escalation_due_at",
                "resolved_at",
                "follow_up_due_at",
                "follow_up_sent_at",
                "closed_at",
                "updated_at",
            ]
        },
    ),
    ("Outcome", {"fields": ["outcome"]}),
]


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = [
        "reference",
        "child",
        "category",
        "status",
        "priority",
        "safeguarding",
        "accountable_officer",
        "team",
        "created_at",
    ]
    list_select_related = ["child", "category", "accountable_officer__user", "team"]
    list_filter = ["status", "category", "team", "priority", "safeguarding"]
    search_fields = ["reference", "summary"]
    fieldsets = CASE_FIELDSETS
    readonly_fields = [field for _title, options in CASE_FIELDSETS for field in options["fields"]]
    inlines = [CaseEventInline]
    actions = ["reassign_selected"]

    @admin.action(description="Give the selected cases to another officer")
    def reassign_selected(self, request, queryset):
        form = ReassignForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                count = staffing.cases_reassign(
                    actor=request.user,
                    case_ids=list(queryset.values_list("pk", flat=True)),
                    officer=form.cleaned_data["officer"],
                    note=form.cleaned_data["note"],
                )
            except (Conflict, NotAllowed) as refused:
                self.message_user(request, refused.detail, level=messages.ERROR)
            except ValidationError as invalid:
                self.message_user(request, " ".join(invalid.messages), level=messages.ERROR)
            else:
                self.message_user(request, f"{count} case{'s' if count != 1 else ''} reassigned.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "cases": queryset.select_related("accountable_officer__user"),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "title": "Reassign cases",
        }
        return TemplateResponse(request, "admin/casework/case/reassign.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._record_access(request, object_id, via="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._record_access(request, object_id, via="admin history")
        return super().history_view(request, object_id, extra_context)

    def _record_access(self, request, object_id, *, via):
        # Staff opening a case record is logged wherever they open it (invariant 6).
        case = self.get_object(request, object_id)
        if case is not None and self.has_view_permission(request, case):
            services.case_record_access(actor=request.user, case=case, via=via)


@admin.register(CaseMessage)
class CaseMessageAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["case", "author", "internal", "created_at"]
    list_select_related = ["case", "author"]
    list_filter = ["internal"]
    search_fields = ["case__reference"]


@admin.register(CaseAccess)
class CaseAccessAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["at", "user", "case", "via"]
    list_select_related = ["case", "user"]
    list_filter = ["via"]
    search_fields = ["case__reference", "user__username"]
