from django.urls import path

from . import api

app_name = "notifications"

urlpatterns = [
    path("notifications/", api.NotificationInboxApi.as_view(), name="inbox"),
    path("notifications/read-all/", api.NotificationReadAllApi.as_view(), name="read-all"),
    path("notifications/preferences/", api.NotificationPreferencesApi.as_view(), name="preferences"),
    path("notifications/<int:pk>/read/", api.NotificationReadApi.as_view(), name="read"),
]
