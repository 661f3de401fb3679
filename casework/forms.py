"""Forms shared by every page. Error messages follow the GOV.UK Design System: say what to do."""

from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from config.errors import Conflict, NotAllowed

# What a service may refuse with. Pages show each on the form, as the API turns each into its JSON.
SERVICE_REFUSALS = (ValidationError, Conflict, NotAllowed)


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. They are case-sensitive.",
        "inactive": "This account is no longer active.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


def refusal_messages(refused: Exception) -> dict[str | None, list[str]]:
    """A service's refusal as messages by field (None: about the whole thing)."""
    if isinstance(refused, ValidationError):
        if hasattr(refused, "error_dict"):
            return {field: [m for e in errors for m in e.messages] for field, errors in refused.error_dict.items()}
        return {None: refused.messages}
    return {None: [refused.detail]}


def refusal_status(refused: Exception) -> int:
    """The status a page answers a refusal with: the same the API gives (casework/api_errors.py)."""
    if isinstance(refused, Conflict):
        return 409
    if isinstance(refused, NotAllowed):
        return 403
    return 400


def add_refusal_to_form(form, refused: Exception, fields: dict[str, str] | None = None) -> int:
    """Put a service's refusal on the form: field errors on its fields (renamed through `fields`), the rest
    on the form as a whole. Returns the status the page answers with."""
    fields = fields or {}
    for name, texts in refusal_messages(refused).items():
        target = fields.get(name, name)
        for text in texts:
            form.add_error(target if target in form.fields else None, text)
    return refusal_status(refused)
