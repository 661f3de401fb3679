from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import ClosureDay, OpenDataPublication, SlaPolicy


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "day_of_week", "reason"]
    date_hierarchy = "date"
    search_fields = ["reason"]

    @admin.display(description="Day of the week", ordering="date")
    def day_of_week(self, closure_day):
        # An administrator adding a closure on a weekend has made a mistake worth seeing at a glance.
        return f"{closure_day.date:%A}"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """The timescales each kind of concern is given. An edit applies to concerns logged after it."""

    list_display = [
        "__str__", "priority", "acknowledge_within", "acknowledge_unit", "respond_within", "resolve_within"
    ]
    list_select_related = ["category"]

    def get_readonly_fields(self, request, obj=None):
        # What a policy covers is fixed once made: turning the default or the safeguarding policy into a
        # category's would leave some concerns with no policy, and logging them would fail.
        return ["category", "safeguarding"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Every concern needs a policy: without the default or the safeguarding one, logging one would fail.
        # A category's own policy may go, and its concerns follow the default again.
        return obj is not None and obj.category_id is not None and not obj.safeguarding


@admin.register(OpenDataPublication)
class OpenDataPublicationAdmin(SimpleHistoryAdmin):
    """Who published each council's open data and when, to look at only.

    Publishing goes through `reports.open_data_publish` (the reports API), which records who and
    when: a form here would publish with neither, and the public table would say "published_at": null.
    """

    list_display = ["organisation", "published", "published_by", "published_at"]
    list_select_related = ["organisation", "published_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
