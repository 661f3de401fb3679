from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import truncatechars

from . import services
from .models import Notification, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox, read-only: rows change only through the services, here the Resend action."""

    list_display = ["recipient", "template", "channel", "status", "attempts", "short_last_error", "created_at"]
    list_filter = ["status", "channel", "template"]
    search_fields = ["recipient__username", "recipient__email", "subject", "dedupe_key"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    actions = ["resend"]

    @admin.display(description="last error")
    def short_last_error(self, notification):
        return truncatechars(notification.last_error, 80)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Every field is read-only, so a Save button would only mislead.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        # Who was told what, and when, is part of the record of each case.
        return False

    @admin.action(description="Resend", permissions=["change"])
    def resend(self, request, queryset):
        resent = 0
        for notification in queryset:
            try:
                services.notification_resend(notification=notification, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{notification}: {' '.join(exc.messages)}", messages.WARNING)
            else:
                self.log_change(request, notification, "Resent")
                resent += 1
        if resent:
            self.message_user(request, f"{resent} notification(s) will be sent again.", messages.SUCCESS)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_enabled", "daily_digest", "updated_at"]
    list_filter = ["email_enabled", "daily_digest"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]

    def save_model(self, request, obj, form, change):
        # Through the service, so turning the digest off releases held reminders here too.
        preference = services.notification_preferences_update(
            user=obj.user,
            email_enabled=obj.email_enabled,
            daily_digest=obj.daily_digest,
            mobile_number=obj.mobile_number,
        )
        obj.pk = preference.pk
