from django.urls import path

from . import views

urlpatterns = [
    path("statutory/", views.process_list, name="statutory-list"),
    path("statutory/ask-for-an-assessment/", views.ask_for_assessment, name="statutory-ask"),
    path("statutory/start/", views.start_process, name="statutory-start"),
    path("statutory/<int:pk>/", views.process_page, name="statutory-process"),
    path("statutory/<int:pk>/record-step/", views.record_step, name="statutory-record-step"),
    path("statutory/<int:pk>/record-decision/", views.record_decision, name="statutory-record-decision"),
    path("statutory/<int:pk>/record-exception/", views.record_exception, name="statutory-record-exception"),
]
