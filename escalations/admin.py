from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ClosureDay, OpenDataPublication


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ["date", "day_of_week", "reason"]
    date_hierarchy = "date"
    search_fields = ["reason"]

    @admin.display(description="Day of the week", ordering="date")
    def day_of_week(self, closure_day):
        # An administrator adding a closure on a weekend has made a mistake worth seeing at a glance.
        return f"{closure_day.date:%A}"


@admin.register(OpenDataPublication)
class OpenDataPublicationAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "published", "published_by", "published_at"]
    readonly_fields = ["published_by", "published_at"]
