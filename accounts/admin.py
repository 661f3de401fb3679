"""Invitations in the admin: to look up and withdraw. They are made on the staff pages, which print or email the
code; the admin never could, as only a digest of each code is kept."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from casework.forms import SERVICE_REFUSALS, refusal_messages

from .invitations import invitation_withdraw
from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "kind", "delivery", "created_by", "created_at", "expires_at", "state"]
    list_filter = ["kind", "delivery"]
    search_fields = ["first_name", "last_name", "email", "child__first_name", "child__last_name"]
    list_select_related = ["child", "created_by"]
    actions = ["withdraw"]
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="State")
    def state(self, invitation):
        return invitation.state.label

    @admin.action(description="Withdraw the selected invitations")
    def withdraw(self, request, queryset):
        for invitation in queryset:
            try:
                invitation_withdraw(actor=request.user, invitation=invitation)
            except SERVICE_REFUSALS as refused:
                for texts in refusal_messages(refused).values():
                    self.message_user(request, f"{invitation}: {' '.join(texts)}", messages.WARNING)
            else:
                self.message_user(request, f"{invitation}: withdrawn.", messages.SUCCESS)
