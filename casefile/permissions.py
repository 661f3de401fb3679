"""Who may do what with evidence and case files. Reads of what exists go through `selectors`."""

from casework.permissions import Role, is_staff_member, name_shown_to_family, role_of


def sees_staff_only(user) -> bool:
    """Staff see attachments marked staff only; a family never does."""
    return is_staff_member(user)


def may_verify(user) -> bool:
    """Checking a case's chain is for staff: it names internal records a family may not see."""
    return is_staff_member(user)


def may_export_subject_access(user) -> bool:
    """A subject access request is answered by a manager or an administrator, who reviews it before disclosure."""
    return user.is_superuser or role_of(user) == Role.MANAGER


def may_export_full(user) -> bool:
    """The full case file (internal notes, staff-only files) is for staff, for the Tribunal or the Ombudsman."""
    return is_staff_member(user)


def name_shown_to(viewer, user) -> str:
    """Who added something, as `viewer` is told it: staff see the name (or sign-in name); a family never
    sees a sign-in name (`name_shown_to_family`)."""
    if is_staff_member(viewer):
        return user.get_full_name() or user.username
    return name_shown_to_family(user)
