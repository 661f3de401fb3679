"""Token sign-in for the API (API.md "Conventions"): django-rest-knox's tokens, read with who the caller is to
the service in the same query."""

from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS
from rest_framework import exceptions

EXPIRED = "Your token has expired. Get a new one from /api/auth/token/."


class TokenAuthentication(auth.TokenAuthentication):
    """Knox's check, reading the caller's officer record (if any) with the token and the user, in one query.

    Nearly every view asks `officer_of(user)` to scope what the caller sees; reading it here saves that round
    trip on every token request. Knox's own check also reads all the caller's other tokens to clear the
    expired ones on every request; here that is done when a token is issued (accounts/tokens.py).
    """

    def authenticate_credentials(self, token: bytes):
        text = token.decode("utf-8", errors="replace")
        candidates = AuthToken.objects.filter(token_key=text[: CONSTANTS.TOKEN_KEY_LENGTH]).select_related(
            "user", "user__officer"
        )
        digest = hash_token(text)
        for auth_token in candidates:
            if compare_digest(digest, auth_token.digest):
                if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
                    auth_token.delete()
                    raise exceptions.AuthenticationFailed(EXPIRED)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))


class TokenScheme(KnoxTokenScheme):
    """The schema's `Authorization: Token <token>` scheme, for this subclass of knox's check."""

    target_class = TokenAuthentication
