"""The accounts' forms. Error messages follow the GOV.UK Design System: they say what to do."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm, UserCreationForm

from casework.models import FamilyMember

from ..contact_details import preferred_choices
from ..models import Invitation
from ..passwords import EMAIL_ERRORS, account_password_set


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. They are case-sensitive.",
        "inactive": "This account is no longer active.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


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


class InviteForm(forms.Form):
    kind = forms.ChoiceField(
        label="Who are you inviting?",
        choices=Invitation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are inviting"},
    )
    relationship = forms.ChoiceField(
        label="Who are they to the child?",
        help_text="Only for a parent or carer.",
        choices=[("", "Choose"), *[c for c in FamilyMember.Relationship.choices if c[0] != "young_person"]],
        required=False,
    )
    first_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter their last name"})
    delivery = forms.ChoiceField(
        label="How should we send the invitation?",
        choices=Invitation.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how to send the invitation"},
    )
    email = forms.EmailField(
        label="Their email address",
        help_text="Only for an invitation by email.",
        required=False,
        max_length=254,
        error_messages={"invalid": EMAIL_ERRORS["invalid"]},
    )


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label="Invitation code",
        help_text="12 letters and numbers, for example ABCD-EFGH-JK23. It is on your letter from the council.",
        max_length=20,
        error_messages={"required": "Enter the code from your letter"},
    )


class NewAccountForm(UserCreationForm):
    """Django's own form for a new account (a free username, a password that passes the validators), in GOV.UK
    words, with the person's name and email. The account is made by the invitation service, not by this form."""

    first_name = forms.CharField(label="First name", max_length=150, error_messages={"required": "Enter your first name"})
    last_name = forms.CharField(label="Last name", max_length=150, error_messages={"required": "Enter your last name"})
    email = forms.EmailField(
        label="Email address",
        help_text="We will email you when something happens. We use it if you forget your password.",
        max_length=254,
        error_messages=EMAIL_ERRORS,
    )

    class Meta(UserCreationForm.Meta):
        fields = ("first_name", "last_name", "email", "username")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username, first, second = self.fields["username"], self.fields["password1"], self.fields["password2"]
        username.help_text = "You will use this to sign in. It can be your email address."
        username.error_messages["required"] = "Enter a username"
        first.label, second.label = "Create a password", "Type your password again"
        first.help_text = "At least 8 characters. Do not use a common password, or one that is only numbers."
        second.help_text = ""
        first.error_messages["required"] = "Enter a password"
        second.error_messages["required"] = "Type your password again"
        self.error_messages = {**self.error_messages, "password_mismatch": NewPasswordForm.error_messages["password_mismatch"]}
        self.fields["password1"].widget.attrs.pop("autofocus", None)


class ContactDetailsForm(forms.Form):
    email = forms.EmailField(
        label="Email address", max_length=254, required=False, error_messages={"invalid": EMAIL_ERRORS["invalid"]}
    )
    mobile = forms.CharField(
        label="Mobile number",
        help_text="For example, 07700 900 982.",
        max_length=20,
        required=False,
    )
    phone = forms.CharField(label="Other phone number (optional)", help_text="For example, a landline.", max_length=20, required=False)
    address = forms.CharField(label="Postal address (optional)", widget=forms.Textarea, max_length=500, required=False)
    preferred = forms.ChoiceField(
        label="How would you like us to contact you?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you would like us to contact you"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred"].choices = preferred_choices()
