"""Forms of the staff and manager pages. They check the shape of the input; the services decide the rest.

Error messages follow the GOV.UK Design System: they say what to do, in the
words of the question. Free text is kept exactly as typed (the API keeps it so
too), but text that is only spaces counts as empty.
"""

from datetime import date

from django import forms
from django.utils import timezone

from core.forms import Text
from core.time import UK_TIME

from ...labels import STAFF_STATUS_LABELS
from ...models import Case, Category, Officer


class OfficerChoiceField(forms.ModelChoiceField):
    """An officer chooser for handover, cover and offboarding. Each choice says how many open cases the officer
    holds now (`officers_with_caseload` counts them in the list's one query), so work is shared out, not piled
    on one person."""

    def label_from_instance(self, officer: Officer) -> str:
        name = f"{officer.display_name} ({officer.team.name})" if officer.team_id else officer.display_name
        caseload = getattr(officer, "open_cases", None)
        if caseload is None:
            return name
        return f"{name}: {caseload} open case{'s' if caseload != 1 else ''}"


# --- queues -------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's filters, sent as a GET form. Turned into the API's `CaseFilter` parameters."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("open", "Open (not yet resolved)"), ("all", "Any status"), *STAFF_STATUS_LABELS.items()],
    )
    category = forms.ModelChoiceField(
        label="What it is about", required=False, queryset=Category.objects.all(), empty_label="Any category"
    )
    breached = forms.ChoiceField(
        label="Promised dates",
        required=False,
        choices=[("", "Any"), ("true", "Overdue: a promised date has passed"), ("false", "Not overdue")],
    )
    q = forms.CharField(
        label="Search by reference, child's name or family name", required=False, max_length=100, strip=True
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[("due", "Next due first"), ("oldest", "Oldest first"), ("active", "Most recently active first")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in (
            ("status", "Choose a status from the list"),
            ("category", "Choose what the concern is about from the list"),
            ("breached", "Choose whether to show overdue cases from the list"),
            ("sort", "Choose how to sort the queue from the list"),
        ):
            self.fields[name].error_messages["invalid_choice"] = message

    def case_filter_data(self) -> dict:
        """The `CaseFilter` parameters these choices mean. Open cases unless another status is chosen."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        status = data.get("status") or "open"
        params = {}
        if status != "all":
            params["status"] = status
        if data.get("category"):
            params["category"] = data["category"].pk
        if data.get("breached"):
            params["breached"] = data["breached"]
        return params

    def search_text(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_bound and self.is_valid() else ""

    def sort_key(self) -> str:
        return (self.cleaned_data.get("sort") if self.is_bound and self.is_valid() else "") or "due"

    def narrows_cases(self) -> bool:
        """Whether a filter or search picks out some cases: then the queue shows cases only, not legal dates."""
        return bool(self.search_text() or self.case_filter_data() != {"status": "open"})


# --- logging a concern for a family ----------------------------------------------------------


class ChildSearchForm(forms.Form):
    q = forms.CharField(label="Child's name or family name", max_length=100, strip=True,
                        error_messages={"required": "Enter the child's name or the family name"})


class StaffLogForm(forms.Form):
    """A concern a family gave staff by phone, email, letter or in person, logged on their behalf."""

    contact_method = forms.ChoiceField(
        label="How did the family get in touch?",
        widget=forms.RadioSelect,
        choices=[(value, label) for value, label in Case.ContactMethod.choices if value != Case.ContactMethod.ONLINE],
        error_messages={"required": "Choose how the family got in touch"},
    )
    category = forms.ModelChoiceField(
        label="What is the concern about?", queryset=Category.objects.none(), empty_label="Choose a category",
        error_messages={"required": "Choose what the concern is about", "invalid_choice": "Choose a category from the list"},
    )
    summary = Text(label="Summary", help_text="A few words the family will recognise.", max_length=200,
                   widget=forms.TextInput,
                   required_message="Enter a summary of the concern")
    description = Text(label="What the family told you", help_text="The family will see this.", max_length=20_000,
                       required_message="Enter what the family told you")
    safeguarding = forms.BooleanField(label="A child may be at risk (safeguarding)", required=False)

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


# --- the case page ----------------------------------------------------------------------------


class MessageForm(forms.Form):
    text = Text(
        label="Your message",
        help_text="The family will see this and be told about it. It counts as our reply to them.",
        required_message="Enter a message to the family",
        max_length=20_000,
    )


class NoteForm(forms.Form):
    """An internal note: its own form, so nothing meant for staff is ever sent to the family by a missed tick."""

    text = Text(label="Your note", required_message="Enter a note", max_length=20_000)


class AwaitParentForm(forms.Form):
    note = Text(
        label="What do you need from the family?",
        help_text="The family will see this, and the clock stops until they reply.",
        required_message="Say what you need from the family",
    )


class OutcomeForm(forms.Form):
    outcome = Text(label="Outcome", required_message="Enter the outcome")

    def __init__(self, *args, label: str, help_text: str, required_message: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["outcome"]
        field.label, field.help_text = label, help_text
        field.error_messages["required"] = required_message


class ResolveForm(OutcomeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            label="What was done to put things right?",
            help_text="The family will see this. They can reopen the case if the problem is not fixed.",
            required_message="Say what was done to put things right",
            **kwargs,
        )


class CloseForm(OutcomeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(
            *args,
            label="Why are you closing the case?",
            help_text="The family will see this, and it is kept on the record. A closed case cannot be reopened.",
            required_message="Say why the case is being closed",
            **kwargs,
        )


class ExtendForm(forms.Form):
    working_days = forms.IntegerField(
        label="How many more working days?",
        help_text="From 1 to 10. An officer can extend once; a second extension needs a manager.",
        min_value=1,
        max_value=10,
        widget=forms.TextInput,
        error_messages={
            "required": "Enter how many more working days are needed",
            "invalid": "Enter the number of working days as a whole number, like 5",
            "min_value": "Enter a number of working days from 1 to 10",
            "max_value": "Enter a number of working days from 1 to 10",
        },
    )
    reason = Text(
        label="Why is more time needed?",
        help_text="The family will see this.",
        required_message="Say why more time is needed",
    )


class ReassignForm(forms.Form):
    officer = OfficerChoiceField(
        label="New named officer",
        queryset=Officer.objects.none(),
        empty_label="Choose an officer",
        error_messages={
            "required": "Choose the officer who will take the case",
            "invalid_choice": "Choose an active officer from the list",
        },
    )
    note = Text(
        label="Handover note",
        help_text="What the new officer needs to know. Staff only: the family is told the new officer's name.",
        required_message="Write a handover note for the new officer",
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


# --- managing officers ---------------------------------------------------------------------------


class OffboardPreviewForm(forms.Form):
    """Step one, a GET form: who takes the cases. Nobody chosen means each case goes back through routing."""

    successor = OfficerChoiceField(
        label="Who should take the cases?",
        help_text="Leave as 'Send each case back through routing' to give each case to the officer routing would pick.",
        required=False,
        queryset=Officer.objects.none(),
        empty_label="Send each case back through routing",
        error_messages={"invalid_choice": "Choose an active officer from the list"},
    )

    def __init__(self, *args, successors, **kwargs):
        # The same ids as the page's one form, so an error summary's link finds the list.
        kwargs.setdefault("auto_id", "confirm_%s")
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors


class OffboardForm(OffboardPreviewForm):
    """The page's one POST form: who takes the cases (as the list says when it is sent), the successor
    whose preview the page showed (hidden) and the handover note. "Show where the cases would go"
    sends it too, to preview the choice without handing anything over."""

    previewed = forms.ModelChoiceField(
        required=False,
        queryset=Officer.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose an active officer from the list, then preview again"},
    )
    note = Text(
        label="Handover note",
        help_text="It goes with every case, for whoever takes it on. Families are told their new officer's name.",
        required_message="Write a handover note for whoever takes the cases on",
    )

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, successors=successors, **kwargs)
        self.fields["previewed"].queryset = successors

    def changed_since_the_preview(self) -> bool:
        """The list says someone else than the preview the page showed. A form sent without a preview
        (another client) is taken as it says."""
        if "previewed" not in self.data:
            return False
        return self.cleaned_data.get("previewed") != self.cleaned_data.get("successor")


class MoveCasesForm(forms.Form):
    """A manager moves a chosen set of an officer's cases to another officer, from that officer's page."""

    cases = forms.ModelMultipleChoiceField(
        queryset=Case.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one case to move",
                        "invalid_choice": "Choose cases from the list", "invalid_pk_value": "Choose cases from the list"},
    )
    officer = OfficerChoiceField(
        label="Move the chosen cases to",
        queryset=Officer.objects.none(),
        empty_label="Choose an officer",
        error_messages={"required": "Choose the officer who will take the cases",
                        "invalid_choice": "Choose an active officer from the list"},
    )
    note = Text(
        label="Handover note",
        help_text="It goes with every case, for the new officer. Families are told their new officer's name.",
        required_message="Write a handover note for the new officer",
    )

    def __init__(self, *args, cases, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["officer"].queryset = officers


class CoverForm(forms.Form):
    """Who covers, the first day of cover if not today, and the last day (GOV.UK date inputs: day, month and year)."""

    cover_officer = OfficerChoiceField(
        label="Who will cover?",
        queryset=Officer.objects.none(),
        empty_label="Choose an officer",
        error_messages={
            "required": "Choose the officer who will cover",
            "invalid_choice": "Choose an active officer from the list",
        },
    )
    from_day = forms.CharField(label="Day", required=False, max_length=2)
    from_month = forms.CharField(label="Month", required=False, max_length=2)
    from_year = forms.CharField(label="Year", required=False, max_length=4)
    until_day = forms.CharField(label="Day", required=False, max_length=2)
    until_month = forms.CharField(label="Month", required=False, max_length=2)
    until_year = forms.CharField(label="Year", required=False, max_length=4)

    def __init__(self, *args, cover_officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cover_officer"].queryset = cover_officers

    def clean(self):
        data = super().clean()
        data["until"] = self._day(data, "until", "The last day of cover", if_empty="Enter the last day of cover")
        data["from"] = self._day(data, "from", "The first day of cover")
        if data["from"] and data["until"] and data["from"] > data["until"]:
            self.add_error("from_day", "The first day of cover must be the same as or before the last day of cover")
        return data

    def _day(self, data, prefix: str, name: str, *, if_empty: str | None = None) -> date | None:
        """The date typed into one date input, today or later; or None, with any error on its day box.

        Left empty it is None, and an error only if `if_empty` says what to ask for.
        """
        parts = [(data.get(f"{prefix}_{part}") or "").strip() for part in ("day", "month", "year")]
        error_on = f"{prefix}_day"
        if not any(parts):
            if if_empty:
                self.add_error(error_on, if_empty)
            return None
        absent = [label for label, part in zip(("a day", "a month", "a year"), parts, strict=True) if not part]
        if absent:
            self.add_error(error_on, f"{name} must include {' and '.join(absent)}")
            return None
        try:
            day, month, year = (int(part) for part in parts)
            chosen = date(year, month, day)
        except ValueError:
            self.add_error(error_on, f"{name} must be a real date")
            return None
        if year < 1000:
            self.add_error(error_on, "Enter the year as 4 digits, like 2027")
            return None
        if chosen < timezone.localdate(timezone=UK_TIME):
            self.add_error(error_on, f"{name} must be today or in the future")
            return None
        return chosen
