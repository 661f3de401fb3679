"""Statutory processes in the admin site: to look at, with every version and who made it. Changes go through
the services (pages and API), so a decision is never edited and a date never moved around its rules."""

from django.contrib import admin

from casework.admin.shared import HistoryAdmin, ReadOnlyMixin

from .models import Decision, Process, Step, StepException


class StepInline(ReadOnlyMixin, admin.TabularInline):
    model = Step
    fields = ["label", "regulation", "due_on", "done_on", "lifted", "not_needed", "check_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Process)
class ProcessAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["child", "kind", "status", "received_on", "coordinator"]
    list_filter = ["kind", "status", "organisation"]
    search_fields = ["child__first_name", "child__last_name"]
    list_select_related = ["child", "coordinator__user"]
    inlines = [StepInline]


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["process", "decision", "decided_on", "approved_by", "supersedes"]
    list_select_related = ["process__child", "approved_by__user", "supersedes"]


@admin.register(StepException)
class StepExceptionAdmin(ReadOnlyMixin, HistoryAdmin):
    list_display = ["process", "regulation", "starts_on", "ends_on", "withdrawn_at"]
    list_select_related = ["process__child"]
