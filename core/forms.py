"""What every app's pages share about forms: GOV.UK radios, and showing a service's refusal with the same
words and status the API gives (core/exception_handler.py)."""

from django import forms
from django.core.exceptions import ValidationError

from core.exceptions import Conflict, NotAllowed

# What a service may refuse with. Pages show each on the form, as the API turns each into its JSON.
SERVICE_REFUSALS = (ValidationError, Conflict, NotAllowed)


def refusal_messages(refused: Exception) -> dict[str | None, list[str]]:
    """A service's refusal as messages by field (None: about the whole thing)."""
    if isinstance(refused, ValidationError):
        if hasattr(refused, "error_dict"):
            return {field: [m for e in errors for m in e.messages] for field, errors in refused.error_dict.items()}
        return {None: refused.messages}
    return {None: [refused.detail]}


def refusal_status(refused: Exception) -> int:
    """The status a page answers a refusal with: the same the API gives (core/exception_handler.py)."""
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


YES_NO = [("yes", "Yes"), ("no", "No")]


def radios(label: str, choices, required_message: str, help_text: str = "") -> forms.ChoiceField:
    """GOV.UK radios: one question, its choices, and what to do when nothing is chosen."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        help_text=help_text,
        error_messages={"required": required_message, "invalid_choice": required_message},
    )


class Text(forms.CharField):
    """Free text kept as typed (GOV.UK textarea); only spaces is the same as nothing. Required when it says
    what to do if it is left empty."""

    def __init__(self, *, required_message: str = "", max_length: int = 5_000, **kwargs):
        kwargs.setdefault("widget", forms.Textarea)
        kwargs.setdefault("required", bool(required_message))
        super().__init__(max_length=max_length, strip=False, **kwargs)
        if required_message:
            self.error_messages["required"] = required_message
        self.error_messages["max_length"] = f"{self.label or 'This'} must be {max_length:,} characters or fewer"

    def clean(self, value):
        if value is not None and not value.strip():
            value = ""
        return super().clean(value)
