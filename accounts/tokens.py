"""API tokens (django-rest-knox): one a client, kept only as a digest, each working API_TOKEN_HOURS from when it
was issued. Signing out revokes the one sent; a new password revokes them all."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken


def token_issue(*, user) -> tuple[AuthToken, str]:
    """A new token for one client, and the only copy of its text: the database keeps a digest of it.

    A person may sign in from several clients at once, each with its own token; the ones whose time is up
    are cleared as a new one is made, so they do not pile up.
    """
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user, expiry=timedelta(hours=settings.API_TOKEN_HOURS))


def token_revoke(token: AuthToken) -> None:
    token.delete()


def tokens_revoke_all(*, user) -> None:
    AuthToken.objects.filter(user=user).delete()


def revoke_tokens_on_new_password(sender, instance, created, **kwargs) -> None:
    """After a user is saved with a new password (a reset, the admin, `changepassword`), no earlier token works.

    set_password() keeps the new password in `_password` until save() has passed it to Django's
    password_changed hook, which runs after this signal: that is the one sign of a new password every route
    shares, without reading the old hash back.
    """
    if not created and instance._password is not None:
        tokens_revoke_all(user=instance)
