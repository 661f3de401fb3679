"""What the reports API reads from a query string, and the shape of what it answers (API.md)."""


from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.time import UK_TIME, first_day_of_twelve_months_ending
from escalations.models import ClockKind
from escalations.selectors import SHOWN_KINDS
from reports.open_data import SMALL_COUNT, WITHHELD


class PeriodInput(serializers.Serializer):
    """`from` and `to`: UK dates, both included. `from` is a Python keyword, so it is added in `get_fields`."""

    to = serializers.DateField(help_text="The last UK date (YYYY-MM-DD) counted, included.")

    def get_fields(self):
        return {"from": self.from_field(), **super().get_fields()}

    def from_field(self):
        return serializers.DateField(help_text="The first UK date (YYYY-MM-DD) counted, included.")

    def validate(self, data):
        if data["from"] > data["to"]:
            raise serializers.ValidationError({"to": ["Choose a date on or after the 'from' date."]})
        return data


class DefaultTwelveMonthsInput(PeriodInput):
    """A period whose dates may be left out: `to` is then today (UK), and `from` 12 months before it."""

    to = serializers.DateField(
        required=False, help_text="The last UK date (YYYY-MM-DD) counted, included. Today (UK) if left out."
    )

    def from_field(self):
        return serializers.DateField(
            required=False,
            help_text="The first UK date (YYYY-MM-DD) counted, included. If left out, the day after the "
            "same date a year before `to`: the report covers 12 months.",
        )

    def validate(self, data):
        data.setdefault("to", timezone.localdate(timezone.now(), UK_TIME))
        data.setdefault("from", first_day_of_twelve_months_ending(data["to"]))
        return super().validate(data)


class SlaReportInput(DefaultTwelveMonthsInput):
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
    # `from` is a Python keyword, so both dates are declared in `get_fields`.
    group_by = serializers.CharField()

    def get_fields(self):
        return {
            "from": serializers.DateField(help_text="The first UK date counted, as asked or by default."),
            "to": serializers.DateField(help_text="The last UK date counted, included."),
            **super().get_fields(),
        }

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
    {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string", "enum": [SMALL_COUNT, WITHHELD]}]}
)
class SuppressedCountField(serializers.Field):
    """A count; "fewer than 5" where a small number could point to a family; "withheld" (5 or more) where
    showing it would let a hidden small number be worked out by subtraction."""

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
