"""Single sign-on with OpenID Connect (mozilla-django-oidc): two providers side by side, each off unless turned on.

- Families (parents, carers and young people) through GOV.UK One Login: OIDC_FAMILIES_*.
- Staff through the council's own identity provider (Microsoft Entra ID, say): OIDC_STAFF_*.

Each door signs in only its own people: the families' door a family account, the staff door a staff account;
anyone else is refused in plain words and pointed to their own door. Sign-on never makes an account: it signs
in the one active account whose email address matches the provider's verified email. A family member gets that
account by invitation first; a member of staff is given theirs by the council's administrator. An unverified
address, an address no account has, or one that two accounts share is refused. A member of staff still gives
their second factor when STAFF_TWO_FACTOR is on: sign-on replaces the password, not the code.

mozilla-django-oidc reads one set of OIDC_* settings; each door here reads its own (OIDC_FAMILIES_TOKEN_...),
falling back to the shared ones. GOV.UK One Login's `private_key_jwt` client authentication is added here
(a client assertion signed with the service's private key, RFC 7523), and its `vtr` and `ui_locales` are sent
with the request to sign in.
"""

import time
from pathlib import Path

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import get_random_string
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from .permissions import may_sign_on_as_family, may_sign_on_as_staff

FAMILIES, STAFF = "families", "staff"
# Who each door signs in (accounts/permissions.py).
MAY_SIGN_ON = {FAMILIES: may_sign_on_as_family, STAFF: may_sign_on_as_staff}
# Why the last sign-on was refused, for the page that says so (this session only).
REFUSAL = "sign_on_refused"
NO_ACCOUNT, WRONG_DOOR = "no_account", "wrong_door"
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
CLIENT_ASSERTION_SECONDS = 300


def door_setting(audience: str, name: str, *default):
    """OIDC_<AUDIENCE>_<NAME>, as settings/base.py reads it for each door."""
    return import_from_settings(f"OIDC_{audience.upper()}_{name}", *default)


def sign_on_enabled(audience: str) -> bool:
    return door_setting(audience, "ENABLED")


def sign_on_doors() -> list[dict]:
    """The doors turned on, for the sign-in page's buttons."""
    return [
        {"url": reverse(f"sign-on-{audience}"), "label": door_setting(audience, "BUTTON")}
        for audience in MAY_SIGN_ON
        if sign_on_enabled(audience)
    ]


def sign_on_match(claims: dict, audience: str) -> tuple[object | None, str]:
    """The account these claims sign in through this door, or None and why not."""
    email = claims.get("email")
    if not email or claims.get("email_verified") is not True:
        return None, NO_ACCOUNT
    users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
    # Two accounts with one address: neither is signed in, rather than either.
    if len(users) != 1:
        return None, NO_ACCOUNT
    if not MAY_SIGN_ON[audience](users[0]):
        return None, WRONG_DOOR
    return users[0], ""


def client_assertion(*, client_id: str, token_endpoint: str, private_key: str, algorithm: str) -> str:
    """A signed JWT that proves to the provider the request comes from this service (RFC 7523, section 2.2)."""
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint,
        "iat": now,
        "exp": now + CLIENT_ASSERTION_SECONDS,
        "jti": get_random_string(32),
    }
    return jwt.encode(claims, private_key, algorithm=algorithm)


class DoorSettings:
    """mozilla-django-oidc asks `get_settings` for each OIDC_* setting: a door answers with its own where it
    has one, so two providers need no second copy of the library's code."""

    audience = ""

    def get_settings(self, attr, *args):
        if attr == "OIDC_AUTHENTICATION_CALLBACK_URL":
            return f"sign-on-{self.audience}-callback"
        own = f"OIDC_{self.audience.upper()}_{attr.removeprefix('OIDC_')}"
        if attr.startswith("OIDC_") and hasattr(settings, own):
            return getattr(settings, own)
        return import_from_settings(attr, *args)


class SignOnBackend(DoorSettings, OIDCAuthenticationBackend):
    """Signs someone in only on the callback of its own door, and only when that door is on."""

    def authenticate(self, request, **kwargs):
        if request is None or not sign_on_enabled(self.audience):
            return None
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name != self.get_settings("OIDC_AUTHENTICATION_CALLBACK_URL"):
            return None
        return super().authenticate(request, **kwargs)

    def filter_users_by_claims(self, claims):
        user, refusal = sign_on_match(claims, self.audience)
        if refusal:
            self.request.session[REFUSAL] = {"audience": self.audience, "reason": refusal}
            return []
        return [user]

    def create_user(self, claims):
        return None

    def update_user(self, user, claims):
        return user

    def get_token(self, payload):
        key_file = self.get_settings("OIDC_RP_CLIENT_PRIVATE_KEY_FILE", "")
        if key_file:
            payload = {key: value for key, value in payload.items() if key != "client_secret"}
            payload["client_assertion_type"] = CLIENT_ASSERTION_TYPE
            payload["client_assertion"] = client_assertion(
                client_id=self.OIDC_RP_CLIENT_ID,
                token_endpoint=self.OIDC_OP_TOKEN_ENDPOINT,
                private_key=Path(key_file).read_text(),
                algorithm=self.get_settings("OIDC_RP_CLIENT_KEY_ALGO", "RS256"),
            )
        return super().get_token(payload)


class FamiliesSignOnBackend(SignOnBackend):
    audience = FAMILIES


class StaffSignOnBackend(SignOnBackend):
    audience = STAFF


class SignOnStart(DoorSettings, OIDCAuthenticationRequestView):
    """Off (404) unless this door is on."""

    def dispatch(self, request, *args, **kwargs):
        if not sign_on_enabled(self.audience):
            raise Http404("Single sign-on is not turned on.")
        return super().dispatch(request)

    def get_extra_params(self, request):
        """GOV.UK One Login's level of confidence (`vtr`) and the language of its pages (`ui_locales`), where set."""
        extra = dict(super().get_extra_params(request))
        for name in ("vtr", "ui_locales"):
            value = self.get_settings(f"OIDC_{name.upper()}", "")
            if value:
                extra[name] = value
        return extra


class SignOnCallback(DoorSettings, OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not sign_on_enabled(self.audience):
            raise Http404("Single sign-on is not turned on.")
        return super().dispatch(request)
