"""The cases REST API (API.md). Thin: each view finds what the user may see, validates input,
calls one service and answers with the case as it now stands."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import permissions, selectors, services, staffing
from ..actions import CASE_ACTIONS
from ..models import CaseEvent, Cover, Officer
from ..permissions import Role, is_staff_member, role_of
from .filters import CaseFilter, FilterBackendAskedFor, ordering_for
from .serializers import (
    BulkReassignInput,
    CaseDetailOutput,
    CaseEventOutput,
    CaseLogInput,
    CaseOutput,
    CategoryOutput,
    ChaseInput,
    ChildOutput,
    CoverInput,
    CoverOutput,
    ExtendInput,
    FollowUpInput,
    HandoverSummaryOutput,
    MeOutput,
    MessageInput,
    MessageOutput,
    NoteInput,
    OffboardInput,
    OffboardOutput,
    OfficerOutput,
    OutcomeInput,
    ReasonInput,
    ReassignInput,
)


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class MeView(APIView):
    @extend_schema(responses=MeOutput, summary="Who you are signed in as")
    def get(self, request):
        return Response(MeOutput(request.user).data)


class ChildrenView(generics.ListAPIView):
    serializer_class = ChildOutput

    def get_queryset(self):
        return selectors.children_visible_to(self.request.user)


class CategoriesView(APIView):
    @extend_schema(responses=CategoryOutput(many=True), summary="The kinds of concern a family can raise")
    def get(self, request):
        return Response(CategoryOutput(selectors.categories_active(), many=True).data)


class CaseListView(generics.ListCreateAPIView):
    serializer_class = CaseOutput
    filter_backends = [FilterBackendAskedFor]
    filterset_class = CaseFilter

    def get_queryset(self):
        # `mine` narrows the scope itself, not only the filter: the queue's queries carry no condition on the team.
        queue_only = self.request.query_params.get("mine") == "true"
        cases = selectors.cases_listed_for(self.request.user, queue_only=queue_only)
        return cases.order_by(*ordering_for(self.request))

    @extend_schema(request=CaseLogInput, responses={201: CaseOutput}, summary="Log a concern")
    def post(self, request):
        data = validated(CaseLogInput, request)
        case = services.case_log(
            actor=request.user,
            child_id=data["child"],
            category_slug=data["category"],
            summary=data["summary"],
            description=data["description"],
            provision_item_id=data.get("provision_item"),
            safeguarding=data["safeguarding"],
            contact_method=data.get("contact_method"),
        )
        # The case as the service left it: it comes with everything the answer shows, so nothing is read back.
        return Response(CaseOutput(case, context={"request": request}).data, status=status.HTTP_201_CREATED)


class CaseDetailView(APIView):
    @extend_schema(responses=CaseDetailOutput, summary="One case")
    def get(self, request, pk):
        case = selectors.case_get_for_user(request.user, pk)
        services.case_record_access(actor=request.user, case=case, via="api:case")
        return Response(CaseDetailOutput(case, context={"request": request}).data)


class HandoverSummaryView(APIView):
    @extend_schema(
        responses=HandoverSummaryOutput,
        summary="Everything about a case in one place, for the officer taking it on (staff only)",
    )
    def get(self, request, pk):
        case = selectors.case_get_for_user(request.user, pk)
        if not is_staff_member(request.user):
            raise PermissionDenied("The handover summary is for staff.")
        services.case_record_access(actor=request.user, case=case, via="api:handover")
        summary = selectors.case_handover_summary(case, request.user)
        return Response(HandoverSummaryOutput(summary, context={"request": request}).data)


class BulkReassignView(APIView):
    @extend_schema(
        request=BulkReassignInput,
        operation_id="cases_bulk_reassign",
        responses={200: inline_serializer("BulkReassignOutput", {"reassigned": serializers.IntegerField()})},
        summary="Managers: give a chosen set of cases to one officer",
    )
    def post(self, request):
        if role_of(request.user) != Role.MANAGER:
            raise PermissionDenied("Only a manager can move cases.")
        data = validated(BulkReassignInput, request)
        count = staffing.cases_reassign(
            actor=request.user, case_ids=data["cases"], officer=data["officer"], note=data["note"]
        )
        return Response({"reassigned": count})


class CaseTimelineView(generics.ListAPIView):
    serializer_class = CaseEventOutput
    queryset = CaseEvent.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        case = selectors.case_get_for_user(self.request.user, self.kwargs["pk"])
        services.case_record_access(actor=self.request.user, case=case, via="api:timeline")
        return selectors.case_timeline_for(self.request.user, case)


class CaseMessagesView(APIView):
    @extend_schema(request=MessageInput, responses={201: MessageOutput}, summary="Add a message or internal note")
    def post(self, request, pk):
        case = selectors.case_get_for_user(request.user, pk)
        data = validated(MessageInput, request)
        message = CASE_ACTIONS["message"].perform(request.user, case, data)
        return Response(MessageOutput(message).data, status=status.HTTP_201_CREATED)


class CaseActionView(generics.GenericAPIView):
    """One lifecycle action. Subclasses name the service and what it takes."""

    action: str
    input_serializer = NoteInput

    def get_serializer_class(self):
        return self.input_serializer

    @extend_schema(responses=CaseOutput)
    def post(self, request, pk):
        case = selectors.case_get_for_user(request.user, pk)
        data = validated(self.input_serializer, request)
        CASE_ACTIONS[self.action].perform(request.user, case, data)
        return Response(CaseOutput(selectors.case_as_acted_on(case.pk), context={"request": request}).data)


class AcknowledgeView(CaseActionView):
    action = "acknowledge"


class StartView(CaseActionView):
    action = "start"


class AwaitParentView(CaseActionView):
    action = "await_parent"


class ResumeView(CaseActionView):
    action = "resume"


class ResolveView(CaseActionView):
    action = "resolve"
    input_serializer = OutcomeInput


class CloseView(CaseActionView):
    action = "close"
    input_serializer = OutcomeInput


class ReopenView(CaseActionView):
    action = "reopen"
    input_serializer = ReasonInput


class WithdrawView(CaseActionView):
    """The family withdraw their own concern, with a reason: it closes and the named officer is told."""

    action = "withdraw"
    input_serializer = ReasonInput


class ChaseView(CaseActionView):
    action = "chase"
    input_serializer = ChaseInput


class ExtendView(CaseActionView):
    action = "extend"
    input_serializer = ExtendInput


class WasItFixedView(CaseActionView):
    """The family's answer to "is the problem still fixed?": yes closes the case, no reopens it."""

    action = "was_it_fixed"
    input_serializer = FollowUpInput


class ReassignView(CaseActionView):
    action = "reassign"
    input_serializer = ReassignInput


def officer_for(request, pk) -> Officer:
    """An officer the signed-in member of staff may see; anyone else gets 404 (or 403 for families)."""
    if not is_staff_member(request.user):
        raise PermissionDenied("Only staff can manage officers.")
    officer = selectors.officers_visible_to(request.user).filter(pk=pk).first()
    if officer is None:
        raise Http404("No officer found.")
    return officer


class OffboardView(APIView):
    @extend_schema(
        request=OffboardInput,
        responses={200: OffboardOutput},
        summary="Managers: hand every case of a leaving officer over, then deactivate them",
    )
    def post(self, request, pk):
        officer = officer_for(request, pk)
        # Refused before the input is read: someone who may not act is told so, not to fix their input.
        permissions.require_may_offboard(request.user, officer)
        data = validated(OffboardInput, request)
        result = staffing.officer_offboard(
            actor=request.user, officer=officer, successor=data.get("successor"), note=data["note"]
        )
        return Response(OffboardOutput(result).data)


@extend_schema_view(
    get=extend_schema(
        summary="Managers: the cover arranged for an officer, running now or still to come, earliest first",
        description=(
            "Each cover in the shape the POST answers with. Cover that is over, was cancelled before it "
            "started, or whose covering officer has left is not listed. 404 for an officer you cannot see; "
            "403 unless you manage them."
        ),
    )
)
class CoverView(generics.ListAPIView):
    serializer_class = CoverOutput
    queryset = Cover.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        officer = officer_for(self.request, self.kwargs["pk"])
        return staffing.covers_not_over(actor=self.request.user, officer=officer)

    @extend_schema(
        request=CoverInput,
        responses={201: CoverOutput},
        summary="Managers: arrange cover for an officer who is away",
    )
    def post(self, request, pk):
        officer = officer_for(request, pk)
        permissions.require_may_arrange_cover(request.user, officer)
        data = validated(CoverInput, request)
        cover_officer = selectors.officers_visible_to(request.user).filter(pk=data["cover_officer"]).first()
        if cover_officer is None:
            raise ValidationError({"cover_officer": ["Choose an officer of this council."]})
        cover = staffing.cover_set(
            actor=request.user,
            officer=officer,
            cover_officer=cover_officer,
            starts_at=data.get("starts_at") or timezone.now(),
            ends_at=data["ends_at"],
        )
        return Response(CoverOutput(cover).data, status=status.HTTP_201_CREATED)


class CoverEndView(APIView):
    @extend_schema(
        request=None,
        responses={200: CoverOutput},
        summary="Managers: end cover now (cover still to come is cancelled)",
        description=(
            "Ends the cover at once, or, if it has not started, makes it end where it starts so it never runs. "
            "Each family with an open case is told. 404 unless you manage the officer; "
            "409 if the cover is already over."
        ),
    )
    def post(self, request, pk, cover_id):
        officer = officer_for(request, pk)
        cover = officer.covers.filter(pk=cover_id).first()
        # Answered the same whether the cover does not exist or is not the caller's to end, so nothing leaks.
        if cover is None or not permissions.may_arrange_cover(request.user, officer):
            raise Http404("No cover found.")
        cover = staffing.cover_end(actor=request.user, cover=cover)
        return Response(CoverOutput(cover).data)


class OfficersView(generics.ListAPIView):
    serializer_class = OfficerOutput

    @extend_schema(
        parameters=[
            OpenApiParameter("team", int, description="Only this team's officers"),
            OpenApiParameter("active", bool, description="Only active (true) or departed (false) officers"),
        ]
    )
    def get(self, request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied("Only staff can see the list of officers.")
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        officers = selectors.officers_visible_to(self.request.user)
        team = self.request.query_params.get("team")
        active = self.request.query_params.get("active")
        # Not isdigit(): that passes "²", which int() cannot read.
        if team and team.isdecimal():
            officers = officers.filter(team_id=int(team))
        if active in ("true", "false"):
            officers = officers.filter(active=active == "true")
        return officers

