"""What every page's frame needs from the accounts app: the council's details for the footer and the
legal pages, the feedback link, and whether the footer offers the API documentation (staff only)."""

from django.conf import settings

from casework.permissions import is_staff_member

from .sign_on import sign_on_doors


def council_details() -> dict:
    phone = settings.COUNCIL_PHONE
    return {
        "name": settings.COUNCIL_NAME,
        "email": settings.COUNCIL_EMAIL,
        "phone": phone,
        "phone_link": "".join(ch for ch in phone if ch.isdigit() or ch == "+"),
        "address": settings.COUNCIL_ADDRESS,
        "dpo_email": settings.COUNCIL_DPO_EMAIL,
    }


def feedback_link() -> str:
    if settings.FEEDBACK_URL:
        return settings.FEEDBACK_URL
    return f"mailto:{settings.COUNCIL_EMAIL}?subject=Feedback%20on%20SEND%20Casework"


def accounts(request) -> dict:
    """Template context processor."""
    user = getattr(request, "user", None)
    return {
        "council": council_details(),
        "feedback_url": feedback_link(),
        # Families have no use for the API's documentation, and its page has known contrast issues
        # (the accessibility statement says so): only staff are offered it.
        "show_api_docs": bool(user and user.is_authenticated and is_staff_member(user)),
        "reset_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "sign_on_doors": sign_on_doors(),
    }
