"""The inbox API: each person's own in-app messages and how they want to hear from us."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Notification
from .serializers import (
    MarkedReadOutputSerializer,
    NotificationOutputSerializer,
    PreferencesInputSerializer,
    PreferencesOutputSerializer,
)


class InboxPagination(PageNumberPagination):
    """The project's page-number pagination, with the unread count beside the page."""

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"]["unread"] = {
            "type": "integer",
            "example": 3,
            "description": "How many messages in the whole inbox are unread.",
        }
        response_schema["required"].append("unread")
        return response_schema


@extend_schema(tags=["notifications"])
class NotificationInboxApi(generics.ListAPIView):
    serializer_class = NotificationOutputSerializer
    pagination_class = InboxPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular asks for the queryset without a user, only to learn the model.
            return Notification.objects.none()
        return selectors.notifications_inbox(user=self.request.user)

    @extend_schema(operation_id="notifications_list", summary="Your inbox, newest first")
    def get(self, request, *args, **kwargs):
        response = self.list(request, *args, **kwargs)
        response.data["unread"] = selectors.notifications_unread_count(user=request.user)
        return response


@extend_schema(tags=["notifications"])
class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notifications_read",
        summary="Mark one message read",
        request=None,
        responses={
            200: NotificationOutputSerializer,
            404: OpenApiResponse(description="No such message in your inbox."),
        },
    )
    def post(self, request, pk):
        notification = selectors.notification_inbox_get(user=request.user, notification_id=pk)
        notification = services.notification_mark_read(notification=notification)
        return Response(NotificationOutputSerializer(notification).data)


@extend_schema(tags=["notifications"])
class NotificationReadAllApi(APIView):
    @extend_schema(
        operation_id="notifications_read_all",
        summary="Mark every message read",
        request=None,
        responses={200: MarkedReadOutputSerializer},
    )
    def post(self, request):
        marked = services.notification_mark_all_read(user=request.user)
        return Response(MarkedReadOutputSerializer({"marked_read": marked}).data)


@extend_schema(tags=["notifications"])
class NotificationPreferencesApi(APIView):
    @extend_schema(
        operation_id="notifications_preferences_retrieve",
        summary="How you hear from us",
        responses={200: PreferencesOutputSerializer},
    )
    def get(self, request):
        preference = selectors.notification_preferences_get(user=request.user)
        return Response(PreferencesOutputSerializer(preference).data)

    @extend_schema(
        operation_id="notifications_preferences_update",
        summary="Change how you hear from us",
        request=PreferencesInputSerializer,
        responses={
            200: PreferencesOutputSerializer,
            400: OpenApiResponse(
                description='Field errors, for example {"email_enabled": ["Must be a valid boolean."]}.'
            ),
        },
    )
    def patch(self, request):
        serializer = PreferencesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = services.notification_preferences_update(user=request.user, **serializer.validated_data)
        return Response(PreferencesOutputSerializer(preference).data)
