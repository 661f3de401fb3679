"""The statutory process REST API (API.md "Statutory process"). Thin: each view finds what the user may see,
validates input, calls one service and answers with the process as it now stands."""

import csv
import io

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.permissions import Role, role_of

from . import selectors, services
from .filters import ProcessFilter
from .reports import FIGURES, Period, timeliness_report
from .serializers import (
    ProcessOutput,
    ProcessStartInput,
    StatutoryDecisionInput,
    StatutoryExceptionInput,
    StatutoryStepDoneInput,
    TimelinessOutput,
    TimelinessQuery,
)


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def answer(process_id, *, created=False) -> Response:
    return Response(
        ProcessOutput(selectors.process_as_acted_on(process_id)).data,
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


class ProcessListView(generics.ListAPIView):
    serializer_class = ProcessOutput
    filterset_class = ProcessFilter

    def get_queryset(self):
        return selectors.processes_visible_to(self.request.user)

    @extend_schema(
        request=ProcessStartInput, responses={201: ProcessOutput},
        summary="Start a statutory process (a family: ask for an EHC needs assessment)",
    )
    def post(self, request):
        data = validated(ProcessStartInput, request)
        process = services.process_start(
            actor=request.user,
            child_id=data["child"],
            kind=data["kind"],
            received_on=data.get("received_on"),
            requested_by=data.get("requested_by", ""),
            coordinator_id=data.get("coordinator"),
            plan_dated_on=data.get("plan_dated_on"),
            meeting_on=data.get("meeting_on"),
            transfer=data.get("transfer", ""),
            transfer_on=data.get("transfer_on"),
        )
        return answer(process.pk, created=True)


class ProcessDetailView(APIView):
    @extend_schema(responses=ProcessOutput, summary="One statutory process, with its steps, decisions and exceptions")
    def get(self, request, pk):
        return Response(ProcessOutput(selectors.process_get_for_user(request.user, pk)).data)


class StepDoneView(APIView):
    @extend_schema(
        request=StatutoryStepDoneInput, responses=ProcessOutput, summary="Record a step done",
        parameters=[OpenApiParameter("key", str, OpenApiParameter.PATH, description="The step, e.g. `final_plan`.")],
    )
    def post(self, request, pk, key):
        process = selectors.process_get_for_user(request.user, pk)
        data = validated(StatutoryStepDoneInput, request)
        services.step_record(actor=request.user, process=process, key=key, done_on=data["done_on"], note=data["note"])
        return answer(process.pk)


class DecisionsView(APIView):
    @extend_schema(
        request=StatutoryDecisionInput, responses={201: ProcessOutput},
        summary="Record a decision with the named person who approved it (and the panel)",
    )
    def post(self, request, pk):
        process = selectors.process_get_for_user(request.user, pk)
        data = validated(StatutoryDecisionInput, request)
        services.decision_record(
            actor=request.user,
            process=process,
            decision=data["decision"],
            decided_on=data["decided_on"],
            approved_by=data["approved_by"],
            panel=data["panel"],
            reasons=data["reasons"],
            detail=data["detail"],
            supersedes=data.get("supersedes"),
        )
        return answer(process.pk, created=True)


class ExceptionsView(APIView):
    @extend_schema(
        request=StatutoryExceptionInput, responses={201: ProcessOutput},
        summary="Record an exception the regulations allow: it lifts the time limit it names",
    )
    def post(self, request, pk):
        process = selectors.process_get_for_user(request.user, pk)
        data = validated(StatutoryExceptionInput, request)
        services.exception_record(
            actor=request.user,
            process=process,
            regulation=data["regulation"],
            reason=data["reason"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
        )
        return answer(process.pk, created=True)


class ExceptionWithdrawView(APIView):
    @extend_schema(request=None, responses=ProcessOutput, summary="Withdraw an exception: its time limit applies again")
    def post(self, request, pk, exception_id):
        process = selectors.process_get_for_user(request.user, pk)
        exception = selectors.exception_get(process, exception_id)
        services.exception_withdraw(actor=request.user, exception=exception)
        return answer(process.pk)


class CSVRenderer(BaseRenderer):
    """A report's rows as CSV, one column a figure. Text a spreadsheet would run as a formula is quoted first."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        columns = ["key", "label", *FIGURES]
        writer.writerow(columns)
        writer.writerows([_csv_cell(row[column]) for column in columns] for row in data["rows"])
        return buffer.getvalue().encode(self.charset)


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


class TimelinessReportView(APIView):
    """SEN2-style timeliness (statutory/reports.py), for managers: JSON, or CSV with `format=csv`."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            raise ValidationError({"format": ["Choose json or csv."]}) from None

    def handle_exception(self, exc):
        # Errors are always JSON: a CSV of an error helps nobody.
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type
        return super().handle_exception(exc)

    @extend_schema(
        parameters=[TimelinessQuery, OpenApiParameter("format", str, enum=["json", "csv"])],
        responses={200: TimelinessOutput, (200, "text/csv"): OpenApiTypes.STR},
        summary="Timeliness of assessments, reviews and phase transfers, as the DfE's SEN2 counts it",
    )
    def get(self, request):
        if role_of(request.user) != Role.MANAGER:
            raise PermissionDenied("Only managers can see reports.")
        query = TimelinessQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        rows = timeliness_report(
            actor=request.user,
            period=Period(params["from"], params["to"]),
            group_by=params["group_by"],
            today=services.uk_today(),
            open_data=params["open_data"],
        )
        headers = {}
        if request.accepted_renderer.format == CSVRenderer.format:
            filename = f"statutory-timeliness-{params['group_by']}-{params['from']}-{params['to']}.csv"
            headers["Content-Disposition"] = f'attachment; filename="{filename}"'
        return Response({"rows": rows}, headers=headers)
