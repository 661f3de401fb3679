"""The service's pages: those every user shares, then the families' and the staff's."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="pages/sign_in.html", authentication_form=SignInForm),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("cases/<int:pk>/", views.case_page, name="case-page"),
    path("cases/<int:pk>/was-it-fixed/", views.was_it_fixed, name="case-was-it-fixed"),
    path("", include("casework.urls_family")),
    path("", include("casework.urls_staff")),
]
