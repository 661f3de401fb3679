"""Input and output shapes of the provision delivery API (API.md "Provision delivery"). Thin."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.api.serializers import ChildBrief, OrganisationBrief
from casework.labels import UNNAMED_STAFF
from casework.models import Organisation, ProvisionItem
from core.serializers import Text

from .duties import duty_in_words
from .models import Delivery, SupportEnding
from .permissions import provider_staff_of


class ProviderOutput(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="Null while only the plan's words name the provider")
    name = serializers.CharField()


# --- input -----------------------------------------------------------------------------------


class DeliveryInput(serializers.Serializer):
    on = serializers.DateField()
    status = serializers.ChoiceField(choices=Delivery.Status.choices)
    minutes = serializers.IntegerField(min_value=0, max_value=24 * 60, required=False, allow_null=True)
    reason = Text(max_length=5_000, required=False, allow_blank=True, default="")


class RegisterEntryInput(DeliveryInput):
    item = serializers.IntegerField(min_value=1)


class RegisterInput(serializers.Serializer):
    entries = RegisterEntryInput(many=True, allow_empty=False, max_length=2_000)


class DisputeInput(serializers.Serializer):
    text = Text(max_length=20_000)


class ObligationInput(serializers.Serializer):
    responsible_body = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    provider = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    sessions = serializers.IntegerField(min_value=1, max_value=100)
    minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False, allow_null=True)
    per = serializers.ChoiceField(choices=ProvisionItem.Per.choices)
    term_time_only = serializers.BooleanField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)


class EndingDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=SupportEnding.Decision.choices)
    reason = Text(max_length=5_000)


# --- output ----------------------------------------------------------------------------------


class AmountOutput(serializers.Serializer):
    sessions = serializers.IntegerField(allow_null=True)
    minutes = serializers.IntegerField(allow_null=True)
    per = serializers.CharField(allow_blank=True, help_text="week, term or year; empty until recorded")
    term_time_only = serializers.BooleanField()


class DeliverySummaryOutput(serializers.Serializer):
    starts_on = serializers.DateField(allow_null=True, help_text="This term's first day, or the item's start")
    ends_on = serializers.DateField(help_text="Today (UK)")
    expected = serializers.IntegerField()
    delivered = serializers.IntegerField()
    missed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    make_up_owed = serializers.IntegerField()
    delivered_minutes = serializers.IntegerField()


class EndingOutput(serializers.Serializer):
    ends_on = serializers.DateField()
    remind_on = serializers.DateField()
    decision = serializers.CharField(allow_blank=True, help_text="continue, replace or end; empty until decided")
    reason = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    lapsed_case = serializers.IntegerField(
        source="lapsed_case_id", allow_null=True, help_text="The concern raised when it ended with no decision"
    )


class ProvisionObligationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = serializers.SerializerMethodField()
    section = serializers.CharField()
    description = serializers.CharField()
    plan_text = serializers.SerializerMethodField(help_text="How much and how often, in the plan's words")
    responsible_body = OrganisationBrief(allow_null=True)
    provider = serializers.SerializerMethodField()
    duty = serializers.SerializerMethodField(help_text="Who must make sure it happens, and the law, in plain words")
    amount = serializers.SerializerMethodField()
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    structured = serializers.BooleanField(
        source="is_structured", help_text="False until staff record the amount, dates and responsible body"
    )
    delivery = serializers.SerializerMethodField()
    ending = serializers.SerializerMethodField()

    @extend_schema_field(ChildBrief)
    def get_child(self, item):
        return ChildBrief(item.ehcp.child).data

    def get_plan_text(self, item) -> str:
        return " ".join(part for part in (item.amount, item.frequency) if part)

    @extend_schema_field(ProviderOutput(allow_null=True))
    def get_provider(self, item):
        if item.provider_organisation_id:
            return OrganisationBrief(item.provider_organisation).data
        return {"id": None, "name": item.provider} if item.provider else None

    def get_duty(self, item) -> str:
        return duty_in_words(item)

    @extend_schema_field(AmountOutput)
    def get_amount(self, item):
        return AmountOutput(item).data

    @extend_schema_field(EndingOutput(allow_null=True))
    def get_ending(self, item):
        try:
            return EndingOutput(item.ending).data
        except SupportEnding.DoesNotExist:
            return None

    @extend_schema_field(DeliverySummaryOutput)
    def get_delivery(self, item):
        summaries = self.context.get("summaries", {})
        return DeliverySummaryOutput(summaries[item.pk]).data if item.pk in summaries else None


class RecordedByOutput(serializers.Serializer):
    display_name = serializers.CharField()


class DeliveryOutput(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()
    disputed = serializers.SerializerMethodField()
    dispute_case = serializers.IntegerField(source="dispute_case_id", allow_null=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "item",
            "on",
            "status",
            "minutes",
            "reason",
            "recorded_by",
            "recorded_at",
            "disputed",
            "dispute_case",
        ]

    @extend_schema_field(RecordedByOutput)
    def get_recorded_by(self, delivery):
        # A name, never a sign-in name (which may be an email address).
        user = delivery.recorded_by
        unnamed = "The provider's staff" if provider_staff_of(user) else UNNAMED_STAFF
        return {"display_name": user.get_full_name() or unnamed}

    def get_disputed(self, delivery) -> bool:
        return delivery.disputed_at is not None


class RegisterOutput(serializers.Serializer):
    recorded = serializers.IntegerField()
    deliveries = DeliveryOutput(many=True)
