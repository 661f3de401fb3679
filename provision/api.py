"""The provision delivery REST API (API.md "Provision delivery"). Thin: find what the caller may see,
refuse what they may not do before reading their input, validate, call one service."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.serializers import CaseOutput
from casework.models import ProvisionItem
from casework.selectors import case_as_acted_on
from core.exceptions import NotAllowed

from . import selectors, services
from .ending import support_ending_decide
from .models import Delivery
from .permissions import may_record_delivery, may_set_obligation
from .serializers import (
    DeliveryInput,
    DeliveryOutput,
    DisputeInput,
    EndingDecisionInput,
    ObligationInput,
    ProvisionObligationOutput,
    RegisterInput,
    RegisterOutput,
)


def validated(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


NOT_YOURS_TO_RECORD = "Only the provider or the body answerable for this provision can record its sessions."


class ProvisionListView(generics.ListAPIView):
    serializer_class = ProvisionObligationOutput
    queryset = ProvisionItem.objects.none()

    @extend_schema(summary="Provision items you may see, with this term's delivery")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return selectors.provision_items_visible_to(self.request.user)

    def get_serializer(self, *args, **kwargs):
        if args:
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["summaries"] = selectors.summaries_for(args[0], today=services.uk_today())
        return super().get_serializer(*args, **kwargs)


class DeliveriesView(generics.ListCreateAPIView):
    serializer_class = DeliveryOutput
    queryset = Delivery.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        item = selectors.provision_item_get_for_user(self.request.user, self.kwargs["pk"])
        return selectors.deliveries_of(item)

    @extend_schema(summary="An item's recorded sessions, newest first")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DeliveryInput,
        responses={201: DeliveryOutput},
        summary="Record one session: delivered, missed or cancelled (provider staff, or the responsible body)",
    )
    def post(self, request, pk):
        item = selectors.provision_item_get_for_user(request.user, pk)
        if not may_record_delivery(request.user, item):
            raise NotAllowed(NOT_YOURS_TO_RECORD)
        data = validated(DeliveryInput, request)
        delivery = services.delivery_record(actor=request.user, item=item, **data)
        return Response(DeliveryOutput(delivery).data, status=status.HTTP_201_CREATED)


class RegisterView(APIView):
    @extend_schema(
        request=RegisterInput,
        responses={201: RegisterOutput},
        summary="The weekly register: record sessions of many items at once, all or none",
        description="Each entry is checked as a single record is. A 400 lists each entry's errors under "
        "`entries`, by position, and nothing is written. An item you cannot see is an error of its entry.",
    )
    def post(self, request):
        data = validated(RegisterInput, request)
        visible = selectors.provision_items_visible_to(request.user).in_bulk(
            {entry["item"] for entry in data["entries"]}
        )
        # An item the caller cannot see is an error of its entry, in the same words as one that does not exist.
        unknown = [
            {} if entry["item"] in visible else {"item": ["Choose one of your items."]} for entry in data["entries"]
        ]
        if any(unknown):
            raise serializers.ValidationError({"entries": unknown})
        entries = [{**entry, "item": visible[entry["item"]]} for entry in data["entries"]]
        try:
            deliveries = services.deliveries_record_week(actor=request.user, entries=entries)
        except services.RegisterRefused as refused:
            raise serializers.ValidationError({"entries": refused.entries}) from None
        return Response(
            RegisterOutput({"recorded": len(deliveries), "deliveries": deliveries}).data, status=status.HTTP_201_CREATED
        )


class DisputeView(APIView):
    @extend_schema(
        request=DisputeInput,
        responses={201: CaseOutput},
        summary="Families: say a recorded session did not happen (opens a concern on the item)",
    )
    def post(self, request, pk):
        delivery = selectors.delivery_get_for_user(request.user, pk)
        data = validated(DisputeInput, request)
        case = services.delivery_dispute(actor=request.user, delivery=delivery, text=data["text"])
        return Response(
            CaseOutput(case_as_acted_on(case.pk), context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ObligationView(APIView):
    @extend_schema(
        request=ObligationInput,
        responses={200: ProvisionObligationOutput},
        summary="Staff of the responsible body: record the plan's amount, dates, responsible body and provider",
    )
    def put(self, request, pk):
        item = selectors.provision_item_get_for_user(request.user, pk)
        if not may_set_obligation(request.user, item):
            raise NotAllowed("Only staff of the body answerable for this provision can change it.")
        data = validated(ObligationInput, request)
        item = services.provision_obligation_set(
            actor=request.user,
            item=item,
            responsible_body=data["responsible_body"],
            provider_organisation=data.get("provider"),
            sessions=data["sessions"],
            minutes=data.get("minutes"),
            per=data["per"],
            term_time_only=data["term_time_only"],
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
        )
        item = selectors.provision_item_get_for_user(request.user, item.pk)
        return Response(
            ProvisionObligationOutput(
                item, context={"summaries": selectors.summaries_for([item], today=services.uk_today())}
            ).data
        )


class EndingDecisionView(APIView):
    @extend_schema(
        request=EndingDecisionInput,
        responses={200: ProvisionObligationOutput},
        summary="Staff of the responsible body: decide what happens when an item ends (continue, replace, end)",
        description="The reason is shown to the family. 409 for an item with no end date or one already decided.",
    )
    def post(self, request, pk):
        item = selectors.provision_item_get_for_user(request.user, pk)
        if not may_set_obligation(request.user, item):
            raise NotAllowed("Only staff of the body answerable for this provision can decide what happens next.")
        data = validated(EndingDecisionInput, request)
        support_ending_decide(actor=request.user, item=item, decision=data["decision"], reason=data["reason"])
        item = selectors.provision_item_get_for_user(request.user, item.pk)
        return Response(
            ProvisionObligationOutput(
                item, context={"summaries": selectors.summaries_for([item], today=services.uk_today())}
            ).data
        )
