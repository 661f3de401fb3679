"""Who may see and record the delivery of a provision item (DESIGN.md invariant 6).

- Provider staff: the items their organisation delivers, with the child's name; nothing else.
- Officers: the items of their organisations' children, and those their organisation answers for
  (an ICB's officers see the health provision it must arrange).
- Families: their own children's items. They may dispute a record, never write one.
"""

from django.db.models import Q

from casework.models import ProvisionItem
from casework.permissions import Role, children_of_family_member, officer_of, organisations_of

from .models import ProviderStaff


def provider_staff_of(user) -> ProviderStaff | None:
    """The user's provider staff record, if they are active provider staff."""
    if not user.is_authenticated:
        return None
    try:
        staff = user.provider_staff
    except ProviderStaff.DoesNotExist:
        return None
    return staff if staff.active else None


def provider_role(user) -> Role | None:
    """Registered with `casework.permissions.role_finders`: provider staff have a role of their own."""
    return Role.PROVIDER if provider_staff_of(user) is not None else None


def items_scope(user) -> Q:
    """The provision items `user` may see, as a filter."""
    if user.is_superuser:
        return Q()
    officer = officer_of(user)
    if officer is not None and officer.active:
        organisations = organisations_of(officer)
        return Q(ehcp__child__family__organisation_id__in=organisations) | Q(responsible_body_id__in=organisations)
    provider = provider_staff_of(user)
    if provider is not None:
        return Q(provider_organisation_id=provider.organisation_id)
    if officer is not None:
        return Q(pk__in=[])
    # A carer invited to one child sees that child's support only, as with their concerns.
    return Q(ehcp__child__in=children_of_family_member(user).values("pk"))


def may_record_delivery(user, item: ProvisionItem) -> bool:
    """Provider staff of the item's provider, or staff of the body answerable for it (the child's council
    while no responsible body is recorded)."""
    if user.is_superuser:
        return True
    provider = provider_staff_of(user)
    if provider is not None:
        return provider.organisation_id == item.provider_organisation_id
    officer = officer_of(user)
    if officer is None or not officer.active:
        return False
    answerable = item.responsible_body_id or item.ehcp.child.family.organisation_id
    return answerable in organisations_of(officer)


def may_set_obligation(user, item: ProvisionItem) -> bool:
    """Staff of the body answerable for the item (not its provider) record the plan's amount and dates."""
    return provider_staff_of(user) is None and may_record_delivery(user, item)


def is_family_of(user, item: ProvisionItem) -> bool:
    """A parent, carer or young person who may see the item's child."""
    return children_of_family_member(user).filter(pk=item.ehcp.child_id).exists()
