"""The notification settings form: how each person wants to hear from us."""

from django import forms

from core.forms import YES_NO, radios


class NotificationSettingsForm(forms.Form):
    """Email for everyone; the daily digest of reminders only for staff, who are the ones reminded."""

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email_enabled"] = radios(
            "Do you want us to email you when something happens?",
            YES_NO,
            "Select yes if you want us to email you",
            help_text="You will always see our messages in 'Messages' when you sign in.",
        )
        if staff:
            self.fields["daily_digest"] = radios(
                "Do you want your reminders in one email each morning?",
                YES_NO,
                "Select yes if you want your reminders in one email each morning",
                help_text=(
                    "We send it at 9:05am on weekdays, with that morning's reminders. "
                    "Reminders later in the day and other emails still come straight away."
                ),
            )
