from django.urls import path

from . import api

urlpatterns = [
    path("provision/", api.ProvisionListView.as_view(), name="api-provision"),
    path("provision/register/", api.RegisterView.as_view(), name="api-provision-register"),
    path("provision/<int:pk>/deliveries/", api.DeliveriesView.as_view(), name="api-provision-deliveries"),
    path("provision/<int:pk>/ending/", api.EndingDecisionView.as_view(), name="api-provision-ending"),
    path("provision/<int:pk>/obligation/", api.ObligationView.as_view(), name="api-provision-obligation"),
    path("provision/deliveries/<int:pk>/dispute/", api.DisputeView.as_view(), name="api-provision-delivery-dispute"),
]
