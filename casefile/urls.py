from django.urls import path

from . import api

urlpatterns = [
    path("cases/<int:pk>/attachments/", api.CaseAttachmentsView.as_view(), name="api-case-attachments"),
    path("cases/<int:pk>/file/", api.CaseFileView.as_view(), name="api-case-file"),
    path("cases/<int:pk>/verify/", api.CaseVerifyView.as_view(), name="api-case-verify"),
    path("families/<int:pk>/subject-access/", api.SubjectAccessView.as_view(), name="api-family-subject-access"),
    path("attachments/<int:pk>/download/", api.AttachmentDownloadView.as_view(), name="api-attachment-download"),
]
