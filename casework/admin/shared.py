"""What every casework admin page shares: the site's titles, history with who changed what, and read-only pages."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

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
