"""Throttling for the doors anyone can knock on without signing in: a password tried, a reset link asked for, an
invitation code typed. Counted in the database (`Attempt`), so every web server and worker shares one count
without a cache of its own to keep in step.

Each door has a limit per client address and may have one for everyone together: the second holds back a
password spray spread over many addresses, at the price of pausing that door for everyone while it lasts.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Attempt

WINDOW = timedelta(hours=1)
# Rows older than this are of no further use to any limit.
KEPT_FOR = timedelta(days=1)


class TooManyAttempts(Exception):
    """Too many knocks on a door lately; `retry_after` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


def key_digest(door: str, key: str) -> str:
    """A keyed digest of what was asked about, so the table never holds an email address or a code."""
    return salted_hmac(f"accounts.attempt.{door}", key.strip().lower()).hexdigest()


def refuse_if_client_over_limit(
    *, door: str, client_address: str | None, limit: int, window: timedelta = WINDOW
) -> None:
    """Raise TooManyAttempts if this client knocked `limit` times within `window`.

    Counted per client whatever the answer was, so being refused says nothing about any account.
    """
    if client_address is None:
        return
    _refuse_if_over(Attempt.objects.filter(door=door, client_address=client_address), limit=limit, window=window)


def refuse_if_everyone_over_limit(*, door: str, limit: int, window: timedelta) -> None:
    """Raise TooManyAttempts if every client together knocked `limit` times within `window`."""
    _refuse_if_over(Attempt.objects.filter(door=door), limit=limit, window=window)


def _refuse_if_over(attempts, *, limit: int, window: timedelta) -> None:
    now = timezone.now()
    recent = attempts.filter(at__gt=now - window).order_by("at")
    count = recent.count()
    if count >= limit:
        # Once this knock and every one before it are out of the window, the count is under the limit again.
        frees_at = recent.values_list("at", flat=True)[count - limit] + window
        raise TooManyAttempts(max(1, int((frees_at - now).total_seconds()) + 1))


def key_over_limit(*, door: str, digest: str, limit: int) -> bool:
    since = timezone.now() - WINDOW
    return Attempt.objects.filter(door=door, key_digest=digest, at__gt=since).count() >= limit


def attempt_record(*, door: str, client_address: str | None, digest: str = "") -> None:
    """Count one knock, and clear the rows no limit needs any more (cheap: by an index on `at`)."""
    now = timezone.now()
    Attempt.objects.filter(at__lt=now - KEPT_FOR).delete()
    Attempt.objects.create(door=door, at=now, client_address=client_address, key_digest=digest)
