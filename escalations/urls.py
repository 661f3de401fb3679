from django.urls import path

from . import report_api

urlpatterns = [
    path("reports/sla/", report_api.SlaReportView.as_view(), name="api-report-sla"),
    path("reports/accountability/", report_api.AccountabilityReportView.as_view(), name="api-report-accountability"),
    path("reports/age/", report_api.AgeReportView.as_view(), name="api-report-age"),
    path("reports/escalations/", report_api.EscalationsReportView.as_view(), name="api-report-escalations"),
    path("reports/provision/", report_api.ProvisionReportView.as_view(), name="api-report-provision"),
    path("reports/transition/", report_api.TransitionReportView.as_view(), name="api-report-transition"),
    path("reports/open-data/sla.json", report_api.OpenDataSlaJsonView.as_view(), name="api-open-data-sla-json"),
    path("reports/open-data/sla.csv", report_api.OpenDataSlaCsvView.as_view(), name="api-open-data-sla-csv"),
    path("reports/open-data/publish/", report_api.OpenDataPublishView.as_view(), name="api-open-data-publish"),
]
