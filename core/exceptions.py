"""The project's exceptions. Services raise these; one API handler maps each to the contract's JSON.

Input that is wrong in itself is Django's `ValidationError` (400 with field
errors). These are for input that is fine but does not fit the moment.
"""


class Conflict(Exception):
    """The action does not fit the case's current state (HTTP 409)."""

    def __init__(self, detail: str, *, data: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.data = data or {}


class NotAllowed(Exception):
    """Logged in, can see the object, but may not do this to it (HTTP 403)."""

    def __init__(self, detail: str = "You do not have permission to do this."):
        super().__init__(detail)
        self.detail = detail
