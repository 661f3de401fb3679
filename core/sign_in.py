"""The checks apps further up add before an API token is issued: casework's token view asks them, and may not
import the apps that fill them in (accounts: a staff member's second factor)."""

# Filled in from AppConfig.ready(). Each is called as check(user, data) with the token request's validated input,
# and returns field errors to refuse the token with, or None.
TOKEN_CHECKS: list = []


def token_refusal(user, data: dict) -> dict | None:
    """The first registered check's field errors for issuing `user` a token, or None if every check passes."""
    for check in TOKEN_CHECKS:
        errors = check(user, data)
        if errors:
            return errors
    return None
