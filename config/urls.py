from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from casework import views as case_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("cases/<int:pk>/", case_views.case_page, name="case-page"),
    path("cases/<int:pk>/was-it-fixed/", case_views.was_it_fixed, name="case-was-it-fixed"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/auth/", include("rest_framework.urls")),
    path("api/", include("notifications.urls")),
    path("api/", include("casework.urls")),
    path("api/", include("escalations.urls")),
]
