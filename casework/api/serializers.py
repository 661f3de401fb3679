"""Input and output shapes of the cases API (API.md). Thin: rules live in services."""

from datetime import UTC

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import Text
from escalations.models import ClockKind
from escalations.selectors import case_sla
from escalations.working_days import WorkingCalendar

from ..labels import UNNAMED_STAFF, display_name, name_shown_to_family, status_label
from ..models import Case, CaseEvent, Category, Child, Officer, ProvisionItem
from ..permissions import is_staff_member, moves_allowed, role_of
from ..selectors import case_handovers, cover_in_force


class CategorySlugField(serializers.CharField):
    """A kind of concern by its slug. The service refuses one that does not exist or is retired; the
    schema lists those a family may choose (casework/api/schema.py)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 50)
        super().__init__(**kwargs)


# --- input -----------------------------------------------------------------------------


class CaseLogInput(serializers.Serializer):
    child = serializers.IntegerField(min_value=1)
    category = CategorySlugField()
    summary = Text(max_length=200)
    description = Text(max_length=20_000)
    provision_item = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    safeguarding = serializers.BooleanField(required=False, default=False)
    contact_method = serializers.ChoiceField(choices=Case.ContactMethod.choices, required=False)


class NoteInput(serializers.Serializer):
    note = Text(max_length=5_000, required=False, allow_blank=True, default="")


class OutcomeInput(serializers.Serializer):
    outcome = Text(max_length=5_000)


class ReasonInput(serializers.Serializer):
    reason = Text(max_length=5_000)


class MessageInput(serializers.Serializer):
    text = Text(max_length=20_000)
    internal = serializers.BooleanField(required=False, default=False)


class ChaseInput(serializers.Serializer):
    note = Text(max_length=5_000, required=False, allow_blank=True, default="")


class FollowUpInput(serializers.Serializer):
    fixed = serializers.BooleanField()
    text = Text(max_length=20_000, required=False, allow_blank=True, default="")


class ExtendInput(serializers.Serializer):
    working_days = serializers.IntegerField(min_value=1, max_value=10)
    reason = Text(max_length=5_000)


class ReassignInput(serializers.Serializer):
    officer = serializers.IntegerField(min_value=1)
    note = Text(max_length=5_000)


# --- output ----------------------------------------------------------------------------


class MeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()

    def get_display_name(self, user) -> str:
        return display_name(user)

    def get_role(self, user) -> str:
        return str(role_of(user))


class CategoryOutput(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["slug", "name", "description"]


class ProvisionItemOutput(serializers.ModelSerializer):
    class Meta:
        model = ProvisionItem
        fields = ["id", "section", "description", "amount", "frequency", "provider"]


class EHCPOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    provision_items = ProvisionItemOutput(many=True)


class ChildOutput(serializers.ModelSerializer):
    display_name = serializers.CharField()
    ehcp = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = ["id", "display_name", "date_of_birth", "ehcp"]

    @extend_schema_field(EHCPOutput(allow_null=True))
    def get_ehcp(self, child):
        ehcp = getattr(child, "ehcp", None)
        return EHCPOutput(ehcp).data if ehcp else None


class ChildBrief(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class OrganisationBrief(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OfficerBrief(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    team = serializers.SerializerMethodField()

    def get_team(self, officer) -> str | None:
        return officer.team.name if officer.team_id else None


class NextEscalationOutput(serializers.Serializer):
    level = serializers.IntegerField()
    role = serializers.CharField()
    display_name = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class ClockOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ClockKind.choices)
    due = serializers.DateTimeField()
    met_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=["running", "paused", "met", "breached"])
    extended = serializers.BooleanField()


class SlaOutput(serializers.Serializer):
    acknowledge_due = serializers.DateTimeField(allow_null=True)
    respond_due = serializers.DateTimeField(allow_null=True)
    resolve_due = serializers.DateTimeField(allow_null=True)
    paused = serializers.BooleanField()
    breached = serializers.ListField(child=serializers.ChoiceField(choices=["acknowledge", "respond", "resolve"]))
    next_escalation = NextEscalationOutput(allow_null=True)
    clocks = ClockOutput(many=True, help_text="Every clock the case has had, with whether it was met.")


class CoverBrief(serializers.Serializer):
    id = serializers.IntegerField(source="cover_officer.pk")
    display_name = serializers.CharField(source="cover_officer.display_name")
    until = serializers.DateTimeField(source="ends_at")


# The case of API.md. The fields below describe it (the OpenAPI schema reads them, so no docstring
# here: it would show in the schema); `to_representation` writes it field by field in the same shapes
# without DRF's per-field machinery, which was most of the time of a queue page of 25 cases.
# tests/casework/test_api_case_output.py holds the two equal.
class CaseOutput(serializers.ModelSerializer):
    child = ChildBrief()
    organisation = OrganisationBrief(help_text="The body that owns the case: the council, or for most health "
                                     "provision the Integrated Care Board.")
    category = serializers.CharField(source="category_id")
    provision_item = serializers.IntegerField(source="provision_item_id", allow_null=True)
    accountable_officer = OfficerBrief()
    team = serializers.CharField(source="team.name")
    status_label = serializers.SerializerMethodField(
        help_text="The status in words for whoever reads it: staff read \"Waiting for family\" where the family "
        "reads \"Waiting for you\"."
    )
    actions = serializers.SerializerMethodField(
        help_text="The lifecycle actions that fit the case's state now and that the reader may take."
    )
    covered_by = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "child",
            "organisation",
            "category",
            "provision_item",
            "summary",
            "description",
            "status",
            "status_label",
            "actions",
            "priority",
            "safeguarding",
            "accountable_officer",
            "covered_by",
            "team",
            "owner_count",
            "logged_on_behalf",
            "contact_method",
            "outcome",
            "created_at",
            "acknowledged_at",
            "resolved_at",
            "closed_at",
            "sla",
            "escalation_level",
        ]

    def to_representation(self, case):
        officer = case.accountable_officer
        return {
            "id": case.pk,
            "reference": case.reference,
            "child": {"id": case.child.pk, "display_name": case.child.display_name},
            "organisation": {"id": case.organisation.pk, "name": case.organisation.name},
            "category": case.category_id,
            "provision_item": case.provision_item_id,
            "summary": case.summary,
            "description": case.description,
            "status": str(case.status),
            "status_label": self.get_status_label(case),
            "actions": self.get_actions(case),
            "priority": str(case.priority),
            "safeguarding": case.safeguarding,
            "accountable_officer": _officer_brief(officer),
            "covered_by": self.get_covered_by(case),
            "team": case.team.name,
            "owner_count": case.owner_count,
            "logged_on_behalf": case.logged_on_behalf,
            "contact_method": str(case.contact_method),
            "outcome": case.outcome,
            "created_at": _moment(case.created_at),
            "acknowledged_at": _moment(case.acknowledged_at),
            "resolved_at": _moment(case.resolved_at),
            "closed_at": _moment(case.closed_at),
            "sla": self.get_sla(case),
            "escalation_level": case.escalation_level,
        }

    @extend_schema_field(SlaOutput)
    def get_sla(self, case):
        # One moment and one calendar for every case of a list, so a page reads the closure days once.
        context = self.context
        now = context.setdefault("now", timezone.now())
        calendar = context.setdefault("calendar", WorkingCalendar())
        return _sla_representation(case_sla(case, now=now, calendar=calendar))

    def get_actions(self, case) -> list[str]:
        request = self.context.get("request")
        return moves_allowed(request.user, case) if request is not None else []

    def get_status_label(self, case) -> str:
        return status_label(case, for_staff=_read_by_staff(self.context))

    @extend_schema_field(CoverBrief(allow_null=True))
    def get_covered_by(self, case):
        cover = cover_in_force(case.accountable_officer)
        if cover is None:
            return None
        cover_officer = cover.cover_officer
        return {"id": cover_officer.pk, "display_name": cover_officer.display_name, "until": _moment(cover.ends_at)}


def _read_by_staff(context) -> bool:
    # Without a request there is no knowing who reads it, so it is written as a family would see it.
    request = context.get("request")
    return request is not None and is_staff_member(request.user)


def _moment(value) -> str | None:
    """A moment as a declared DateTimeField gives it: ISO 8601 in UTC, with "Z" for +00:00.

    Written out rather than calling the field: a page of cases has some 300 moments,
    and the field's time zone lookup for each cost more than the rest of the formatting.
    """
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _officer_brief(officer) -> dict:
    """`OfficerBrief` of an officer with its user and team already loaded."""
    return {
        "id": officer.pk,
        "display_name": officer.display_name,
        "team": officer.team.name if officer.team_id else None,
    }


def _sla_representation(sla: dict) -> dict:
    """`SlaOutput` of a `case_sla` block."""
    escalation = sla["next_escalation"]
    return {
        "acknowledge_due": _moment(sla["acknowledge_due"]),
        "respond_due": _moment(sla["respond_due"]),
        "resolve_due": _moment(sla["resolve_due"]),
        "paused": sla["paused"],
        "breached": [str(kind) for kind in sla["breached"]],
        "next_escalation": escalation
        and {
            "level": escalation["level"],
            "role": str(escalation["role"]),
            "display_name": escalation["display_name"],
            "at": _moment(escalation["at"]),
        },
        "clocks": [
            {
                "kind": str(clock["kind"]),
                "due": _moment(clock["due"]),
                "met_at": _moment(clock["met_at"]),
                "state": clock["state"],
                "extended": clock["extended"],
            }
            for clock in sla["clocks"]
        ],
    }


class HandoverOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    from_officer = OfficerBrief(allow_null=True)
    to_officer = OfficerBrief(allow_null=True)
    first_contact_at = serializers.DateTimeField(allow_null=True)
    working_hours_to_first_contact = serializers.FloatField(allow_null=True)


class AccountabilityOutput(serializers.Serializer):
    officers = serializers.IntegerField(source="owner_count")
    handovers = serializers.SerializerMethodField()

    @extend_schema_field(HandoverOutput(many=True))
    def get_handovers(self, case):
        return HandoverOutput(case_handovers(case), many=True).data


class CaseDetailOutput(CaseOutput):
    """One case, with how many officers it has had and how long the family waited after each handover."""

    accountability = AccountabilityOutput(source="*")

    class Meta(CaseOutput.Meta):
        fields = CaseOutput.Meta.fields + ["accountability"]

    def to_representation(self, case):
        return {**super().to_representation(case), "accountability": self.fields["accountability"].to_representation(case)}


class ActorOutput(serializers.Serializer):
    display_name = serializers.CharField(
        help_text=f"Families see \"{UNNAMED_STAFF}\" for staff with no name on record, never a sign-in name."
    )
    role = serializers.CharField()


class CaseEventOutput(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "at", "kind", "actor", "text", "internal"]

    @extend_schema_field(ActorOutput(allow_null=True))
    def get_actor(self, event):
        if event.actor is None:
            return None
        actor = MeOutput(event.actor).data
        display_name = actor["display_name"] if self._read_by_staff() else name_shown_to_family(event.actor)
        return {"display_name": display_name, "role": actor["role"]}

    def _read_by_staff(self) -> bool:
        return _read_by_staff(self.context)


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    internal = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class OfficerOutput(serializers.ModelSerializer):
    display_name = serializers.CharField()
    team = serializers.SerializerMethodField()
    open_cases = serializers.IntegerField()

    class Meta:
        model = Officer
        fields = ["id", "display_name", "team", "job_title", "is_manager", "active", "open_cases"]

    def get_team(self, officer) -> str | None:
        return officer.team.name if officer.team_id else None


class OwnerOutput(serializers.Serializer):
    officer = OfficerBrief(allow_null=True)
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)


class FamilyBrief(serializers.Serializer):
    name = serializers.CharField()
    area = serializers.CharField(source="area.name", allow_null=True, default=None)


class SummaryMessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    at = serializers.DateTimeField(source="created_at")
    author = serializers.SerializerMethodField()
    text = serializers.CharField()
    internal = serializers.BooleanField()

    def get_author(self, message) -> str:
        return MeOutput(message.author).data["display_name"]


class OtherCaseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    summary = serializers.CharField()
    status = serializers.CharField()
    accountable_officer = serializers.CharField(source="accountable_officer.display_name")


class HandoverSummaryOutput(serializers.Serializer):
    case = CaseOutput()
    child = ChildOutput()
    family = FamilyBrief()
    provision_item = ProvisionItemOutput(source="case.provision_item", allow_null=True)
    messages = SummaryMessageOutput(many=True)
    timeline = CaseEventOutput(many=True)
    owners = OwnerOutput(many=True)
    other_cases = OtherCaseOutput(many=True)


class OffboardInput(serializers.Serializer):
    successor = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    note = Text(max_length=5_000)


class OffboardOutput(serializers.Serializer):
    reassigned = serializers.IntegerField()
    detail = serializers.CharField()


class BulkReassignInput(serializers.Serializer):
    cases = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=500)
    officer = serializers.IntegerField(min_value=1)
    note = Text(max_length=5_000)


class CoverInput(serializers.Serializer):
    cover_officer = serializers.IntegerField(min_value=1)
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField()


class CoverOutput(serializers.Serializer):
    id = serializers.IntegerField()
    officer = OfficerBrief()
    cover_officer = OfficerBrief()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
