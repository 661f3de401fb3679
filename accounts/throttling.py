"""Throttling for the doors anyone can knock on without signing in: asking for a reset link, typing an
invitation code. Counted in the database (`Attempt`), so every web server shares one count."""

from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import Attempt

WINDOW = timedelta(hours=1)
# Rows older than this are of no further use to any limit.
KEPT_FOR = timedelta(days=1)


class TooManyAttempts(Exception):
    """Too many knocks from one client address in the last hour; `retry_after` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"Too many attempts. Try again in {retry_after} seconds.")
        self.retry_after = retry_after


def key_digest(door: str, key: str) -> str:
    """A keyed digest of what was asked about, so the table never holds an email address or a code."""
    return salted_hmac(f"accounts.attempt.{door}", key.strip().lower()).hexdigest()


def refuse_if_client_over_limit(*, door: str, client_address: str | None, limit: int) -> None:
    """Raise TooManyAttempts if this client knocked `limit` times in the last hour.

    Counted per client whatever the answer was, so being refused says nothing about any account.
    """
    if client_address is None:
        return
    since = timezone.now() - WINDOW
    recent = Attempt.objects.filter(door=door, client_address=client_address, at__gt=since).order_by("at")
    if recent.count() >= limit:
        oldest = recent.values_list("at", flat=True)[0]
        raise TooManyAttempts(max(1, int((oldest + WINDOW - timezone.now()).total_seconds()) + 1))


def key_over_limit(*, door: str, digest: str, limit: int) -> bool:
    since = timezone.now() - WINDOW
    return Attempt.objects.filter(door=door, key_digest=digest, at__gt=since).count() >= limit


def attempt_record(*, door: str, client_address: str | None, digest: str = "") -> None:
    """Count one knock, and clear the rows no limit needs any more (cheap: by an index on `at`)."""
    now = timezone.now()
    Attempt.objects.filter(at__lt=now - KEPT_FOR).delete()
    Attempt.objects.create(door=door, at=now, client_address=client_address, key_digest=digest)
