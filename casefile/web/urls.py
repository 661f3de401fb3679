from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/files/", views.case_files, name="case-files"),
]
