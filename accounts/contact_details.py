"""Families keep their own contact details up to date; staff read them on the case page and handover summary."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from casework.models import Child, FamilyMember
from notifications.services import notification_preferences_update

from .models import ContactDetails


def preferred_choices() -> list[tuple[str, str]]:
    """Text messages are offered only when the council sends them (GOV.UK Notify on)."""
    choices = ContactDetails.Preferred.choices
    if settings.NOTIFY_ENABLED:
        return choices
    return [choice for choice in choices if choice[0] != ContactDetails.Preferred.TEXT]


@transaction.atomic
def contact_details_update(*, user, email: str, mobile: str, phone: str, address: str, preferred: str) -> ContactDetails:
    """Save a family member's contact details, with a history row naming them. Atomic.

    Raises ValidationError with field errors: a mobile number that is not a UK mobile; a preference the details
    given cannot meet (texts without a mobile or with texts off, a phone call without a number, a letter without
    an address, email without an address).
    """
    mobile = "".join(mobile.split())
    _check_preference(email=email, mobile=mobile, phone=phone, address=address, preferred=preferred)
    try:
        notification_preferences_update(user=user, mobile_number=mobile)
    except ValidationError as refused:
        raise ValidationError({"mobile": refused.message_dict.get("mobile_number", refused.messages)}) from refused
    user.email = email
    user.save(update_fields=["email"])
    # Made and filled in one save, so the history's first row is what the person gave, not an empty one.
    details = ContactDetails.objects.select_for_update().filter(user=user).first() or ContactDetails(user=user)
    details.email, details.mobile, details.phone, details.address = email, mobile, phone.strip(), address.strip()
    details.preferred = preferred
    details._history_user = user
    details.save()
    return details


def _check_preference(*, email, mobile, phone, address, preferred) -> None:
    needs = {
        ContactDetails.Preferred.EMAIL: (email, "Enter your email address, or choose another way to contact you"),
        ContactDetails.Preferred.TEXT: (mobile, "Enter your mobile number, or choose another way to contact you"),
        ContactDetails.Preferred.PHONE: (mobile or phone.strip(), "Enter a phone number, or choose another way"),
        ContactDetails.Preferred.LETTER: (address.strip(), "Enter your address, or choose another way to contact you"),
    }
    if preferred not in dict(preferred_choices()):
        raise ValidationError({"preferred": "Choose how you would like us to contact you"})
    given, missing = needs[preferred]
    if not given:
        raise ValidationError({"preferred": missing})


def family_contacts_of(child: Child) -> list[dict]:
    """Each family member of the child with how to reach them: for staff pages only."""
    members = (
        FamilyMember.objects.filter(Q(children__isnull=True) | Q(children=child), family_id=child.family_id)
        .distinct()
        .select_related("user__contact_details", "user__notification_preference")
        .order_by("pk")
    )
    return [_contact_row(member) for member in members]


def _contact_row(member: FamilyMember) -> dict:
    user = member.user
    details = getattr(user, "contact_details", None)
    preference = getattr(user, "notification_preference", None)
    return {
        "name": user.get_full_name() or user.username,
        "relationship": member.get_relationship_display(),
        "email": user.email,
        "mobile": preference.mobile_number if preference else "",
        "phone": details.phone if details else "",
        "address": details.address if details else "",
        "preferred": details.get_preferred_display() if details else "Not said",
        "active": user.is_active,
    }
