from django.urls import path

from . import figures, pages, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="manager-dashboard"),
    path("dashboard/cases/", figures.figure_cases, name="manager-figure-cases"),
    path("dashboard/age/", pages.age, name="manager-report-age"),
    path("dashboard/provision/", pages.provision, name="manager-report-provision"),
    path("dashboard/transition/", pages.transition, name="manager-report-transition"),
]
