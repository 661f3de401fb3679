"""Two-factor sign-in for staff (django-otp): an authenticator app (TOTP, RFC 6238) and printed backup codes.

A staff member sets up their app once: the key is shown as a QR code and as text, and the first code from the
app confirms it. Ten backup codes are then shown once; each works once, for a lost or broken phone. A signed-in
member of staff reaches no staff page, admin page or API call until a code is checked in this session.
"""

import re
from base64 import b32encode

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .permissions import needs_second_factor

BACKUP_CODE_COUNT = 10
APP_CODE = re.compile(r"^\d{6}$")
WRONG_CODE = "The code is not right. Enter the 6-digit code your app shows now, or one of your backup codes"


def has_authenticator(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def authenticator_start(*, user) -> TOTPDevice:
    """A new key for the staff member's app, not yet confirmed. The one already started is kept, so reloading
    the page does not change the QR code they may have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def key_as_text(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app by hand."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The app's set-up address as a QR code: SVG, drawn here, so nothing about the key leaves the service."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=4)


@transaction.atomic
def authenticator_confirm(*, user, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with its first code; returns a fresh set of backup codes (shown once).

    Raises ValidationError on `code` if it is not the app's current code. Any other app the staff member had
    is removed: one phone at a time.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    if not APP_CODE.match(code.strip()) or not device.verify_token(code.strip()):
        raise ValidationError({"code": "The code is not right. Enter the 6-digit code your app shows now"})
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return backup_codes_renew(user=user)


@transaction.atomic
def backup_codes_renew(*, user) -> list[str]:
    """Ten new backup codes; any old ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Backup codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_check(*, user, code: str):
    """The device that accepts `code` (the app's 6 digits, or a backup code, which is then used up).

    Raises ValidationError on `code` otherwise. Each device counts wrong codes and makes the staff member wait
    longer after each (django-otp's throttling), so codes cannot be guessed.
    """
    code = "".join(code.split()).lower()
    devices = TOTPDevice if APP_CODE.match(code) else StaticDevice
    with transaction.atomic():
        for device in devices.objects.filter(user=user, confirmed=True).select_for_update():
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                raise ValidationError({"code": "Too many wrong codes. Wait a minute, then try again"})
            if device.verify_token(code):
                return device
    raise ValidationError({"code": WRONG_CODE})


def token_second_factor_errors(user, data: dict) -> dict | None:
    """Asked before an API token is issued: staff who must give a second factor get one only with a code in
    `otp`, so a password alone never opens the API either."""
    if not needs_second_factor(user):
        return None
    if not has_authenticator(user):
        return {"otp": ["Set up your authenticator app first: sign in on the website, which will show you how"]}
    code = (data.get("otp") or "").strip()
    if not code:
        return {"otp": ["Enter the code from your authenticator app, or a backup code"]}
    try:
        second_factor_check(user=user, code=code)
    except ValidationError as refused:
        return {"otp": refused.message_dict["code"]}
    return None
