"""Reads of evidence, built for the person asking: what they may not see is simply not found (404)."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from casework.models import Case, CaseEvent, CaseMessage, Child, Family, Officer
from casework.permissions import officer_of, organisations_of, sees_staff_only_files
from casework.selectors import cases_visible_to, children_visible_to
from statutory.models import Decision, Process
from statutory.selectors import processes_visible_to

from .models import Attachment, ProcessAttachment


def attachments_of_case_for(user, case: Case) -> QuerySet[Attachment]:
    """The case's attachments, oldest first; a family never sees staff-only ones."""
    attachments = Attachment.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at", "id")
    if not sees_staff_only_files(user):
        attachments = attachments.filter(staff_only=False)
    return attachments


def attachment_get_for_user(user, attachment_id) -> Attachment:
    """The attachment, if `user` may see its case and it is not kept from them. Missing and forbidden: 404."""
    attachments = Attachment.objects.filter(case__in=cases_visible_to(user).values("pk")).select_related("case")
    if not sees_staff_only_files(user):
        attachments = attachments.filter(staff_only=False)
    try:
        return attachments.get(pk=int(attachment_id))
    except (Attachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No file found.") from None


def attachments_of_process_for(user, process: Process) -> QuerySet[ProcessAttachment]:
    """The files on a statutory process the user may already see, oldest first; a family never sees staff-only ones."""
    attachments = ProcessAttachment.objects.filter(process=process).select_related("uploaded_by", "step", "decision")
    if not sees_staff_only_files(user):
        attachments = attachments.filter(staff_only=False)
    return attachments.order_by("uploaded_at", "id")


def process_attachment_get_for_user(user, attachment_id) -> ProcessAttachment:
    """The file, if `user` may see its process and it is not kept from them. Missing and forbidden: 404."""
    attachments = ProcessAttachment.objects.filter(process__in=processes_visible_to(user).values("pk"))
    if not sees_staff_only_files(user):
        attachments = attachments.filter(staff_only=False)
    try:
        return attachments.get(pk=int(attachment_id))
    except (ProcessAttachment.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No file found.") from None


# --- what a case file holds --------------------------------------------------------------

# Rows read from the database at a time while a case file is written: memory follows this, not the case.
EXPORT_CHUNK = 500


def case_file_events(case: Case, *, with_internal: bool):
    """The case's timeline for its case file, oldest first, a chunk at a time."""
    events = CaseEvent.objects.filter(case=case).select_related("actor__officer").order_by("at", "id")
    if not with_internal:
        events = events.filter(internal=False)
    return events.iterator(chunk_size=EXPORT_CHUNK)


def case_file_messages(case: Case, *, with_internal: bool):
    messages = CaseMessage.objects.filter(case=case).select_related("author__officer").order_by("created_at", "id")
    if not with_internal:
        messages = messages.filter(internal=False)
    return messages.iterator(chunk_size=EXPORT_CHUNK)


def case_file_attachments(case: Case, *, with_staff_only: bool) -> list[Attachment]:
    attachments = Attachment.objects.filter(case=case).select_related("uploaded_by").order_by("uploaded_at", "id")
    if not with_staff_only:
        attachments = attachments.filter(staff_only=False)
    return list(attachments)


def process_file_attachments(process: Process, *, with_staff_only: bool) -> list[ProcessAttachment]:
    attachments = ProcessAttachment.objects.filter(process=process).select_related("uploaded_by", "step", "decision")
    if not with_staff_only:
        attachments = attachments.filter(staff_only=False)
    return list(attachments.order_by("uploaded_at", "id"))


def process_file_decisions(process: Process) -> list[Decision]:
    """Every decision of the process, superseded ones too: the family sees each, with its reasons."""
    officers = Officer.objects.select_related("user")
    return list(
        Decision.objects.filter(process=process)
        .select_related("approved_by__user", "recorded_by")
        .prefetch_related(Prefetch("panel", queryset=officers))
        .order_by("decided_on", "id")
    )


def child_for_file(user, child_id) -> Child:
    """A child whose file `user` may take: one whose cases they may see, or whose statutory process. Else 404."""
    children = Child.objects.filter(
        Q(pk__in=children_visible_to(user).values("pk")) | Q(pk__in=processes_visible_to(user).values("child_id"))
    )
    try:
        return children.select_related("family").get(pk=int(child_id))
    except (Child.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No child found.") from None


def processes_of_child_for(user, child) -> list[Process]:
    """The child's statutory processes `user` may see, for the child's file."""
    return list(_processes_for_file(processes_visible_to(user).filter(child=child)))


def processes_of_family(family) -> QuerySet[Process]:
    """Every statutory process of every child of the family, for a subject access request."""
    return _processes_for_file(Process.objects.filter(child__family=family))


def _processes_for_file(processes: QuerySet[Process]) -> QuerySet[Process]:
    return (
        Process.objects.filter(pk__in=processes.values("pk"))
        .select_related("child", "coordinator__user")
        .order_by("received_on", "id")
    )


def cases_of_family(family) -> QuerySet[Case]:
    """Every case of every child of the family, for a subject access request."""
    return Case.objects.filter(child__family=family).select_related("child", "category").order_by("created_at", "id")


def family_for_subject_access(user, family_id) -> Family:
    """A family of one of the councils `user` manages (any, for an administrator). Others: 404."""
    families = Family.objects.all()
    if not user.is_superuser:
        officer = officer_of(user)
        councils = organisations_of(officer) if officer is not None else set()
        families = families.filter(organisation_id__in=councils)
    try:
        return families.get(pk=int(family_id))
    except (Family.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No family found.") from None


def family_record(family: Family) -> dict:
    """What is held about the family itself: its members and its children, with their plans."""
    members = family.memberships.select_related("user").order_by("pk")
    children = family.children.select_related("ehcp").prefetch_related("ehcp__provision_items").order_by("pk")
    return {
        "family": family.name,
        "members": [
            {
                "name": member.user.get_full_name(),
                "email": member.user.email,
                "relationship": member.get_relationship_display(),
            }
            for member in members
        ],
        "children": [_child_record(child) for child in children],
    }


def _child_record(child) -> dict:
    ehcp = getattr(child, "ehcp", None)
    return {
        "name": child.display_name,
        "date_of_birth": child.date_of_birth.isoformat(),
        "ehcp": ehcp and {
            "reference": ehcp.reference,
            "issued_on": ehcp.issued_on and ehcp.issued_on.isoformat(),
            "provision": [
                {"section": item.section, "description": item.description, "amount": item.amount,
                 "frequency": item.frequency, "provider": item.provider}
                for item in ehcp.provision_items.all()
            ],
        },
    }
