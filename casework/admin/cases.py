"""Cases in the admin: read-only and never deleted; a manager moves them only through the service."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse

from core.exceptions import Conflict, NotAllowed

from .. import services, staffing
from ..models import Case, CaseAccess, CaseEvent, CaseMessage, Officer
from .shared import HistoryAdmin, ReadOnlyMixin


class ReassignForm(forms.Form):
    officer = forms.ModelChoiceField(queryset=Officer.objects.filter(active=True).select_related("user", "team"))
    note = forms.CharField(widget=forms.Textarea, max_length=5_000, help_text="Why, and what the new officer needs to know.")


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
