"""The provision pages' forms, in GOV.UK wording: what to enter, and what went wrong in plain words."""

from django import forms

from casework.models import Organisation, ProvisionItem

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


DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ObligationForm(forms.Form):
    """The plan's amount and dates, who answers for it and who provides it: what makes delivery countable."""

    responsible_body = forms.ModelChoiceField(
        label="Who must make sure it happens",
        queryset=Organisation.objects.none(),
        help_text="The council for education and social care; the Integrated Care Board for health care",
        error_messages={"required": "Choose who must make sure it happens"},
    )
    provider_organisation = forms.ModelChoiceField(
        label="Who provides it (optional)", queryset=Organisation.objects.none(), required=False
    )
    sessions = forms.IntegerField(
        label="How many sessions",
        min_value=1,
        max_value=100,
        error_messages={"required": "Enter how many sessions the plan gives", "min_value": "Enter 1 or more"},
    )
    per = forms.ChoiceField(
        label="Each",
        choices=ProvisionItem.Per.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose week, term or year"},
    )
    minutes = forms.IntegerField(
        label="Minutes each session (optional)", min_value=1, max_value=24 * 60, required=False
    )
    term_time_only = forms.BooleanField(label="Only in term time", required=False)
    starts_on = forms.DateField(
        label="First day",
        help_text="For example, 2/9/2026",
        input_formats=DATE_FORMATS,
        error_messages={"required": "Enter the first day", "invalid": "Enter a real day, like 2/9/2026"},
    )
    ends_on = forms.DateField(
        label="Last day (optional)",
        input_formats=DATE_FORMATS,
        required=False,
        error_messages={"invalid": "Enter a real day, like 21/7/2027"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_body"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.COUNCIL, Organisation.Kind.ICB]
        )
        self.fields["provider_organisation"].queryset = Organisation.objects.all()
