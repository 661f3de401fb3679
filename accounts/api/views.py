"""The accounts' REST endpoints (API.md "Accounts and legal pages"). Thin: each checks input and calls a service."""

from axes.helpers import get_client_ip_address
from django.contrib.auth import authenticate, logout
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from ..passwords import EMAIL_ERRORS, password_reset_request
from ..sign_in import password_attempt_check, sign_in_paused_text
from ..throttling import TooManyAttempts
from ..tokens import token_issue, token_revoke
from ..two_factor import token_second_factor_errors

RESET_ANSWER = "If the address belongs to an account, a link to choose a new password has been sent to it."


class TokenInput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Staff, when two-factor sign-in is on: the code from the authenticator app, or a backup code.",
    )


class TokenView(APIView):
    """Swap a username and password (and a staff member's second factor) for a token of this client's own."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        request=TokenInput,
        responses={
            200: inline_serializer(
                "TokenOutput",
                {
                    "token": serializers.CharField(),
                    "expiry": serializers.DateTimeField(help_text="When the token stops working."),
                },
            )
        },
        summary="Swap a username and password for an API token",
    )
    def post(self, request):
        data = TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        credentials = data.validated_data
        try:
            password_attempt_check(request._request)
        except TooManyAttempts as refused:
            raise exceptions.Throttled(
                wait=refused.retry_after, detail=sign_in_paused_text(refused.retry_after)
            ) from refused
        # Django's own request, so django-axes can mark a locked-out sign-in for its middleware to answer (429).
        user = authenticate(request._request, username=credentials["username"], password=credentials["password"])
        if user is None or not user.is_active:
            return Response(
                {"non_field_errors": ["The username or password is not right."]}, status=status.HTTP_400_BAD_REQUEST
            )
        refusal = token_second_factor_errors(user, credentials)
        if refusal:
            return Response(refusal, status=status.HTTP_400_BAD_REQUEST)
        token, text = token_issue(user=user)
        return Response({"token": text, "expiry": token.expiry})


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
        if isinstance(request.auth, AuthToken):
            token_revoke(request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
