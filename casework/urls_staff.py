"""The staff's and managers' pages. Names are what `casework.navigation` and `views.case_page` look for."""

from django.urls import path

from . import views_staff

urlpatterns = [
    path("queue/", views_staff.queue, name="staff-queue"),
    path("queue/team/", views_staff.team_queue, name="staff-team-queue"),
    path("queue/cases/<int:pk>/", views_staff.case_detail, name="staff-case"),
    path("queue/cases/<int:pk>/handover/", views_staff.handover, name="staff-handover"),
    path("dashboard/", views_staff.dashboard, name="manager-dashboard"),
    path("officers/", views_staff.officers, name="manager-officers"),
    path("officers/<int:pk>/offboard/", views_staff.offboard, name="manager-offboard"),
    path("officers/<int:pk>/cover/", views_staff.cover, name="manager-cover"),
    path("officers/<int:pk>/cover/<int:cover_id>/end/", views_staff.cover_end, name="manager-cover-end"),
]
