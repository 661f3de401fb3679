"""Signing in: the form every user signs in with, and the username django-axes counts each failed attempt against."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

# The width of django-axes' username columns.
THROTTLE_USERNAME_LENGTH = 255


def username_to_throttle(request, credentials: dict | None) -> str | None:
    """The username axes counts an attempt against: the one tried, cut to what axes can store.

    django-axes stores the username as typed, so a failed sign-in with a longer one (a scanner's,
    say: no real username is over 150) was a 500 on every sign-in door (jazzband/django-axes#1381).
    Otherwise axes' own reading: from the credentials, else the posted form.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        username = getattr(request, "data", request.POST).get(field)
    if isinstance(username, str):
        return username[:THROTTLE_USERNAME_LENGTH]
    return username


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. They are case-sensitive.",
        "inactive": "This account is no longer active.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
