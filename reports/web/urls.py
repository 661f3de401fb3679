from django.urls import path

from . import figures, pages, records, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="manager-dashboard"),
    path("dashboard/cases/", figures.figure_cases, name="manager-figure-cases"),
    path("dashboard/escalations/", records.escalations, name="manager-figure-escalations"),
    path("dashboard/handovers/", records.handovers, name="manager-figure-handovers"),
    path("dashboard/sessions/", records.sessions, name="manager-figure-sessions"),
    path("dashboard/items/", records.items, name="manager-figure-items"),
    path("dashboard/gaps/", records.gaps, name="manager-figure-gaps"),
    path("dashboard/age/", pages.age, name="manager-report-age"),
    path("dashboard/provision/", pages.provision, name="manager-report-provision"),
    path("dashboard/transition/", pages.transition, name="manager-report-transition"),
]
