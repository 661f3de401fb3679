"""The provision pages' forms, in GOV.UK wording: what to enter, and what went wrong in plain words."""

from django import forms

from .models import Delivery, SupportEnding

STATUS_CHOICES = [
    (Delivery.Status.DELIVERED, "It happened"),
    (Delivery.Status.MISSED, "It was missed"),
    (Delivery.Status.CANCELLED, "It was called off, for example because the child was ill"),
]


class SessionForm(forms.Form):
    on = forms.DateField(
        label="Day of the session",
        help_text="For example, 23/11/2026",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"required": "Enter the day of the session", "invalid": "Enter a real day, like 23/11/2026"},
    )
    status = forms.ChoiceField(
        label="What happened?",
        choices=STATUS_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    minutes = forms.IntegerField(
        label="Minutes (optional)",
        help_text="Leave empty for the plan's length of session",
        required=False,
        min_value=0,
        max_value=24 * 60,
        error_messages={"invalid": "Enter minutes as a number, like 45", "min_value": "Minutes cannot be below 0"},
    )
    reason = forms.CharField(
        label="Why it did not happen (needed if missed or called off)",
        help_text="The family will see this",
        required=False,
        max_length=5_000,
        widget=forms.Textarea,
    )


class DisputeForm(forms.Form):
    text = forms.CharField(
        label="What happened?",
        help_text="For example, nobody came to the school that day",
        max_length=20_000,
        widget=forms.Textarea,
        error_messages={"required": "Tell us what happened"},
    )


class EndingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What happens when this support ends?",
        choices=SupportEnding.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens when this support ends"},
    )
    reason = forms.CharField(
        label="Why",
        help_text="The family will see this",
        max_length=5_000,
        widget=forms.Textarea,
        error_messages={"required": "Say why. The family will see this"},
    )
