"""Single sign-on with OpenID Connect (mozilla-django-oidc): off unless OIDC_ENABLED is set.

The council points it at its provider: GOV.UK One Login for families, or its own identity provider (Microsoft
Entra ID, say) for staff. Sign-on never makes an account: it signs in the one active account whose email
address matches the provider's verified email. A family member gets that account by invitation first; a member
of staff is given theirs by the council's administrator. An unverified address, an address no account has, or
one that two accounts share is refused. A member of staff still gives their second factor here when
STAFF_TWO_FACTOR is on: sign-on replaces the password, not the code.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView


class SignOnBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        if not settings.OIDC_ENABLED:
            return None
        return super().authenticate(request, **kwargs)

    def filter_users_by_claims(self, claims):
        email = claims.get("email")
        if not email or claims.get("email_verified") is not True:
            return get_user_model().objects.none()
        users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
        # Two accounts with one address: neither is signed in, rather than either.
        return users if len(users) == 1 else []

    def create_user(self, claims):
        return None

    def update_user(self, user, claims):
        return user


class SignOnStart(OIDCAuthenticationRequestView):
    """Off (404) unless OIDC_ENABLED."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not turned on.")
        return super().dispatch(request, *args, **kwargs)


class SignOnCallback(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404("Single sign-on is not turned on.")
        return super().dispatch(request, *args, **kwargs)
