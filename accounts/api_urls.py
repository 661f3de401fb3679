from django.urls import path

from . import api

urlpatterns = [
    path("auth/password-reset/", api.PasswordResetView.as_view(), name="api-password-reset"),
]
