from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("children/", api.ChildrenView.as_view(), name="api-children"),
    path("categories/", api.CategoriesView.as_view(), name="api-categories"),
    path("cases/", api.CaseListView.as_view(), name="api-cases"),
    path("cases/reassign/", api.BulkReassignView.as_view(), name="api-cases-reassign"),
    path("cases/<int:pk>/", api.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:pk>/handover/", api.HandoverSummaryView.as_view(), name="api-case-handover"),
    path("cases/<int:pk>/timeline/", api.CaseTimelineView.as_view(), name="api-case-timeline"),
    path("cases/<int:pk>/messages/", api.CaseMessagesView.as_view(), name="api-case-messages"),
    path("cases/<int:pk>/acknowledge/", api.AcknowledgeView.as_view(), name="api-case-acknowledge"),
    path("cases/<int:pk>/start/", api.StartView.as_view(), name="api-case-start"),
    path("cases/<int:pk>/await-parent/", api.AwaitParentView.as_view(), name="api-case-await-parent"),
    path("cases/<int:pk>/resume/", api.ResumeView.as_view(), name="api-case-resume"),
    path("cases/<int:pk>/resolve/", api.ResolveView.as_view(), name="api-case-resolve"),
    path("cases/<int:pk>/close/", api.CloseView.as_view(), name="api-case-close"),
    path("cases/<int:pk>/reopen/", api.ReopenView.as_view(), name="api-case-reopen"),
    path("cases/<int:pk>/chase/", api.ChaseView.as_view(), name="api-case-chase"),
    path("cases/<int:pk>/was-it-fixed/", api.WasItFixedView.as_view(), name="api-case-was-it-fixed"),
    path("cases/<int:pk>/extend/", api.ExtendView.as_view(), name="api-case-extend"),
    path("cases/<int:pk>/reassign/", api.ReassignView.as_view(), name="api-case-reassign"),
    path("officers/", api.OfficersView.as_view(), name="api-officers"),
    path("officers/<int:pk>/offboard/", api.OffboardView.as_view(), name="api-officer-offboard"),
    path("officers/<int:pk>/cover/", api.CoverView.as_view(), name="api-officer-cover"),
    path("officers/<int:pk>/cover/<int:cover_id>/end/", api.CoverEndView.as_view(), name="api-officer-cover-end"),
]
