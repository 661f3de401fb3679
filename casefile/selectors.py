"""Reads of evidence, built for the person asking: what they may not see is simply not found (404)."""

from django.db.models import QuerySet
from django.http import Http404

from casework.models import Case
from casework.selectors import cases_visible_to

from .models import Attachment
from .permissions import sees_staff_only


def attachments_of_case_for(user, case: Case) -> QuerySet[Attachment]:
    """The case's attachments, oldest first; a family never sees staff-only ones."""
    attachments = Attachment.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at", "id")
    if not sees_staff_only(user):
        attachments = attachments.filter(staff_only=False)
    return attachments


def attachment_get_for_user(user, attachment_id) -> Attachment:
    """The attachment, if `user` may see its case and it is not kept from them. Missing and forbidden: 404."""
    attachments = Attachment.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related("case")
    if not sees_staff_only(user):
        attachments = attachments.filter(staff_only=False)
    try:
        return attachments.get(pk=int(attachment_id))
    except (Attachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No file found.") from None
