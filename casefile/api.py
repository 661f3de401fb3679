"""The evidence and case file REST API (API.md "Evidence and the case file"). Thin: each view finds what
the user may see, validates input and calls one service."""

from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.selectors import case_get_for_user

from . import selectors, services
from .models import Attachment
from .permissions import may_verify
from .scanning import ScannerUnavailable
from .serializers import AttachmentInput, AttachmentOutput, VerifyOutput
from .verification import case_chain_verify


class ScannerDown(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "We could not check this file for viruses just now, so it has not been kept. Try again later."


class CaseAttachmentsView(generics.ListAPIView):
    serializer_class = AttachmentOutput
    queryset = Attachment.objects.none()
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        case = case_get_for_user(self.request.user, self.kwargs["pk"])
        return selectors.attachments_of_case_for(self.request.user, case)

    @extend_schema(summary="The case's attachments (a family never sees staff-only ones)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": AttachmentInput},
        responses={201: AttachmentOutput},
        summary="Attach a file: PDF, image, Word, Excel or text, up to the size limit",
    )
    def post(self, request, pk):
        case = case_get_for_user(request.user, pk)
        serializer = AttachmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            attachment = services.attachment_add(
                actor=request.user,
                case=case,
                upload=data["file"],
                description=data["description"],
                staff_only=data["staff_only"],
                message_id=data["message"],
            )
        except ScannerUnavailable as error:
            raise ScannerDown() from error
        output = AttachmentOutput(attachment, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class AttachmentDownloadView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file")},
        summary="Download a file (always as an attachment, never shown in the browser)",
    )
    def get(self, request, pk):
        attachment = selectors.attachment_get_for_user(request.user, pk)
        stored = services.attachment_open(actor=request.user, attachment=attachment)
        response = FileResponse(
            stored, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


class CaseVerifyView(APIView):
    @extend_schema(responses=VerifyOutput, summary="Staff: check the case's records have not been altered")
    def get(self, request, pk):
        case = case_get_for_user(request.user, pk)
        if not may_verify(request.user):
            raise PermissionDenied("Only staff can check a case's record.")
        return Response(case_chain_verify(case).as_dict())
