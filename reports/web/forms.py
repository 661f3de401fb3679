"""What a manager may ask of the report pages: a period, and which figure's cases to list."""

from datetime import date, timedelta

from django import forms

from escalations.models import ClockKind
from provision.models import Delivery

from ..caseload import AGE_BANDS
from ..sla import FIGURES

DEFAULT_MONTHS = 12
COMPLIANCE_CLOCKS = {
    ClockKind.ACKNOWLEDGE: "acknowledged on time",
    ClockKind.RESPOND: "given a first response on time",
    ClockKind.RESOLVE: "resolved on time",
}


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months: from the first day of the month 11 months ago to today."""
    year, month = divmod(today.year * 12 + today.month - 1 - (DEFAULT_MONTHS - 1), 12)
    return date(year, month + 1, 1), today


def months_of(first_day: date, last_day: date) -> list[date]:
    """The first day of each month the period touches, in order."""
    months, month = [], first_day.replace(day=1)
    while month <= last_day:
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months


class PeriodForm(forms.Form):
    """Cases logged from one date to another; either left empty takes the default's."""

    logged_from = forms.DateField(
        label="From", required=False, error_messages={"invalid": "Enter the first date as a real date"}
    )
    logged_to = forms.DateField(
        label="To", required=False, error_messages={"invalid": "Enter the last date as a real date"}
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        first, last = default_period(self.today)
        cleaned["logged_from"] = cleaned.get("logged_from") or first
        cleaned["logged_to"] = cleaned.get("logged_to") or last
        if cleaned["logged_to"] < cleaned["logged_from"]:
            self.add_error("logged_to", "The last date must be the same as or after the first date")
        return cleaned

    def period(self) -> tuple[date, date]:
        """The period asked for, or the default one when what was asked is not a period."""
        if self.is_valid():
            return self.cleaned_data["logged_from"], self.cleaned_data["logged_to"]
        return default_period(self.today)


class ClockForm(forms.Form):
    clock = forms.ChoiceField(choices=[(kind, ClockKind(kind).label) for kind in COMPLIANCE_CLOCKS], required=False)

    def chosen(self) -> str:
        return self.cleaned_data["clock"] if self.is_valid() and self.cleaned_data["clock"] else ClockKind.RESOLVE


class FigureForm(forms.Form):
    """Which figure of a report page to list the cases of: one of four kinds, by which fields are given.

    Open or overdue cases now: of an officer, of a team's officers, or (neither) of every team overseen.
    The open cases of a category and age band.
    A row of undelivered provision: a period, the keyword asked for, the row's section, provider and word,
    and its concerns or only those resolved.
    A compliance figure: a period, a clock, a figure of the row, and the row's month or team (neither: every case).
    """

    logged_from = forms.DateField(required=False)
    logged_to = forms.DateField(required=False)
    clock = forms.ChoiceField(choices=[(kind, kind) for kind in COMPLIANCE_CLOCKS], required=False)
    figure = forms.ChoiceField(choices=[(figure, figure) for figure in FIGURES], required=False)
    transition = forms.BooleanField(required=False)
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
    team = forms.IntegerField(min_value=1, required=False)
    officer = forms.IntegerField(min_value=1, required=False)
    held = forms.ChoiceField(choices=[("open", "open"), ("overdue", "overdue")], required=False)
    category = forms.SlugField(required=False)
    age = forms.ChoiceField(choices=[(band, band) for band in (*(b[0] for b in AGE_BANDS), "total")], required=False)
    concerns = forms.ChoiceField(choices=[("all", "all"), ("resolved", "resolved")], required=False)
    keyword = forms.CharField(max_length=100, required=False, strip=False)
    section = forms.CharField(max_length=2, required=False, strip=False)
    provider = forms.CharField(max_length=200, required=False, strip=False)
    word = forms.CharField(max_length=500, required=False, strip=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("held"):
            cleaned["kind"] = "held"
        elif cleaned.get("category") and cleaned.get("age"):
            cleaned["kind"] = "age"
        elif cleaned.get("concerns") and cleaned.get("logged_from") and cleaned.get("logged_to"):
            cleaned["kind"] = "provision"
        elif all(cleaned.get(name) for name in ("logged_from", "logged_to", "clock", "figure")):
            cleaned["kind"] = "compliance"
        else:
            raise forms.ValidationError("Choose a figure on a report to see the cases behind it.")
        return cleaned


class OfficersFigureForm(forms.Form):
    """An accountability figure's officers: one officer's row, or a team's total."""

    officer = forms.IntegerField(min_value=1, required=False)
    team = forms.IntegerField(min_value=1, required=False)

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("officer")) == bool(cleaned.get("team")):
            raise forms.ValidationError("Choose one officer or one team.")
        return cleaned


class EscalationsFigureForm(OfficersFigureForm):
    level = forms.TypedChoiceField(
        choices=[(level, level) for level in ("1", "2", "3")], coerce=int, required=False, empty_value=None
    )


class HandoversFigureForm(OfficersFigureForm):
    side = forms.ChoiceField(choices=[("in", "handed to them"), ("out", "handed on")])


class DeliveryFigureForm(forms.Form):
    """A row of the provision delivery figures by provider: the period, and the provider ("none": not recorded)."""

    first_day = forms.DateField()
    last_day = forms.DateField()
    provider = forms.RegexField(regex=r"^([1-9]\d{0,17}|none)$")

    def clean(self):
        cleaned = super().clean()
        if "provider" in cleaned:
            cleaned["provider"] = None if cleaned["provider"] == "none" else int(cleaned["provider"])
        if cleaned.get("first_day") and cleaned.get("last_day") and cleaned["last_day"] < cleaned["first_day"]:
            self.add_error("last_day", "The last date must be the same as or after the first date")
        return cleaned


class SessionsFigureForm(DeliveryFigureForm):
    status = forms.ChoiceField(choices=Delivery.Status.choices)
