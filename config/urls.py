from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/auth/", include("rest_framework.urls")),
    path("api/", include("notifications.urls")),
    path("api/", include("casework.urls")),
    path("api/", include("escalations.urls")),
    path("api/", include("provision.urls")),
    path("", include("provision.page_urls")),
    path("", include("casework.page_urls")),
]
