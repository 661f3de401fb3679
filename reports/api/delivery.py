"""`GET /api/reports/delivery/`: the provision delivery report (`reports.delivery`), JSON or CSV. Managers only."""

from rest_framework import serializers

from ..delivery import GROUPS, delivery_report, items_reported_to
from .rendering import CsvOrJsonView
from .serializers import PeriodInput, query
from .views import ReadsReports, report_schema

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
