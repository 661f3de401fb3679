"""Input and output shapes of the statutory process API (API.md "Statutory process"). Thin: rules live in services."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.labels import name_shown_to_family
from core.serializers import Text

from .catalogue import DECISIONS, EXCEPTION_LIFTS
from .models import Process, Step
from .rules import TRANSFERS, appeal_due
from .services import uk_today

TEXT_LIMIT = 5_000


# --- input ---------------------------------------------------------------------------------------


class ProcessStartInput(serializers.Serializer):
    child = serializers.IntegerField(min_value=1)
    kind = serializers.ChoiceField(choices=Process.Kind.choices)
    received_on = serializers.DateField(required=False, help_text="Defaults to today (UK); never in the future.")
    requested_by = serializers.ChoiceField(choices=Process.RequestedBy.choices, required=False)
    coordinator = serializers.IntegerField(
        min_value=1, required=False, help_text="Staff: the EHC coordinator. Without it, routing chooses."
    )
    plan_dated_on = serializers.DateField(required=False, help_text="Annual review: the plan was made or last reviewed.")
    meeting_on = serializers.DateField(required=False, help_text="Annual review: the day of the meeting, if planned.")
    transfer = serializers.ChoiceField(choices=[(key, t.label) for key, t in TRANSFERS.items()], required=False)
    transfer_on = serializers.DateField(required=False, help_text="Phase transfer: the day of the move.")


class StatutoryStepDoneInput(serializers.Serializer):
    done_on = serializers.DateField()
    note = Text(max_length=TEXT_LIMIT, required=False, allow_blank=True, default="")


class StatutoryDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[(key, rule.label) for key, rule in DECISIONS.items()])
    decided_on = serializers.DateField()
    approved_by = serializers.IntegerField(min_value=1, help_text="The officer who approved it: required.")
    panel = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=30,
        help_text="For a panel decision: the officers who sat on the panel at that meeting.",
    )
    reasons = Text(max_length=TEXT_LIMIT)
    detail = Text(max_length=300, required=False, allow_blank=True, default="",
                  help_text="The school or setting named, or the funding band.")
    supersedes = serializers.IntegerField(min_value=1, required=False, help_text="The earlier decision this replaces.")


class StatutoryExceptionInput(serializers.Serializer):
    regulation = serializers.ChoiceField(choices=sorted(EXCEPTION_LIFTS))
    reason = Text(max_length=TEXT_LIMIT)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)


# --- output --------------------------------------------------------------------------------------


class StatutoryPersonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class StatutoryChildOutput(StatutoryPersonOutput):
    pass


class StatutoryStepOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    regulation = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)
    state = serializers.SerializerMethodField()
    family_to_act = serializers.BooleanField(help_text="The family's own time, such as their 15 days to comment.")

    @extend_schema_field(serializers.ChoiceField(choices=Step.State.choices))
    def get_state(self, step) -> str:
        return step.state_on(self.context.get("today") or uk_today())


class AppealRightsOutput(serializers.Serializer):
    mediation_by = serializers.DateField()
    appeal_by = serializers.DateField()


class StatutoryDecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    decision = serializers.CharField()
    label = serializers.CharField(source="get_decision_display")
    detail = serializers.CharField()
    decided_on = serializers.DateField()
    reasons = serializers.CharField()
    approved_by = StatutoryPersonOutput()
    panel = StatutoryPersonOutput(many=True)
    supersedes = serializers.IntegerField(source="supersedes_id", allow_null=True)
    superseded_by = serializers.SerializerMethodField()
    rights = serializers.SerializerMethodField(help_text="For a decision the family may challenge: the last days.")

    def get_superseded_by(self, decision) -> int | None:
        later = getattr(decision, "superseded_by", None)
        return later.pk if later else None

    @extend_schema_field(AppealRightsOutput(allow_null=True))
    def get_rights(self, decision):
        if not decision.appealable:
            return None
        last_day = appeal_due(decision.decided_on)
        return {"mediation_by": last_day, "appeal_by": last_day}


class StatutoryExceptionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    regulation = serializers.CharField()
    label = serializers.CharField(source="get_regulation_display")
    step = serializers.CharField(source="step.key")
    reason = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    recorded_by = serializers.SerializerMethodField()
    in_force = serializers.BooleanField()

    def get_recorded_by(self, exception) -> str:
        return name_shown_to_family(exception.recorded_by)


class ProcessOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = StatutoryChildOutput()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    status = serializers.CharField()
    received_on = serializers.DateField()
    requested_by = serializers.CharField()
    plan_dated_on = serializers.DateField(allow_null=True)
    meeting_on = serializers.DateField(allow_null=True)
    transfer = serializers.CharField()
    transfer_on = serializers.DateField(allow_null=True)
    coordinator = StatutoryPersonOutput()
    steps = StatutoryStepOutput(many=True)
    decisions = StatutoryDecisionOutput(many=True)
    exceptions = StatutoryExceptionOutput(many=True)


# --- the timeliness report ------------------------------------------------------------------------


class TimelinessQuery(serializers.Serializer):
    # `from` is a Python keyword: declared through the class namespace so the parameter keeps the contract's name.
    locals()["from"] = serializers.DateField(help_text="First day of the period.")
    to = serializers.DateField(help_text="Last day of the period.")
    group_by = serializers.ChoiceField(choices=["council", "team", "coordinator", "month"], default="council")
    open_data = serializers.BooleanField(default=False, help_text="Hide counts from 1 to 4, as published statistics do.")

    def validate(self, attrs):
        if attrs["to"] < attrs["from"]:
            raise serializers.ValidationError({"to": ["The end of the period cannot be before its start."]})
        return attrs


class TimelinessRow(serializers.Serializer):
    key = serializers.CharField(allow_null=True)
    label = serializers.CharField()
    plans_issued = serializers.JSONField()
    plans_within_20_weeks = serializers.JSONField()
    plans_with_exceptions = serializers.JSONField()
    plans_within_20_weeks_excluding_exceptions = serializers.JSONField()
    percent_within_20_weeks = serializers.JSONField(help_text="0-1, null with no plans; 'c' when suppressed.")
    percent_within_20_weeks_excluding_exceptions = serializers.JSONField()
    average_weeks_to_issue = serializers.JSONField()
    decisions_to_assess = serializers.JSONField()
    decisions_within_6_weeks = serializers.JSONField()
    reviews_due = serializers.JSONField()
    reviews_on_time = serializers.JSONField()
    reviews_overdue = serializers.JSONField()
    phase_transfers_due = serializers.JSONField()
    phase_transfers_on_time = serializers.JSONField()


class TimelinessOutput(serializers.Serializer):
    rows = TimelinessRow(many=True)
