"""The one API root: every app's REST endpoints under /api/ (API.md), and the schema that describes them."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import BasePermission

from casework.permissions import is_staff_member


class StaffOnly(BasePermission):
    """The documentation page is for the council's staff and developers; families read the service's own pages.
    The schema itself stays open to every signed-in client, which reads it to build requests."""

    def has_permission(self, request, view):
        return is_staff_member(request.user)


from accounts.web.session import sign_in_on_the_service_page

urlpatterns = [
    # The cases first: the busiest requests, matched without trying every other app's patterns before them.
    path("", include("casework.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[StaffOnly]), name="api-docs"),
    # Before DRF's own auth/ pages, so that auth/logout/ is the contract's: it revokes the token it is sent with.
    path("", include("accounts.api.urls")),
    # The browsable API signs in on the service's sign-in page, where a password spray is paused.
    path("auth/login/", sign_in_on_the_service_page),
    path("auth/", include("rest_framework.urls")),
    path("", include("notifications.urls")),
    path("", include("provision.urls")),
    path("", include("casefile.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("statutory.urls")),
]
