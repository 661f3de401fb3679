"""Administration of provision delivery: term dates and provider staff are data an administrator keeps.

Sessions are shown, never changed: a correction is the family's dispute or a new record.
"""

from django.contrib import admin

from casework.admin.shared import ReadOnlyMixin

from .models import Delivery, ProviderStaff, TermDate


@admin.register(TermDate)
class TermDateAdmin(admin.ModelAdmin):
    list_display = ["organisation", "term", "starts_on", "ends_on"]
    list_filter = ["organisation", "term"]
    ordering = ["organisation", "starts_on"]


@admin.register(ProviderStaff)
class ProviderStaffAdmin(admin.ModelAdmin):
    list_display = ["display_name", "organisation", "job_title", "active"]
    list_select_related = ["user", "organisation"]
    list_filter = ["organisation", "active"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    raw_id_fields = ["user"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["item", "on", "status", "minutes", "recorded_by", "disputed_at"]
    list_select_related = ["item", "recorded_by"]
    list_filter = ["status"]
    date_hierarchy = "on"
