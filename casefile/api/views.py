"""The evidence and case file REST API (API.md "Evidence and the case file"). Thin: each view finds what
the user may see, validates input and calls one service."""

from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casefile import bundle, exports, selectors, services
from casefile.models import Attachment, CaseFileExport, ProcessAttachment
from casefile.scanning import ScannerUnavailable
from casefile.verification import case_chain_verify
from casework.permissions import may_answer_subject_access, may_take_full_case_file, may_verify_case_records
from casework.selectors import case_get_for_user, cases_visible_to
from casework.services import case_record_access
from statutory.selectors import process_get_for_user

from .serializers import (
    AttachmentInput,
    AttachmentOutput,
    ProcessAttachmentInput,
    ProcessAttachmentOutput,
    VerifyOutput,
)


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
        case_record_access(actor=self.request.user, case=case, via="api:attachments")
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
        return file_download(attachment, services.attachment_open(actor=request.user, attachment=attachment))


def file_download(attachment, stored) -> FileResponse:
    """A kept file, always as a download and never shown in the browser."""
    response = FileResponse(stored, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class ProcessAttachmentsView(generics.ListAPIView):
    serializer_class = ProcessAttachmentOutput
    queryset = ProcessAttachment.objects.none()
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        process = process_get_for_user(self.request.user, self.kwargs["pk"])
        return selectors.attachments_of_process_for(self.request.user, process)

    @extend_schema(summary="The files on a statutory process (a family never sees staff-only ones)")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": ProcessAttachmentInput},
        responses={201: ProcessAttachmentOutput},
        summary="Add a file to a statutory process, or to one of its steps or decisions",
    )
    def post(self, request, pk):
        process = process_get_for_user(request.user, pk)
        serializer = ProcessAttachmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            attachment = services.process_attachment_add(
                actor=request.user,
                process=process,
                upload=data["file"],
                description=data["description"],
                staff_only=data["staff_only"],
                step_id=data["step"],
                decision_id=data["decision"],
            )
        except ScannerUnavailable as error:
            raise ScannerDown() from error
        output = ProcessAttachmentOutput(attachment, context={"request": request})
        return Response(output.data, status=status.HTTP_201_CREATED)


class ProcessAttachmentDownloadView(APIView):
    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file")},
        summary="Download a file on a statutory process (always as an attachment)",
    )
    def get(self, request, pk):
        attachment = selectors.process_attachment_get_for_user(request.user, pk)
        return file_download(attachment, services.process_attachment_open(actor=request.user, attachment=attachment))


class CaseVerifyView(APIView):
    @extend_schema(responses=VerifyOutput, summary="Staff: check the case's records have not been altered")
    def get(self, request, pk):
        case = case_get_for_user(request.user, pk)
        if not may_verify_case_records(request.user):
            raise PermissionDenied("Only staff can check a case's record.")
        case_record_access(actor=request.user, case=case, via="api:verify")
        return Response(case_chain_verify(case).as_dict())


class JSONOnlyNegotiation(DefaultContentNegotiation):
    """`?format=` chooses the kind of case file here, not how DRF renders; errors are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSONRenderer.media_type


class CaseFileView(APIView):
    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter("format", str, enum=["pdf", "zip"], default="pdf", description="A PDF bundle, or a ZIP"),
            OpenApiParameter(
                "version",
                str,
                enum=["family", "full"],
                description="Staff: `full` (the default for staff) or the family's copy; a family always gets theirs",
            ),
        ],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF bundle"),
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="JSON, the original files and manifest.json"
            ),
        },
        summary="The case file: a family gets their copy (no internal notes or staff-only files); staff the full file",
    )
    def get(self, request, pk):
        case = case_get_for_user(request.user, pk)
        kind = request.query_params.get("format", "pdf")
        if kind not in ("pdf", "zip"):
            return Response({"format": ["Choose pdf or zip."]}, status=status.HTTP_400_BAD_REQUEST)
        version = self.version_for(request)
        contents = exports.CONTENTS[version]
        services.case_file_export_log(actor=request.user, kind=kind, version=version, case=case)
        case_record_access(actor=request.user, case=case, via=f"api:case file {kind}")
        filename = f"{case.reference}-case-file.{kind}"
        if kind == "zip":
            chunks = exports.case_zip_chunks(case=case, contents=contents, made_by=request.user)
            response = StreamingHttpResponse(chunks, content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        else:
            pdf = bundle.case_pdf(case=case, contents=contents, made_by=request.user)
            response = FileResponse(pdf, as_attachment=True, filename=filename, content_type="application/pdf")
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @staticmethod
    def version_for(request) -> str:
        asked = request.query_params.get("version")
        if not may_take_full_case_file(request.user):
            if asked == CaseFileExport.Version.FULL:
                raise PermissionDenied("Only staff can take the full case file.")
            return CaseFileExport.Version.FAMILY
        return CaseFileExport.Version.FAMILY if asked == CaseFileExport.Version.FAMILY else CaseFileExport.Version.FULL


class SubjectAccessView(APIView):
    @extend_schema(
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="A ZIP of everything")},
        summary="Managers: everything held about a family, for a subject access request, to review before disclosure",
    )
    def get(self, request, pk):
        if not may_answer_subject_access(request.user):
            raise PermissionDenied("Only a manager or an administrator can answer a subject access request.")
        family = selectors.family_for_subject_access(request.user, pk)
        services.case_file_export_log(
            actor=request.user,
            kind=CaseFileExport.Kind.SUBJECT_ACCESS,
            version=CaseFileExport.Version.SUBJECT_ACCESS,
            family=family,
        )
        response = StreamingHttpResponse(
            exports.subject_access_zip_chunks(family=family, made_by=request.user), content_type="application/zip"
        )
        response["Content-Disposition"] = f'attachment; filename="subject-access-family-{family.pk}.zip"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ChildFileView(APIView):
    content_negotiation_class = JSONOnlyNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", str, enum=["pdf", "zip"], default="zip",
                description="A ZIP (a folder a case and a process), or one PDF bundle with an index and numbered pages",
            ),
            OpenApiParameter("version", str, enum=["family", "full"], description="As for one case's file"),
        ],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="A folder a case"),
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY,
                description="The PDF bundle: each statutory process (steps, legal dates, decisions, approvers, "
                "panels and reasons), every case, then every file",
            ),
        },
        summary="Every case and statutory process of a child that you may see, as one ZIP or one PDF bundle",
    )
    def get(self, request, pk):
        child = selectors.child_for_file(request.user, pk)
        kind = request.query_params.get("format", "zip")
        if kind not in ("pdf", "zip"):
            return Response({"format": ["Choose pdf or zip."]}, status=status.HTTP_400_BAD_REQUEST)
        cases = list(cases_visible_to(request.user).filter(child=child).order_by("created_at", "pk"))
        version = CaseFileView.version_for(request)
        services.case_file_export_log(actor=request.user, kind=kind, version=version, child=child, family=child.family)
        for case in cases:
            case_record_access(actor=request.user, case=case, via=f"api:child file {kind}")
        made = {
            "child": child,
            "cases": cases,
            "processes": selectors.processes_of_child_for(request.user, child),
            "contents": exports.CONTENTS[version],
            "made_by": request.user,
        }
        filename = f"child-{child.pk}-case-files.{kind}"
        if kind == "pdf":
            response = FileResponse(
                bundle.child_pdf(**made), as_attachment=True, filename=filename, content_type="application/pdf"
            )
        else:
            response = StreamingHttpResponse(exports.child_zip_chunks(**made), content_type="application/zip")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response
