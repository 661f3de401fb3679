"""Reads for the accounts pages, built for the person asking: a child outside a member of staff's council is
simply not found (404), as a case is."""

from django.db.models import Q
from django.http import Http404

from casework.models import Child, FamilyMember

from .models import Invitation
from .permissions import councils_invitable_by


def children_invitable_by(user):
    councils = councils_invitable_by(user)
    children = Child.objects.select_related("family__organisation")
    return children if councils is None else children.filter(family__organisation_id__in=councils)


def child_get_for_inviter(user, pk: int) -> Child:
    child = children_invitable_by(user).filter(pk=pk).first()
    if child is None:
        raise Http404("No such child.")
    return child


def invitation_get_for_inviter(user, pk: int) -> Invitation:
    invitation = Invitation.objects.filter(pk=pk, child__in=children_invitable_by(user)).select_related("child").first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def people_of_child(child: Child) -> list[FamilyMember]:
    """Everyone who can see the child's record, with their contact details: for staff only. Carers of one
    child never see one another's details (a parent may live apart from the other for good reason)."""
    members = FamilyMember.objects.filter(Q(children__isnull=True) | Q(children=child), family_id=child.family_id)
    return list(members.distinct().select_related("user").order_by("pk"))


def invitations_of_child(child: Child) -> list[Invitation]:
    return list(Invitation.objects.filter(child=child).select_related("created_by", "accepted_by", "withdrawn_by"))
