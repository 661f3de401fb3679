"""Who someone is to the service, and which teams they answer for.

Queries here are the only place that decides what staff may see, so the
selectors, the API and the pages all agree.
"""

from collections.abc import Callable
from enum import StrEnum

from django.db.models import Q, QuerySet

from .models import Officer, Team


class Role(StrEnum):
    PARENT = "parent"
    OFFICER = "officer"
    MANAGER = "manager"
    # Staff of an organisation that delivers provision: they see only the provision items it delivers.
    PROVIDER = "provider"


# Apps with accounts of their own that are neither officers nor families register here, from their
# AppConfig.ready(), a function giving a user's role or None: the `provision` app's provider staff.
# casework cannot import those apps (the import contract runs the other way).
role_finders: list[Callable[[object], "Role | None"]] = []


def officer_of(user) -> Officer | None:
    if not user.is_authenticated:
        return None
    try:
        return user.officer
    except Officer.DoesNotExist:
        return None


def role_of(user) -> Role:
    officer = officer_of(user)
    if officer is not None:
        return Role.MANAGER if officer.is_manager else Role.OFFICER
    if user.is_superuser:
        return Role.MANAGER
    for find_role in role_finders:
        role = find_role(user)
        if role is not None:
            return role
    return Role.PARENT


def is_staff_member(user) -> bool:
    return officer_of(user) is not None or user.is_superuser


# What a family is shown for a member of staff with no name on record (an administrator working in
# the admin site, say), in the words the family pages use for the council's team.
UNNAMED_STAFF = "Your council's SEND team"
# The same for a parent or carer with no name on record: their sign-in name may be their email address,
# which another carer of the child (a parent living apart, say) must not learn from the timeline.
UNNAMED_FAMILY_MEMBER = "A parent or carer"


def name_shown_to_family(user) -> str:
    """Who did something on a case, as a family is told it: a name, never a sign-in name."""
    name = user.get_full_name()
    if name:
        return name
    return UNNAMED_STAFF if is_staff_member(user) else UNNAMED_FAMILY_MEMBER


def teams_overseen_by(officer: Officer) -> QuerySet[Team]:
    """The teams a manager answers for: those they manage, head, or direct."""
    return Team.objects.filter(
        Q(manager=officer) | Q(head_of_service=officer) | Q(organisation__director=officer)
    )


def senior_managers_answering_to(user) -> QuerySet[Officer]:
    """Staff with no team whom `user` manages: for a director, the heads of their council's teams; for a
    superuser, every head of service and director. The rule `staffing` applies before cover or offboarding."""
    if user.is_superuser:
        return Officer.objects.filter(team__isnull=True)
    officer = officer_of(user)
    if officer is None or not officer.is_manager:
        return Officer.objects.none()
    heads = Team.objects.filter(organisation__director=officer).values("head_of_service_id")
    return Officer.objects.filter(team__isnull=True, pk__in=heads).exclude(pk=officer.pk)


def teams_of(officer: Officer) -> QuerySet[Team]:
    """Every team whose cases this member of staff may see."""
    own = Q(pk=officer.team_id) if officer.team_id else Q(pk__in=[])
    if officer.is_manager:
        return Team.objects.filter(own | Q(pk__in=teams_overseen_by(officer).values("pk")))
    return Team.objects.filter(own)


def team_ids_of(officer: Officer) -> list[int]:
    """The ids of `teams_of(officer)`; an officer who manages nothing needs no query for them."""
    if not officer.is_manager:
        return [officer.team_id] if officer.team_id else []
    return list(teams_of(officer).values_list("pk", flat=True))


def organisations_of(officer: Officer) -> set[int]:
    """The councils an officer works for: their team's, and those whose teams they head or direct."""
    ids = set(teams_overseen_by(officer).values_list("organisation_id", flat=True))
    if officer.team_id:
        ids.add(officer.team.organisation_id)
    return ids
