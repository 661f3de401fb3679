"""The reports REST API (API.md `GET /api/reports/...`). Thin: each view reads its query,
asks `reports` for the figures and answers them as JSON, or as CSV with `format=csv`.

Reports are for managers and superusers; everyone else signed in gets 403. The
open-data table is public, but only for a council whose manager has published it.
"""

import csv
import io

from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import reports
from .models import ClockKind
from .selectors import SHOWN_KINDS
from .working_days import UK_TIME

# --- input --------------------------------------------------------------------------------


class PeriodInput(serializers.Serializer):
    """`from` and `to`: UK dates, both included. `from` is a Python keyword, so it is added in `get_fields`."""

    to = serializers.DateField(help_text="The last UK date (YYYY-MM-DD) counted, included.")

    def get_fields(self):
        return {
            "from": serializers.DateField(help_text="The first UK date (YYYY-MM-DD) counted, included."),
            **super().get_fields(),
        }

    def validate(self, data):
        if data["from"] > data["to"]:
            raise serializers.ValidationError({"to": ["Choose a date on or after the 'from' date."]})
        return data


class SlaReportInput(PeriodInput):
    group_by = serializers.ChoiceField(choices=["category", "team", "officer", "month"])
    clock = serializers.ChoiceField(
        choices=list(SHOWN_KINDS),
        default=ClockKind.RESOLVE,
        help_text="Which clock the headline counts use; each row also breaks every clock down under `clocks`.",
    )


class ProvisionReportInput(PeriodInput):
    keyword = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Only provision whose description contains this word; otherwise grouped by each description's first word.",
    )


class OpenDataInput(serializers.Serializer):
    organisation = serializers.IntegerField(min_value=1, help_text="The council's id.")


class PublishInput(serializers.Serializer):
    published = serializers.BooleanField()
    organisation = serializers.IntegerField(
        required=False, min_value=1, help_text="Needed only if you manage teams of more than one council."
    )


def query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- output -------------------------------------------------------------------------------


class ClockCountsOutput(serializers.Serializer):
    total = serializers.IntegerField()
    met = serializers.IntegerField(help_text="Stopped (resolved or closed) by the due moment.")
    breached = serializers.IntegerField(help_text="Stopped after the due moment.")
    open_within = serializers.IntegerField(help_text="Still running within time, or paused while we wait on the family.")
    open_breached = serializers.IntegerField(help_text="Still open and past the due moment.")
    compliance = serializers.FloatField(
        allow_null=True, help_text="met / (met + breached + open_breached), 0 to 1; null when that is 0."
    )


class ClocksOutput(serializers.Serializer):
    acknowledge = ClockCountsOutput()
    respond = ClockCountsOutput()
    resolve = ClockCountsOutput()


class SlaRowOutput(ClockCountsOutput):
    key = serializers.CharField(help_text="The category slug, team id, officer id or month (YYYY-MM).")
    label = serializers.CharField()
    clocks = ClocksOutput()
    median_working_hours_to_acknowledge = serializers.FloatField(
        allow_null=True,
        help_text="Working hours (09:00-17:00 UK time on working days) from logging to acknowledgement, median; "
        "null when no case in the row has been acknowledged.",
    )
    p90_working_hours_to_acknowledge = serializers.FloatField(allow_null=True, help_text="The same, 90th percentile.")
    median_working_hours_to_resolve = serializers.FloatField(
        allow_null=True,
        help_text="Working hours the latest resolve clock ran, to resolution or closure, median. "
        "Time waiting on the family does not count.",
    )
    p90_working_hours_to_resolve = serializers.FloatField(allow_null=True, help_text="The same, 90th percentile.")


class SlaReportOutput(serializers.Serializer):
    group_by = serializers.CharField()
    clock = serializers.CharField()
    rows = SlaRowOutput(many=True)
    overall = SlaRowOutput(help_text="Every case of the period together (key `all`).")


class ReportOfficerOutput(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    team = serializers.CharField(allow_null=True)
    active = serializers.BooleanField()


class AccountabilityFiguresOutput(serializers.Serializer):
    open = serializers.IntegerField(help_text="Open cases they are the named officer for now.")
    breached_open = serializers.IntegerField(help_text="Of those, cases where a promised date has passed.")
    escalations = serializers.IntegerField(help_text="Escalations raised while they were the named officer.")
    escalations_by_level = serializers.DictField(child=serializers.IntegerField(), help_text='Keys "1", "2", "3".')
    handovers_in = serializers.IntegerField()
    handovers_out = serializers.IntegerField()


class AccountabilityRowOutput(AccountabilityFiguresOutput):
    officer = ReportOfficerOutput()


class IdAndNameOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AccountabilityTeamOutput(AccountabilityFiguresOutput):
    team = IdAndNameOutput()
    officers = serializers.IntegerField()


class MostOwnersOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField()
    owner_count = serializers.IntegerField()
    team = serializers.CharField(source="team_name")


class AccountabilityReportOutput(serializers.Serializer):
    rows = AccountabilityRowOutput(many=True)
    teams = AccountabilityTeamOutput(many=True)
    most_owners = MostOwnersOutput(many=True, help_text="Up to 10 cases that have had the most named officers.")


class AgeRowOutput(serializers.Serializer):
    key = serializers.CharField(help_text="The category slug, or `all`.")
    label = serializers.CharField()
    bands = serializers.DictField(child=serializers.IntegerField(), help_text="Open cases per age band.")
    total = serializers.IntegerField()


class AgeReportOutput(serializers.Serializer):
    bands = serializers.ListField(child=serializers.CharField(), help_text="Working days open, in order.")
    rows = AgeRowOutput(many=True)
    overall = AgeRowOutput()


class EscalationRowOutput(serializers.Serializer):
    key = serializers.CharField(help_text="The month (YYYY-MM), or `all`.")
    label = serializers.CharField()
    total = serializers.IntegerField()
    by_level = serializers.DictField(child=serializers.IntegerField(), help_text='Keys "1", "2", "3".')


class EscalationReportOutput(serializers.Serializer):
    rows = EscalationRowOutput(many=True)
    overall = EscalationRowOutput()


class ProvisionRowOutput(serializers.Serializer):
    section = serializers.CharField(help_text="F, G, H1 or H2; empty when no provision item was recorded.")
    section_label = serializers.CharField()
    provider = serializers.CharField()
    keyword = serializers.CharField()
    cases = serializers.IntegerField()
    resolved = serializers.IntegerField()
    median_working_days_to_restore = serializers.FloatField(
        allow_null=True,
        help_text="Working days of 8 working hours from logging (or reopening) to resolution, median; "
        "time waiting on the family does not count.",
    )


class ProvisionReportOutput(serializers.Serializer):
    keyword = serializers.CharField(allow_null=True)
    rows = ProvisionRowOutput(many=True)


@extend_schema_field(
    {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": [reports.SMALL_COUNT]}]}
)
class SuppressedCountField(serializers.Field):
    """A count, or "fewer than 5" where a small number could point to a family."""

    def to_representation(self, value):
        return value


class OpenDataRowOutput(serializers.Serializer):
    month = serializers.CharField(help_text="The month the cases were logged, YYYY-MM (UK time).")
    category = serializers.CharField()
    category_name = serializers.CharField()
    total = SuppressedCountField()
    met = SuppressedCountField()
    breached = SuppressedCountField()
    open_within = SuppressedCountField()
    open_breached = SuppressedCountField()
    compliance = serializers.FloatField(allow_null=True, help_text="Null when it is 0/0 or uses a hidden count.")


class OpenDataSlaOutput(serializers.Serializer):
    organisation = IdAndNameOutput()
    published_at = serializers.DateTimeField()
    rows = OpenDataRowOutput(many=True)


class PublicationOutput(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    published = serializers.BooleanField()
    published_by = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_published_by(self, publication):
        user = publication.published_by
        return (user.get_full_name() or user.username) if user else None


# --- CSV ----------------------------------------------------------------------------------


class CSVRenderer(BaseRenderer):
    """Renders a table, `{"header": [...], "rows": [[...], ...]}`, as CSV."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(data["header"])
        writer.writerows([csv_cell(value) for value in row] for row in data["rows"])
        return buffer.getvalue().encode(self.charset)


def csv_cell(value):
    """Empty for null; text that a spreadsheet would run as a formula is quoted as text first."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{value}"
    return value


def attachment(filename: str) -> dict:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


class CsvOrJsonView(APIView):
    """JSON, or CSV when asked for (`format=csv`). Errors are always JSON: a CSV of an error helps nobody."""

    renderer_classes = [JSONRenderer, CSVRenderer]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            raise ValidationError({"format": ["Choose json or csv."]}) from None

    def handle_exception(self, exc):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def answer(self, data: dict, *, table, filename: str) -> Response:
        if self.request.accepted_renderer.format == CSVRenderer.format:
            return Response(table(data), headers=attachment(filename))
        return Response(data)


# --- the reports --------------------------------------------------------------------------


class ReadsReports(BasePermission):
    message = "Reports are for managers."

    def has_permission(self, request, view):
        return reports.may_read_reports(request.user)


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

    def get(self, request):
        params = query(SlaReportInput, request)
        cases = reports.logged_between(reports.cases_reported_to(request.user), params["from"], params["to"])
        report = reports.sla_report(
            cases=self.chosen(cases), group_by=params["group_by"], clock=params["clock"], now=timezone.now()
        )
        filename = f"{self.file_stem}-{params['group_by']}-{params['from']}-{params['to']}.csv"
        return self.answer(SlaReportOutput(report).data, table=sla_table, filename=filename)

    def chosen(self, cases):
        return cases


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

    def chosen(self, cases):
        return reports.transition_cases(cases)


def accountability_table(data: dict) -> dict:
    levels = [str(level) for level in reports.LEVELS]
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
        report = reports.accountability_report(user=request.user, now=now)
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
        report = reports.age_report(cases=reports.cases_reported_to(request.user), now=now)
        filename = f"age-report-{timezone.localdate(now, UK_TIME)}.csv"
        return self.answer(AgeReportOutput(report).data, table=age_table, filename=filename)


def escalations_table(data: dict) -> dict:
    levels = [str(level) for level in reports.LEVELS]
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
        report = reports.escalations_report(
            cases=reports.cases_reported_to(request.user), first_day=params["from"], last_day=params["to"]
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
        cases = reports.logged_between(reports.cases_reported_to(request.user), params["from"], params["to"])
        report = reports.provision_report(cases=cases, keyword=params.get("keyword", ""))
        filename = f"provision-report-{params['from']}-{params['to']}.csv"
        return self.answer(ProvisionReportOutput(report).data, table=provision_table, filename=filename)


# --- open data ----------------------------------------------------------------------------

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
        publication = reports.open_data_publication_for(params["organisation"])
        if publication is None:
            raise Http404("This council has not published open data.")
        report = reports.open_data_sla(publication=publication, now=timezone.now())
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


class OpenDataPublishView(APIView):
    permission_classes = [ReadsReports]

    @extend_schema(
        request=PublishInput,
        responses=PublicationOutput,
        summary="Managers: publish your council's SLA figures as open data, or withdraw them",
        tags=["open data"],
    )
    def post(self, request):
        serializer = PublishInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        publication = reports.open_data_publish(
            actor=request.user,
            published=serializer.validated_data["published"],
            organisation_id=serializer.validated_data.get("organisation"),
        )
        return Response(PublicationOutput(publication).data)
