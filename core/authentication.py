"""Token sign-in for the API (API.md "Conventions"), with who the caller is to the service in the same query."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

EXPIRED = "Your token has expired. Get a new one from /api/auth/token/."


def token_expired(token: Token) -> bool:
    """A token lasts API_TOKEN_HOURS from when it was issued: one copied into a script or a log stops working."""
    return token.created < timezone.now() - timedelta(hours=settings.API_TOKEN_HOURS)


@transaction.atomic
def token_issue(*, user) -> Token:
    """The user's token, a new one if theirs has expired (or they signed out)."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    return token or Token.objects.create(user=user)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token check, reading the caller's officer record (if any) with the token and the user.

    Nearly every view asks `officer_of(user)` to scope what the caller sees; reading it here saves that
    round trip on every token request. A user who is not an officer has it cached as missing.
    """

    def authenticate_credentials(self, key):
        try:
            token = Token.objects.select_related("user", "user__officer").get(key=key)
        except Token.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_expired(token):
            raise exceptions.AuthenticationFailed(EXPIRED)
        return (token.user, token)
