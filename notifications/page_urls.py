"""The pages of each person's messages and notification settings (the API's are in `urls`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/open/", views.inbox_open, name="inbox-open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("settings/notifications/", views.notification_settings, name="notification-settings"),
]
