"""The URL root: the admin, the API and every app's pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("casework.web.urls")),
    path("", include("casefile.web.urls")),
    path("", include("notifications.page_urls")),
    path("", include("reports.web.urls")),
]

# Django's own error answers: JSON under /api/, the HTML error pages elsewhere (core/api_errors.py).
handler400 = "core.api_errors.bad_request"
handler403 = "core.api_errors.permission_denied"
handler404 = "core.api_errors.page_not_found"
handler500 = "core.api_errors.server_error"
