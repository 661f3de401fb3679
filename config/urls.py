"""The URL root: the admin, the API and every app's pages."""

from django.contrib import admin
from django.urls import include, path

from accounts.web.session import sign_in_on_the_service_page

urlpatterns = [
    path("admin/login/", sign_in_on_the_service_page),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("", include("provision.page_urls")),
    path("", include("casework.web.urls")),
    path("", include("casefile.web.urls")),
    path("", include("notifications.page_urls")),
    path("", include("statutory.page_urls")),
    path("", include("reports.web.urls")),
    path("", include("accounts.web.urls")),
]
