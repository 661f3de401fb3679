from django.urls import path

from . import api

urlpatterns = [
    path("statutory/reports/timeliness/", api.TimelinessReportView.as_view(), name="api-statutory-timeliness"),
    path("statutory/", api.ProcessListView.as_view(), name="api-statutory"),
    path("statutory/<int:pk>/", api.ProcessDetailView.as_view(), name="api-statutory-process"),
    path("statutory/<int:pk>/steps/<slug:key>/", api.StepDoneView.as_view(), name="api-statutory-step"),
    path("statutory/<int:pk>/decisions/", api.DecisionsView.as_view(), name="api-statutory-decisions"),
    path("statutory/<int:pk>/exceptions/", api.ExceptionsView.as_view(), name="api-statutory-exceptions"),
    path(
        "statutory/<int:pk>/exceptions/<int:exception_id>/withdraw/",
        api.ExceptionWithdrawView.as_view(),
        name="api-statutory-exception-withdraw",
    ),
]
