"""Every rule of who may do what: who someone is to the service, which teams they answer for, who may act
on a case or an officer, and who reads reports.

The selectors scope their queries through these rules and the services refuse through them, so the API,
the pages, the admin and the commands all agree. Authority runs down the ladder (DESIGN.md invariant 6).
"""

from collections.abc import Callable
from enum import IntEnum, StrEnum

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from core.exceptions import NotAllowed
from escalations.selectors import clock_extendable

from .models import Case, Child, FamilyMember, Officer, Organisation, Team, case_moves_available


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
# The relations of a user those functions read (`provider_staff`), so a list of people, a timeline's actors
# say, loads them in its own query rather than one query a person.
role_relations: list[str] = []


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


# --- who may act on a case -----------------------------------------------------------------


def may_move(actor, case: Case) -> bool:
    """Only the named officer, or a manager over the case's team, moves a case."""
    if actor.is_superuser:
        return True
    officer = officer_of(actor)
    if officer is None or not officer.active:
        return False
    return officer.pk == case.accountable_officer_id or is_manager_over(actor, case)


def may_extend(actor, case: Case) -> bool:
    """Whether `case_extend` would extend the case's resolve date for `actor` now: pages offer it only then."""
    return (
        may_move(actor, case)
        and case.is_open
        and clock_extendable(case=case, by_manager=is_manager_over(actor, case))
    )


def is_manager_over(actor, case: Case) -> bool:
    """A manager over the case's team (or an administrator)."""
    if actor.is_superuser:
        return True
    officer = officer_of(actor)
    return bool(officer and officer.is_manager and case.team_id in _team_ids_overseen(officer))


def _team_ids_overseen(officer: Officer) -> frozenset[int]:
    # Read once for each officer as loaded: a page of cases asks this of every case, for its actions.
    if not hasattr(officer, "_team_ids_overseen"):
        officer._team_ids_overseen = frozenset(teams_overseen_by(officer).values_list("pk", flat=True))
    return officer._team_ids_overseen


def require_may_move(actor, case: Case) -> None:
    if not may_move(actor, case):
        raise NotAllowed("Only the named officer or a manager can do this.")


# Nobody has answered the family yet in these states: closing one straight away would make a concern
# vanish unanswered, so it takes a manager (or the family withdrawing it themselves).
UNWORKED_STATES = frozenset({Case.Status.NEW, Case.Status.ACKNOWLEDGED})


def may_close(actor, case: Case) -> bool:
    """The named officer or a manager closes a case; one still new or acknowledged only a manager."""
    if case.status in UNWORKED_STATES:
        return is_manager_over(actor, case)
    return may_move(actor, case)


def require_may_close(actor, case: Case) -> None:
    require_may_move(actor, case)
    if not may_close(actor, case):
        raise NotAllowed("Only a manager can close a case that has not been worked on. Resolve it, or ask your manager.")


def _may_reopen(actor, case: Case) -> bool:
    """Whoever may see a case may reopen it (`case_reopen` asks nothing more), and the API and the pages
    offer a case's moves only to those who see it."""
    return True


# The rule each lifecycle move's service enforces; a move not named here needs `may_move`.
_MAY_MAKE = {"close": may_close, "reopen": _may_reopen}


def moves_allowed(actor, case: Case) -> list[str]:
    """The lifecycle moves that fit the case's state now and that the services would let `actor` make: the
    API's `actions` and the case page's buttons both come from here, so neither offers what is refused."""
    return [move for move in case_moves_available(case) if _MAY_MAKE.get(move, may_move)(actor, case)]


def may_withdraw(actor, case: Case) -> bool:
    """A member of the child's family may withdraw their own concern while it is not closed."""
    return case.status != Case.Status.CLOSED and children_of_family_member(actor).filter(pk=case.child_id).exists()


def require_may_withdraw(actor, case: Case) -> None:
    if not children_of_family_member(actor).filter(pk=case.child_id).exists():
        raise NotAllowed("Only the family can withdraw their concern.")


# --- who may act on an officer: authority runs down the ladder --------------------------------


class Rung(IntEnum):
    """A member of staff's place on the escalation ladder, by the posts they hold."""

    OFFICER = 0
    TEAM_MANAGER = 1
    HEAD_OF_SERVICE = 2
    DIRECTOR = 3


def rungs_of(*officers: Officer) -> dict[int, Rung]:
    """The highest post each officer holds (a council's director, a team's head of service, a manager),
    by officer id, in one query."""
    posts = (
        Officer.objects.filter(pk__in=[officer.pk for officer in officers])
        .annotate(
            directs=Exists(Organisation.objects.filter(director=OuterRef("pk"))),
            heads=Exists(Team.objects.filter(head_of_service=OuterRef("pk"))),
        )
        .values_list("pk", "is_manager", "directs", "heads")
    )
    return {
        pk: Rung.DIRECTOR if directs else Rung.HEAD_OF_SERVICE if heads else Rung(int(is_manager))
        for pk, is_manager, directs, heads in posts
    }


def rung_of(officer: Officer) -> Rung:
    return rungs_of(officer)[officer.pk]


def outranks(actor, officer: Officer) -> bool:
    """Whether `actor` stands above `officer` on the ladder (an administrator stands above everyone).

    Where someone's officer record sits in a team says nothing of their rank: the director's record
    has a team so that concerns no rule routes can reach them, and that team's manager is below them.
    """
    if actor.is_superuser:
        return True
    manager = officer_of(actor)
    if manager is None:
        return False
    rungs = rungs_of(manager, officer)
    return rungs[manager.pk] > rungs[officer.pk]


def require_may_offboard(actor, officer: Officer) -> None:
    """Refuse unless `actor` may offboard `officer`: a manager over them and above them, not themselves."""
    if officer.user_id == actor.pk:
        # Whoever leaves is offboarded by someone above them, who hears where the cases went.
        raise NotAllowed("You cannot offboard yourself. Ask your own manager to do it.")
    require_manager_over(actor, officer, to="offboard")


def require_may_arrange_cover(actor, officer: Officer) -> None:
    """Refuse unless `actor` manages `officer`, as arranging or ending their cover needs."""
    require_manager_over(actor, officer, to="arrange cover for")


def require_manager_over(actor, officer: Officer, *, to: str) -> None:
    """Refuse unless `actor` manages `officer`; `to` names what they tried, for the refusal's words."""
    if actor.is_superuser:
        return
    manager = officer_of(actor)
    if manager is None or not manager.is_manager or not manager.active:
        raise NotAllowed(f"Only a manager can {to} an officer.")
    if officer.team_id:
        allowed = teams_overseen_by(manager).filter(pk=officer.team_id).exists()
    else:
        # A senior manager with no team of their own answers to the director of their council.
        allowed = bool(organisations_of(officer)) and organisations_of(officer) <= set(
            manager.organisations_directed.values_list("pk", flat=True)
        )
    if not allowed:
        raise NotAllowed(f"You can only {to} officers in the teams you manage.")
    if not outranks(actor, officer):
        # Authority runs down the ladder only: a team manager never offboards the director in their team.
        raise NotAllowed(f"Only someone more senior than {officer.display_name} can {to} them.")


def may_arrange_cover(actor, officer: Officer) -> bool:
    """Whether `actor` may arrange or end cover for `officer`: a manager over them, as `cover_set` requires."""
    try:
        require_may_arrange_cover(actor, officer)
    except NotAllowed:
        return False
    return True


# --- who reads reports -------------------------------------------------------------------------


def may_read_reports(user) -> bool:
    """Managers and superusers. An officer who has left reads nothing, whatever their role was."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    officer = officer_of(user)
    return officer is not None and officer.active and role_of(user) == Role.MANAGER


def teams_reported_to(user) -> QuerySet[Team]:
    if user.is_superuser:
        return Team.objects.all()
    return teams_overseen_by(officer_of(user))


def may_publish_open_data(user) -> bool:
    """Publishing or withdrawing a council's open data speaks for the whole council: the head of service
    or the director (or an administrator), never a team manager."""
    if not may_read_reports(user):
        return False
    return user.is_superuser or rung_of(officer_of(user)) >= Rung.HEAD_OF_SERVICE


def organisations_publishable_by(user) -> QuerySet[Organisation]:
    """The councils `user` directs, or heads a team of. Check `may_publish_open_data` first."""
    if user.is_superuser:
        return Organisation.objects.all()
    officer = officer_of(user)
    return Organisation.objects.filter(
        Q(director=officer) | Q(pk__in=Team.objects.filter(head_of_service=officer).values("organisation_id"))
    )


def children_of_family_member(user) -> QuerySet[Child]:
    """The children whose records a parent, carer or young person may see: every child of each family they
    belong to, or, where their membership names children (a carer invited to one child), only those."""
    whole_families = FamilyMember.objects.filter(user=user, children__isnull=True).values("family_id")
    named = FamilyMember.children.through.objects.filter(familymember__user=user).values("child_id")
    # A union of two indexed reads: an OR across the join made PostgreSQL read all 600,000 children (590 ms
    # against 1.3 ms, bench/results/provision-*.md).
    whole = Child.objects.filter(family_id__in=whole_families).order_by().values("pk")
    return Child.objects.filter(pk__in=whole.union(named.order_by()))


def child_of_family_member_sql(*, child: str, family: str) -> str:
    """`children_of_family_member` as a condition on one child in hand-written SQL (`selectors.child_loggable_by`).

    `child` and `family` name the row's columns (`c.id`, `c.family_id`); the condition takes the user's id as
    both its parameters. Written beside the queryset so the two change together; tests hold them equal.
    """
    quote = connection.ops.quote_name
    members, named = quote(FamilyMember._meta.db_table), quote(FamilyMember.children.through._meta.db_table)
    return (
        f"(EXISTS (SELECT 1 FROM {members} m WHERE m.user_id = %s AND m.family_id = {family}"
        f" AND NOT EXISTS (SELECT 1 FROM {named} n WHERE n.familymember_id = m.id))"
        f" OR EXISTS (SELECT 1 FROM {named} n JOIN {members} m ON m.id = n.familymember_id"
        f" WHERE m.user_id = %s AND n.child_id = {child}))"
    )


# --- evidence and the case file (casefile) -------------------------------------------------------


def sees_staff_only_files(user) -> bool:
    """Staff see attachments marked staff only; a family never does."""
    return is_staff_member(user)


def may_verify_case_records(user) -> bool:
    """Checking a case's hash chain is for staff: its report names internal records a family may not see."""
    return is_staff_member(user)


def may_take_full_case_file(user) -> bool:
    """The full case file (internal notes, staff-only files) is for staff, for the Tribunal or the Ombudsman."""
    return is_staff_member(user)


def may_answer_subject_access(user) -> bool:
    """A subject access export is taken by a manager or an administrator, who reviews it before disclosure."""
    if user.is_superuser:
        return True
    officer = officer_of(user)
    return officer is not None and officer.active and officer.is_manager
