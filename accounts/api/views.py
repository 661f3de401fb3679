"""The accounts' REST endpoints (API.md "Accounts and legal pages"). Thin: each checks input and calls a service."""

from axes.helpers import get_client_ip_address
from django.contrib.auth import logout
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..passwords import EMAIL_ERRORS, password_reset_request
from ..throttling import TooManyAttempts

RESET_ANSWER = "If the address belongs to an account, a link to choose a new password has been sent to it."


class PasswordResetInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254, error_messages=EMAIL_ERRORS)


class PasswordResetView(APIView):
    """Ask for a reset link by email: 202 whether or not the address is known."""

    # Anyone may ask, signed in or not; no session is read, so no CSRF token is needed either.
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=PasswordResetInput,
        responses={
            202: inline_serializer("PasswordResetAccepted", {"detail": serializers.CharField()}),
            400: OpenApiResponse(description="`email` missing or not an email address"),
            429: OpenApiResponse(description="Too many requests from this client; `Retry-After` says when to try"),
        },
    )
    def post(self, request):
        data = PasswordResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            password_reset_request(email=data.validated_data["email"], client_address=get_client_ip_address(request))
        except TooManyAttempts as refused:
            raise exceptions.Throttled(wait=refused.retry_after) from refused
        return Response({"detail": RESET_ANSWER}, status=status.HTTP_202_ACCEPTED)


class LogoutView(APIView):
    """Sign out of the API: the token the request is sent with stops working at once (204). Called with the
    browser's session instead (the browsable API), it ends the session."""

    @extend_schema(request=None, responses={204: OpenApiResponse(description="Signed out; the token no longer works")})
    def post(self, request):
        if isinstance(request.auth, Token):
            request.auth.delete()
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
