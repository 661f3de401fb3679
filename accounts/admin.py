"""Accounts in the admin: invitations (to look up and withdraw; they are made on the staff pages, which print or
email the code, as only a digest of each code is kept), and retention: the schedule, legal holds, the monthly
lists awaiting approval and the audit of what was removed."""

from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from casework.admin.shared import ReadOnlyMixin
from core.forms import SERVICE_REFUSALS, refusal_messages

from .invitations import invitation_withdraw
from .models import ContactDetails, Invitation, LegalHold, RetentionAudit, RetentionItem, RetentionReview, RetentionRule
from .retention import legal_hold_lift, legal_hold_place, retention_review_approve


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


@admin.register(RetentionRule)
class RetentionRuleAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "years", "after", "source"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalHold)
class LegalHoldAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "reason", "placed_by", "placed_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["child", "case"]
    fields = ["child", "case", "reason"]
    actions = ["lift"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        placed = legal_hold_place(actor=request.user, reason=obj.reason, child=obj.child, case=obj.case)
        obj.pk = placed.pk

    @admin.action(description="Lift the selected holds")
    def lift(self, request, queryset):
        for hold in queryset:
            try:
                legal_hold_lift(actor=request.user, hold=hold)
            except SERVICE_REFUSALS as refused:
                self.message_user(request, f"{hold}: {' '.join(refusal_messages(refused)[None])}", messages.WARNING)


class RetentionItemInline(admin.TabularInline):
    model = RetentionItem
    readonly_fields = ["kind", "object_id", "due_on", "description"]
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RetentionReview)
class RetentionReviewAdmin(admin.ModelAdmin):
    """The month's list. Approving it removes every record on it that is still due and not held."""

    list_display = ["__str__", "status", "approved_by", "approved_at"]
    readonly_fields = ["listed_at", "status", "approved_by", "approved_at"]
    inlines = [RetentionItemInline]
    actions = ["approve"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Approve and remove the records listed (this cannot be undone)")
    def approve(self, request, queryset):
        for review in queryset:
            try:
                audits = retention_review_approve(review=review, actor=request.user)
            except SERVICE_REFUSALS as refused:
                self.message_user(request, f"{review}: {' '.join(refusal_messages(refused)[None])}", messages.ERROR)
            else:
                self.message_user(request, f"{review}: {len(audits)} record(s) removed.", messages.SUCCESS)


@admin.register(RetentionAudit)
class RetentionAuditAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["removed_at", "kind", "object_id", "description", "approved_by"]
    readonly_fields = [field.name for field in RetentionAudit._meta.fields]


@admin.register(ContactDetails)
class ContactDetailsAdmin(SimpleHistoryAdmin):
    """Families keep their own details (/contact-details/); here they are read, with every change in the history."""

    list_display = ["user", "email", "mobile", "preferred", "updated_at"]
    search_fields = ["user__username", "user__last_name", "email"]
    readonly_fields = [field.name for field in ContactDetails._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
