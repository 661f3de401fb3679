from django.urls import path

from . import schema, views  # noqa: F401 - schema registers the OpenAPI extensions of these endpoints

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("children/", views.ChildrenView.as_view(), name="api-children"),
    path("categories/", views.CategoriesView.as_view(), name="api-categories"),
    path("cases/", views.CaseListView.as_view(), name="api-cases"),
    path("cases/reassign/", views.BulkReassignView.as_view(), name="api-cases-reassign"),
    path("cases/<int:pk>/", views.CaseDetailView.as_view(), name="api-case"),
    path("cases/<int:pk>/handover/", views.HandoverSummaryView.as_view(), name="api-case-handover"),
    path("cases/<int:pk>/timeline/", views.CaseTimelineView.as_view(), name="api-case-timeline"),
    path("cases/<int:pk>/messages/", views.CaseMessagesView.as_view(), name="api-case-messages"),
    path("cases/<int:pk>/acknowledge/", views.AcknowledgeView.as_view(), name="api-case-acknowledge"),
    path("cases/<int:pk>/start/", views.StartView.as_view(), name="api-case-start"),
    path("cases/<int:pk>/await-parent/", views.AwaitParentView.as_view(), name="api-case-await-parent"),
    path("cases/<int:pk>/resume/", views.ResumeView.as_view(), name="api-case-resume"),
    path("cases/<int:pk>/resolve/", views.ResolveView.as_view(), name="api-case-resolve"),
    path("cases/<int:pk>/close/", views.CloseView.as_view(), name="api-case-close"),
    path("cases/<int:pk>/reopen/", views.ReopenView.as_view(), name="api-case-reopen"),
    path("cases/<int:pk>/withdraw/", views.WithdrawView.as_view(), name="api-case-withdraw"),
    path("cases/<int:pk>/chase/", views.ChaseView.as_view(), name="api-case-chase"),
    path("cases/<int:pk>/was-it-fixed/", views.WasItFixedView.as_view(), name="api-case-was-it-fixed"),
    path("cases/<int:pk>/extend/", views.ExtendView.as_view(), name="api-case-extend"),
    path("cases/<int:pk>/reassign/", views.ReassignView.as_view(), name="api-case-reassign"),
    path("officers/", views.OfficersView.as_view(), name="api-officers"),
    path("officers/<int:pk>/offboard/", views.OffboardView.as_view(), name="api-officer-offboard"),
    path("officers/<int:pk>/cover/", views.CoverView.as_view(), name="api-officer-cover"),
    path("officers/<int:pk>/cover/<int:cover_id>/end/", views.CoverEndView.as_view(), name="api-officer-cover-end"),
]
