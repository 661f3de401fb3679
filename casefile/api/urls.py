from django.urls import path

from . import views

urlpatterns = [
    path("cases/<int:pk>/attachments/", views.CaseAttachmentsView.as_view(), name="api-case-attachments"),
    path("cases/<int:pk>/file/", views.CaseFileView.as_view(), name="api-case-file"),
    path("cases/<int:pk>/verify/", views.CaseVerifyView.as_view(), name="api-case-verify"),
    path("children/<int:pk>/file/", views.ChildFileView.as_view(), name="api-child-file"),
    path("families/<int:pk>/subject-access/", views.SubjectAccessView.as_view(), name="api-family-subject-access"),
    path("attachments/<int:pk>/download/", views.AttachmentDownloadView.as_view(), name="api-attachment-download"),
    path(
        "statutory/<int:pk>/attachments/", views.ProcessAttachmentsView.as_view(), name="api-statutory-attachments"
    ),
    path(
        "statutory/attachments/<int:pk>/download/",
        views.ProcessAttachmentDownloadView.as_view(),
        name="api-statutory-attachment-download",
    ),
]
