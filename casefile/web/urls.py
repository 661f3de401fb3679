from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/files/", views.case_files, name="case-files"),
    path("statutory/<int:pk>/files/", views.statutory_files, name="statutory-files"),
]
