"""The reports REST API (API.md `GET /api/reports/...`). Thin: each view reads its query,
asks the `reports` queries for the figures and answers them as JSON, or as CSV with `format=csv`.

Reports are for managers and superusers; everyone else signed in gets 403. The
open-data table is public, but only for a council whose manager has published it.
"""


from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.permissions import may_publish_open_data, may_read_reports
from core.time import UK_TIME
from escalations.selectors import SHOWN_KINDS

from ..accountability import accountability_report
from ..caseload import age_report, escalations_report, provision_report
from ..open_data import open_data_publication_for, open_data_sla
from ..selectors import cases_reported_to, logged_between, sla_scope_of
from ..services import open_data_publish
from ..sla import sla_report
from ..sql import LEVELS
from .rendering import CsvOrJsonView, CSVRenderer
from .serializers import (
    AccountabilityReportOutput,
    AgeReportOutput,
    EscalationReportOutput,
    OpenDataInput,
    OpenDataSlaOutput,
    PeriodInput,
    ProvisionReportInput,
    ProvisionReportOutput,
    PublicationOutput,
    PublishInput,
    SlaReportInput,
    SlaReportOutput,
    query,
)


class ReadsReports(BasePermission):
    message = "Reports are for managers."

    def has_permission(self, request, view):
        return may_read_reports(request.user)


FORMAT_PARAMETER = OpenApiParameter("format", str, enum=["json", "csv"], description="`csv` for a spreadsheet.")
CSV_RESPONSE = {(200, "text/csv"): OpenApiTypes.STR}


def report_schema(output, *, summary: str, parameters=()):
    return extend_schema(
        parameters=[*parameters, FORMAT_PARAMETER],
        responses={(200, "application/json"): output, **CSV_RESPONSE},
        summary=summary,
        tags=["reports"],
    )


COUNT_FIGURES = ("total", "met", "breached", "open_within", "open_breached", "compliance")
WORKING_HOURS_FIGURES = (
    "median_working_hours_to_acknowledge",
    "p90_working_hours_to_acknowledge",
    "median_working_hours_to_resolve",
    "p90_working_hours_to_resolve",
)


def sla_table(data: dict) -> dict:
    """One line per row, then the `all` line; every clock's counts spelled out in columns."""
    clock_columns = [(kind, figure) for kind in SHOWN_KINDS for figure in COUNT_FIGURES]
    return {
        "header": ["key", "label", *COUNT_FIGURES, *(f"{kind}_{figure}" for kind, figure in clock_columns),
                   *WORKING_HOURS_FIGURES],
        "rows": [
            [row["key"], row["label"], *(row[figure] for figure in COUNT_FIGURES),
             *(row["clocks"][kind][figure] for kind, figure in clock_columns), *(row[figure] for figure in WORKING_HOURS_FIGURES)]
            for row in [*data["rows"], data["overall"]]
        ],
    }


@extend_schema_view(
    get=report_schema(
        SlaReportOutput,
        summary="Managers: SLA compliance of cases logged in a period, by category, team, officer or month",
        parameters=[SlaReportInput],
    )
)
class SlaReportView(CsvOrJsonView):
    permission_classes = [ReadsReports]
    file_stem = "sla-report"
    transition = False

    def get(self, request):
        params = query(SlaReportInput, request)
        scope = sla_scope_of(request.user, params["from"], params["to"], transition=self.transition)
        report = sla_report(scope=scope, group_by=params["group_by"], clock=params["clock"], now=timezone.now())
        filename = f"{self.file_stem}-{params['group_by']}-{params['from']}-{params['to']}.csv"
        period = {"from": params["from"], "to": params["to"]}
        return self.answer(SlaReportOutput({**period, **report}).data, table=sla_table, filename=filename)


@extend_schema_view(
    get=report_schema(
        SlaReportOutput,
        summary="Managers: SLA compliance of transition cases (the category, or a young person aged 16 to 25)",
        parameters=[SlaReportInput],
    )
)
class TransitionReportView(SlaReportView):
    """The SLA report for transition: the category, and every concern about a young person aged 16 to 25."""

    file_stem = "transition-report"
    transition = True


def accountability_table(data: dict) -> dict:
    levels = [str(level) for level in LEVELS]
    return {
        "header": ["officer_id", "officer", "team", "active", "open", "breached_open", "escalations",
                   *(f"escalations_level_{level}" for level in levels), "handovers_in", "handovers_out"],
        "rows": [
            [row["officer"]["id"], row["officer"]["display_name"], row["officer"]["team"], row["officer"]["active"],
             row["open"], row["breached_open"], row["escalations"],
             *(row["escalations_by_level"][level] for level in levels), row["handovers_in"], row["handovers_out"]]
            for row in data["rows"]
        ],
    }


class AccountabilityReportView(CsvOrJsonView):
    permission_classes = [ReadsReports]

    @report_schema(
        AccountabilityReportOutput,
        summary="Managers: per officer, open and breached cases, escalations and handovers; rolled up per team",
    )
    def get(self, request):
        now = timezone.now()
        report = accountability_report(user=request.user, now=now)
        filename = f"accountability-report-{timezone.localdate(now, UK_TIME)}.csv"
        return self.answer(AccountabilityReportOutput(report).data, table=accountability_table, filename=filename)


def age_table(data: dict) -> dict:
    return {
        "header": ["key", "label", *data["bands"], "total"],
        "rows": [
            [row["key"], row["label"], *(row["bands"][band] for band in data["bands"]), row["total"]]
            for row in [*data["rows"], data["overall"]]
        ],
    }


class AgeReportView(CsvOrJsonView):
    permission_classes = [ReadsReports]

    @report_schema(AgeReportOutput, summary="Managers: open cases by category and working days open")
    def get(self, request):
        now = timezone.now()
        report = age_report(cases=cases_reported_to(request.user), now=now)
        filename = f"age-report-{timezone.localdate(now, UK_TIME)}.csv"
        return self.answer(AgeReportOutput(report).data, table=age_table, filename=filename)


def escalations_table(data: dict) -> dict:
    levels = [str(level) for level in LEVELS]
    return {
        "header": ["key", "label", "total", *(f"level_{level}" for level in levels)],
        "rows": [
            [row["key"], row["label"], row["total"], *(row["by_level"][level] for level in levels)]
            for row in [*data["rows"], data["overall"]]
        ],
    }


class EscalationsReportView(CsvOrJsonView):
    permission_classes = [ReadsReports]

    @report_schema(
        EscalationReportOutput,
        summary="Managers: escalations raised in a period, by month and ladder level",
        parameters=[PeriodInput],
    )
    def get(self, request):
        params = query(PeriodInput, request)
        report = escalations_report(
            cases=cases_reported_to(request.user), first_day=params["from"], last_day=params["to"]
        )
        filename = f"escalations-report-{params['from']}-{params['to']}.csv"
        return self.answer(EscalationReportOutput(report).data, table=escalations_table, filename=filename)


PROVISION_COLUMNS = (
    "section", "section_label", "provider", "keyword", "cases", "resolved", "median_working_days_to_restore"
)


def provision_table(data: dict) -> dict:
    return {"header": list(PROVISION_COLUMNS), "rows": [[row[c] for c in PROVISION_COLUMNS] for row in data["rows"]]}


class ProvisionReportView(CsvOrJsonView):
    permission_classes = [ReadsReports]

    @report_schema(
        ProvisionReportOutput,
        summary="Managers: EHCP provision not delivered, by plan section, provider and keyword",
        parameters=[ProvisionReportInput],
    )
    def get(self, request):
        params = query(ProvisionReportInput, request)
        cases = logged_between(cases_reported_to(request.user), params["from"], params["to"])
        report = provision_report(cases=cases, keyword=params.get("keyword", ""))
        filename = f"provision-report-{params['from']}-{params['to']}.csv"
        return self.answer(ProvisionReportOutput(report).data, table=provision_table, filename=filename)

OPEN_DATA_COLUMNS = ("month", "category", "category_name", *COUNT_FIGURES)


def open_data_table(data: dict) -> dict:
    return {"header": list(OPEN_DATA_COLUMNS), "rows": [[row[c] for c in OPEN_DATA_COLUMNS] for row in data["rows"]]}


class OpenDataSlaView(CsvOrJsonView):
    """Public: a council's SLA figures by month and category, once a manager has published them.

    Answers 404 while they are not published. No sign-in, so a bad token cannot turn it into a 401.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    file_format: str

    def get_format_suffix(self, **kwargs):
        # The address says the format (sla.json or sla.csv), as a file name would.
        return self.file_format

    def get(self, request):
        params = query(OpenDataInput, request)
        publication = open_data_publication_for(params["organisation"])
        if publication is None:
            raise Http404("This council has not published open data.")
        report = open_data_sla(publication=publication, now=timezone.now())
        filename = f"sla-open-data-{params['organisation']}.csv"
        return self.answer(OpenDataSlaOutput(report).data, table=open_data_table, filename=filename)


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenDataInput],
        responses=OpenDataSlaOutput,
        operation_id="open_data_sla_json",
        summary="Public: a council's published SLA figures by month and category, small numbers hidden",
        tags=["open data"],
    )
)
class OpenDataSlaJsonView(OpenDataSlaView):
    renderer_classes = [JSONRenderer]
    file_format = "json"


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenDataInput],
        responses=CSV_RESPONSE,
        operation_id="open_data_sla_csv",
        summary="Public: the same figures as CSV",
        tags=["open data"],
    )
)
class OpenDataSlaCsvView(OpenDataSlaView):
    renderer_classes = [CSVRenderer]
    file_format = "csv"


class PublishesOpenData(BasePermission):
    message = "Only the head of service or the director can publish or withdraw the council's open data."

    def has_permission(self, request, view):
        return may_publish_open_data(request.user)


class OpenDataPublishView(APIView):
    permission_classes = [PublishesOpenData]

    @extend_schema(
        request=PublishInput,
        responses=PublicationOutput,
        summary="Heads of service and directors: publish your council's SLA figures as open data, or withdraw them",
        tags=["open data"],
    )
    def post(self, request):
        serializer = PublishInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        publication = open_data_publish(
            actor=request.user,
            published=serializer.validated_data["published"],
            organisation_id=serializer.validated_data.get("organisation"),
        )
        return Response(PublicationOutput(publication).data)
