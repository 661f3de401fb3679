"""The accounts' forms. Error messages follow the GOV.UK Design System: they say what to do."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm

from .passwords import account_password_set

EMAIL_ERRORS = {
    "required": "Enter your email address",
    "invalid": "Enter an email address in the correct format, like name@example.com",
}


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address you gave the council. We will send a link to it.",
        max_length=254,
        error_messages=EMAIL_ERRORS,
    )


class NewPasswordForm(SetPasswordForm):
    """Django's own form for a new password, in GOV.UK words, setting it through the accounts service."""

    error_messages = {"password_mismatch": "The passwords do not match. Type the same password twice."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "New password", "Type your new password again"
        first.help_text = "At least 8 characters. Do not use a common password, or one that is only numbers."
        second.help_text = ""
        first.error_messages["required"] = "Enter a new password"
        second.error_messages["required"] = "Type your new password again"

    def save(self, commit=True):
        account_password_set(user=self.user, password=self.cleaned_data["new_password1"])
        return self.user


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label="Code",
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
        max_length=20,
        error_messages={"required": "Enter the code from your authenticator app, or a backup code"},
    )


class AuthenticatorConfirmForm(forms.Form):
    code = forms.CharField(
        label="Code from your app",
        help_text="Your app shows a new 6-digit code every 30 seconds.",
        max_length=10,
        error_messages={"required": "Enter the 6-digit code your app shows"},
    )
