"""Start-up checks: GOV.UK Notify switched on without what it needs fails `manage.py check`."""

from django.conf import settings
from django.core import checks

from .message_templates import DIGEST_TEMPLATE, TEMPLATES


@checks.register()
def notify_settings_check(app_configs, **kwargs):
    if not settings.NOTIFY_ENABLED:
        return []
    problems = []
    if not settings.NOTIFY_API_KEY:
        problems.append(checks.Error("NOTIFY_ENABLED is on but NOTIFY_API_KEY is empty.", id="notifications.E001"))
    email_keys = set(TEMPLATES) | {DIGEST_TEMPLATE}
    missing = sorted(email_keys - settings.NOTIFY_TEMPLATE_IDS.keys())
    if missing:
        problems.append(
            checks.Error(
                f"NOTIFY_TEMPLATE_IDS has no GOV.UK Notify template for: {', '.join(missing)}.",
                hint="Every email goes through Notify when it is on, so each template needs an id.",
                id="notifications.E002",
            )
        )
    unknown = sorted((settings.NOTIFY_TEMPLATE_IDS.keys() | settings.NOTIFY_SMS_TEMPLATE_IDS.keys()) - email_keys)
    if unknown:
        problems.append(
            checks.Warning(f"Notify template ids for unknown keys: {', '.join(unknown)}.", id="notifications.W001")
        )
    return problems
