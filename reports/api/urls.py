from django.urls import path

from . import delivery, views

urlpatterns = [
    path("reports/sla/", views.SlaReportView.as_view(), name="api-report-sla"),
    path("reports/accountability/", views.AccountabilityReportView.as_view(), name="api-report-accountability"),
    path("reports/age/", views.AgeReportView.as_view(), name="api-report-age"),
    path("reports/escalations/", views.EscalationsReportView.as_view(), name="api-report-escalations"),
    path("reports/provision/", views.ProvisionReportView.as_view(), name="api-report-provision"),
    path("reports/delivery/", delivery.DeliveryReportView.as_view(), name="api-report-delivery"),
    path("reports/transition/", views.TransitionReportView.as_view(), name="api-report-transition"),
    path("reports/open-data/sla.json", views.OpenDataSlaJsonView.as_view(), name="api-open-data-sla-json"),
    path("reports/open-data/sla.csv", views.OpenDataSlaCsvView.as_view(), name="api-open-data-sla-csv"),
    path(
        "reports/open-data/delivery.json",
        delivery.OpenDataDeliveryJsonView.as_view(),
        name="api-open-data-delivery-json",
    ),
    path(
        "reports/open-data/delivery.csv", delivery.OpenDataDeliveryCsvView.as_view(), name="api-open-data-delivery-csv"
    ),
    path("reports/open-data/publish/", views.OpenDataPublishView.as_view(), name="api-open-data-publish"),
]
