"""The provision pages (`provision.views`)."""

from django.urls import path

from . import views

urlpatterns = [
    path("provision/", views.items, name="provision-items"),
    path("provision/register/", views.register, name="provision-register"),
    path("provision/<int:pk>/", views.item, name="provision-item"),
    path("provision/<int:pk>/amount/", views.obligation, name="provision-obligation"),
    path("provision/<int:pk>/when-it-ends/", views.ending_decide, name="provision-ending"),
    path("provision/sessions/<int:pk>/not-delivered/", views.dispute, name="provision-dispute"),
]
