"""Who the accounts' rules apply to, and who may invite whom."""

from django.conf import settings

from casework.permissions import is_staff_member, officer_of, organisations_of


def is_staff_account(user) -> bool:
    """An officer, a manager, an administrator, or anyone who may open the admin site."""
    return user.is_authenticated and (user.is_staff or is_staff_member(user))


def may_sign_on_as_staff(user) -> bool:
    """The council's own identity provider signs in staff accounts only."""
    return is_staff_account(user)


def may_sign_on_as_family(user) -> bool:
    """GOV.UK One Login signs in family accounts only: a parent, carer or young person on a child's record, who
    is not also staff (staff sign in through the council, with their second factor)."""
    return not is_staff_account(user) and user.family_memberships.exists()


def needs_second_factor(user) -> bool:
    """Staff hold special category data about children: when STAFF_TWO_FACTOR is on (production), a password
    alone never opens a staff page, the admin or the API. Families are not asked (many share a phone)."""
    return settings.STAFF_TWO_FACTOR and is_staff_account(user)


def councils_invitable_by(user) -> set[int] | None:
    """The councils whose children `user` may invite people to: None means every council (an administrator)."""
    if user.is_superuser:
        return None
    officer = officer_of(user)
    if officer is None or not officer.active:
        return set()
    return organisations_of(officer)
