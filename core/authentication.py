"""Token sign-in for the API (API.md "Conventions"), with who the caller is to the service in the same query."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


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
        return (token.user, token)
