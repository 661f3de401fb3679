"""`GET /api/reports/delivery/`: the provision delivery report (`reports.delivery`), JSON or CSV. Managers only."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer

from ..delivery import GROUPS, delivery_report, items_reported_to, open_data_delivery
from ..open_data import open_data_publication_for
from .rendering import CsvOrJsonView, CSVRenderer
from .serializers import IdAndNameOutput, OpenDataInput, PeriodInput, SuppressedCountField, query
from .views import CSV_RESPONSE, ReadsReports, report_schema

FIGURES = (
    "items",
    "items_with_nothing_recorded",
    "delivered",
    "missed",
    "cancelled",
    "delivery_rate",
    "hours_delivered",
    "hours_owed",
    "gap_concerns",
)


class DeliveryReportInput(PeriodInput):
    group_by = serializers.ChoiceField(choices=GROUPS, default="provider")


class DeliveryRowOutput(serializers.Serializer):
    key = serializers.CharField(allow_null=True, help_text="An organisation's id, a section, or a month (YYYY-MM)")
    label = serializers.CharField()
    items = serializers.IntegerField(allow_null=True, help_text="Items running with an amount; null by month")
    items_with_nothing_recorded = serializers.IntegerField(allow_null=True)
    delivered = serializers.IntegerField()
    missed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    delivery_rate = serializers.FloatField(allow_null=True, help_text="delivered / (delivered + missed)")
    hours_delivered = serializers.FloatField()
    hours_owed = serializers.FloatField(help_text="The planned length of every session recorded as missed")
    gap_concerns = serializers.IntegerField(help_text="Concerns the gap sweep raised")


class DeliveryReportOutput(serializers.Serializer):
    group_by = serializers.ChoiceField(choices=GROUPS)
    rows = DeliveryRowOutput(many=True)

    def get_fields(self):
        return {"from": serializers.DateField(), "to": serializers.DateField(), **super().get_fields()}


def delivery_table(data: dict) -> dict:
    return {
        "header": ["key", "label", *FIGURES],
        "rows": [[row["key"], row["label"], *(row[f] for f in FIGURES)] for row in data["rows"]],
    }


class DeliveryReportView(CsvOrJsonView):
    permission_classes = [ReadsReports]

    @report_schema(
        DeliveryReportOutput,
        summary="Managers: provision delivered and missed, hours owed and gaps, by provider, section, body, "
        "council or month",
        parameters=[DeliveryReportInput],
    )
    def get(self, request):
        params = query(DeliveryReportInput, request)
        report = delivery_report(
            items=items_reported_to(request.user),
            first_day=params["from"],
            last_day=params["to"],
            group_by=params["group_by"],
        )
        filename = f"delivery-report-{params['group_by']}-{params['from']}-{params['to']}.csv"
        return self.answer(DeliveryReportOutput(report).data, table=delivery_table, filename=filename)


class OpenDataDeliveryRowOutput(serializers.Serializer):
    month = serializers.CharField(help_text="The month of the sessions, YYYY-MM.")
    section = serializers.CharField(help_text="The plan's section: F, G, H1 or H2.")
    delivered = SuppressedCountField()
    missed = SuppressedCountField()
    cancelled = SuppressedCountField()
    delivery_rate = serializers.FloatField(allow_null=True, help_text="Null when it is 0/0 or uses a hidden count.")


class OpenDataDeliveryOutput(serializers.Serializer):
    organisation = IdAndNameOutput()
    published_at = serializers.DateTimeField()
    rows = OpenDataDeliveryRowOutput(many=True)


OPEN_DATA_COLUMNS = ("month", "section", "delivered", "missed", "cancelled", "delivery_rate")


def open_data_table(data: dict) -> dict:
    return {"header": list(OPEN_DATA_COLUMNS), "rows": [[row[c] for c in OPEN_DATA_COLUMNS] for row in data["rows"]]}


class OpenDataDeliveryView(CsvOrJsonView):
    """Public, once a council's manager has published its open data: its provision delivered and missed."""

    permission_classes = [AllowAny]
    authentication_classes = []
    file_format: str

    def get_format_suffix(self, **kwargs):
        return self.file_format

    def get(self, request):
        params = query(OpenDataInput, request)
        publication = open_data_publication_for(params["organisation"])
        if publication is None:
            raise Http404("This council has not published open data.")
        report = open_data_delivery(publication=publication)
        filename = f"delivery-open-data-{params['organisation']}.csv"
        return self.answer(OpenDataDeliveryOutput(report).data, table=open_data_table, filename=filename)


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenDataInput],
        responses=OpenDataDeliveryOutput,
        operation_id="open_data_delivery_json",
        summary="Public: a council's published provision delivery by month and plan section, small numbers hidden",
        tags=["open data"],
    )
)
class OpenDataDeliveryJsonView(OpenDataDeliveryView):
    renderer_classes = [JSONRenderer]
    file_format = "json"


@extend_schema_view(
    get=extend_schema(
        parameters=[OpenDataInput],
        responses=CSV_RESPONSE,
        operation_id="open_data_delivery_csv",
        summary="Public: the same figures as CSV",
        tags=["open data"],
    )
)
class OpenDataDeliveryCsvView(OpenDataDeliveryView):
    renderer_classes = [CSVRenderer]
    file_format = "csv"
