"""Forms of the statutory pages. They check the shape of the input; the services decide the rest.

Dates are GOV.UK date inputs (day, month and year boxes). Error messages say what to do,
in the words of the question, as the GOV.UK Design System asks.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError

from casework.models import Officer
from casework.web.staff.forms import OfficerChoiceField
from core.exceptions import Conflict, NotAllowed
from core.forms import Text

from .catalogue import DECISIONS, EXCEPTION_LIFTS, exception_ground
from .models import Process
from .rules import TRANSFERS

# What a service may refuse with: pages show each on the form, as the API turns each into its JSON.
SERVICE_REFUSALS = (ValidationError, Conflict, NotAllowed)


class DayWidget(forms.MultiWidget):
    template_name = "statutory/_day_widget.html"

    def __init__(self):
        super().__init__([forms.TextInput(attrs={"inputmode": "numeric"}) for _ in range(3)])

    def decompress(self, value):
        return [value.day, value.month, value.year] if value else [None, None, None]


class DayField(forms.MultiValueField):
    """A day entered as day, month and year."""

    widget = DayWidget

    def __init__(self, *, required_message: str, **kwargs):
        fields = [forms.IntegerField(), forms.IntegerField(), forms.IntegerField()]
        super().__init__(fields=fields, require_all_fields=False, **kwargs)
        self.error_messages["required"] = required_message
        self.error_messages["incomplete"] = "Enter a day, month and year"
        self.error_messages["invalid"] = "Enter a real date, for example 27 3 2027"

    def compress(self, values):
        if not values or all(value in (None, "") for value in values):
            return None
        try:
            day, month, year = (int(value) for value in values)
            return date(year, month, day)
        except (TypeError, ValueError):
            raise ValidationError(self.error_messages["invalid"]) from None


class AskForAssessmentForm(forms.Form):
    child = forms.TypedChoiceField(
        label="Which child is the assessment for?", coerce=int, widget=forms.RadioSelect,
        error_messages={"required": "Select the child the assessment is for"},
    )

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [(child.pk, child.display_name) for child in children]


class StartForm(forms.Form):
    child = forms.TypedChoiceField(label="Child or young person", coerce=int,
                                   error_messages={"required": "Select the child or young person"})
    kind = forms.ChoiceField(label="Which process", choices=Process.Kind.choices, widget=forms.RadioSelect,
                             error_messages={"required": "Select which process to start"})
    received_on = DayField(label="Day the request was received, or the council became responsible", required=False,
                           required_message="", help_text="Leave empty for today. For example, 18 12 2026")
    plan_dated_on = DayField(label="Annual review: day the plan was made or last reviewed", required=False,
                             required_message="")
    transfer = forms.ChoiceField(label="Phase transfer: which move", required=False,
                                 choices=[("", "Not a phase transfer"), *((k, t.label) for k, t in TRANSFERS.items())])
    transfer_on = DayField(label="Phase transfer: day of the move", required=False, required_message="")

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "Choose a child")] + [(c.pk, c.display_name) for c in children]


class StepForm(forms.Form):
    key = forms.ChoiceField(label="Step", error_messages={"required": "Select the step that was done"})
    done_on = DayField(label="Day it was done", required_message="Enter the day the step was done")
    note = Text(label="Note (optional)")

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [("", "Choose a step")] + [(step.key, step.label) for step in steps]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="What was decided", error_messages={"required": "Select what was decided"},
                                 choices=[("", "Choose a decision")] + [(k, r.label) for k, r in DECISIONS.items()])
    detail = forms.CharField(label="School, setting or funding band (if the decision names one)", required=False,
                             max_length=300)
    decided_on = DayField(label="Day the decision was made", required_message="Enter the day the decision was made")
    approved_by = OfficerChoiceField(label="Who approved it", queryset=Officer.objects.none(),
                                     empty_label="Choose the person who approved it",
                                     error_messages={"required": "Select the person who approved the decision"})
    panel = forms.ModelMultipleChoiceField(label="Panel members at that meeting (for a panel decision)",
                                           queryset=Officer.objects.none(), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    reasons = Text(label="Reasons, in plain words: the family will see them",
                   required_message="Enter the reasons for the decision")
    supersedes = forms.TypedChoiceField(label="Does this replace an earlier decision?", required=False, coerce=int,
                                        empty_value=None)

    def __init__(self, *args, officers, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = officers
        self.fields["panel"].queryset = officers
        self.fields["panel"].label_from_instance = OfficerChoiceField.label_from_instance.__get__(self.fields["panel"])
        self.fields["supersedes"].choices = [("", "No, it is a new decision")] + [
            (d.pk, f"{d.get_decision_display()} of {d.decided_on:%d %B %Y}") for d in decisions
        ]


class ExceptionForm(forms.Form):
    regulation = forms.ChoiceField(
        label="Which exception the regulations allow",
        choices=[("", "Choose the regulation")] + [(reg, f"Regulation {reg}: {exception_ground(reg)}")
                                                   for reg in EXCEPTION_LIFTS],
        error_messages={"required": "Select the regulation that allows this exception"},
    )
    reason = Text(label="Why the time limit cannot be met: the family will see this",
                  required_message="Enter why the time limit cannot be met")
    starts_on = DayField(label="Day it started", required_message="Enter the day the exception started")
    ends_on = DayField(label="Day it ended (if it has)", required=False, required_message="")


def add_refusal(form, refused: Exception) -> int:
    """Put a service's refusal on the form, field errors on their fields; answer with the API's status for it."""
    if isinstance(refused, ValidationError):
        for field, messages in (refused.message_dict if hasattr(refused, "error_dict") else {None: refused.messages}).items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return 400
    form.add_error(None, refused.detail)
    return 409 if isinstance(refused, Conflict) else 403
