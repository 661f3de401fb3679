"""Routing: which team a concern belongs to, and who in it will own it (DESIGN.md "Routing").

Officers are chosen under row locks, so two concerns logged at the same
moment, or a concern logged while its officer is being offboarded, always end
with an owner who is active when the transaction commits.

A family is never turned away because of how the council set up its teams.
When nobody in the team the rules chose can take a case, it climbs that
team's escalation ladder; when no rule matches, it goes to the director. Only
when that finds nobody either is the concern refused.
"""

import logging
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Q, QuerySet, Subquery
from django.utils import timezone

from core.exceptions import Conflict
from core.read_mostly import read_mostly
from core.rows import USER_TOLD, Picked, instances
from core.time import UK_TIME

from .models import Case, Category, Child, Cover, Officer, Organisation, RoutingRule, Team

logger = logging.getLogger(__name__)

# The posts above a team's case officers, in the escalation ladder's order (`escalations.selectors.ladder_recipient`).
TEAM_MANAGER, HEAD_OF_SERVICE, DIRECTOR = "team manager", "head of service", "director"

# What a family reads when truly nobody can own their concern: the API's 409 and the family page say the same.
NOBODY_CAN_TAKE_IT = (
    "Your concern has not been sent, and nothing has been saved. This is not your fault: at the moment "
    "nobody at the council is set up to take it. Please try again later. If it cannot wait, phone or email "
    "your council's SEND team and tell them what you wrote."
)
CHILD_IN_DANGER = "If a child is in immediate danger, call 999 now."


@dataclass(frozen=True)
class Fallback:
    """Why a case went to someone above the people who normally take it, for them, the timeline and the log.

    `reason` and `fix` finish the sentences "It came to you because ..." and
    "... ask whoever looks after the council's teams and routing rules to ...".
    """

    role: str
    reason: str
    fix: str


@dataclass(frozen=True)
class Route:
    """The team a case belongs to and the officer who owns it; `fallback` is set when it had to climb."""

    team: Team
    officer: Officer
    fallback: Fallback | None = None


def routing_owner_for(
    *, child: Child, category: Category, safeguarding: bool, organisation_id: int | None = None
) -> Route:
    """Who owns a new concern and in which team, with that officer locked until commit.

    The first matching rule of the owning organisation (`organisation_id`: the
    body answerable for the concern, by default the child's council), its team,
    and within it `officer_choose_in_team`. When no rule matches, that body's
    director, in their own team. Raises Conflict, in words for the family, only
    when that finds nobody. Must run inside a transaction.
    """
    organisation_id = organisation_id or child.family.organisation_id
    team = routing_team_for(child=child, category=category, safeguarding=safeguarding, organisation_id=organisation_id)
    if team is not None:
        route = officer_choose_in_team(team=team, child=child)
    else:
        route = _director_for_a_concern_no_rule_matches(organisation_id)
    if route is None:
        _log_refusal(child, category, team)
        raise Conflict(f"{CHILD_IN_DANGER} {NOBODY_CAN_TAKE_IT}" if safeguarding else NOBODY_CAN_TAKE_IT)
    return route


def routing_team_for(
    *, child: Child, category: Category, safeguarding: bool, organisation_id: int | None = None
) -> Team | None:
    """The team of the first rule, in order, whose every condition fits this concern; None if no rule does.

    The rules are those of `organisation_id`, by default the child's council. Only rules
    whose team is the organisation's own count (`RoutingRule.clean` refuses others).
    """
    family = child.family
    age = child.age_on(timezone.localdate(timezone=UK_TIME))
    organisation_id = organisation_id or family.organisation_id
    for rule in routing_rules_of(organisation_id):
        if rule.team.organisation_id != organisation_id:
            continue
        if rule.category_id not in (None, category.pk):
            continue
        if rule.area_id not in (None, family.area_id):
            continue
        if rule.safeguarding is not None and rule.safeguarding != safeguarding:
            continue
        if rule.min_age is not None and age < rule.min_age:
            continue
        if rule.max_age is not None and age > rule.max_age:
            continue
        return rule.team
    return None


def routing_rules_of(organisation_id: int) -> list[RoutingRule]:
    """The organisation's routing rules in order, with their teams, from the cache (core.read_mostly):
    every concern reads them, an administrator changes them."""
    return read_mostly(
        "routing",
        f"rules:{organisation_id}",
        lambda: list(
            RoutingRule.objects.filter(organisation_id=organisation_id).select_related("team").order_by("position", "id")
        ),
    )


def officer_choose_in_team(*, team: Team, child: Child, exclude: tuple[int, ...] = ()) -> Route | None:
    """Who should own a case for `child` in `team`, locked until commit; None if nobody at all can.

    Continuity first (whoever already holds an open case for the child), then
    the active case officer with the fewest open cases, then up the team's
    escalation ladder: the team manager, its head of service, the council's
    director (those above the case officers are the fallback, not part of the
    pool). The case stays in `team` whoever takes it. Must run inside a
    transaction.
    """
    candidates = _candidates_locked(team, child, exclude)
    if candidates:
        return Route(team, _continuing_officer(candidates) or _least_loaded(candidates))
    return _up_the_ladder(team, exclude)


# What `_candidates_locked` reads of each table; of each user, what telling them needs (`USER_TOLD`).
_OFFICER, _USER = Picked(Officer, "o"), Picked(User, "u", USER_TOLD)
_TEAM, _COUNCIL = Picked(Team, "t"), Picked(Organisation, "g")
_LADDER = tuple((Picked(Officer, alias), Picked(User, f"{alias}u", USER_TOLD)) for alias in ("m", "h", "d"))


def _candidates_locked(team: Team, child: Child, exclude: tuple[int, ...]) -> list[Officer]:
    """The team's active case officers in id order, locked until commit, with their users and the team's ladder.

    Each carries `holds_child_since`: when their oldest open case for `child` was logged, or None. Continuity
    is read with the lock, in the same statement: most concerns go to whoever already holds one. Each also
    carries `may_be_covered`: whether any cover of theirs has yet to end, without which none is in force
    and `selectors.officer_cover_load` need not look (most officers, most days). The team comes with its
    manager, head of service and council director, each with their user: a safeguarding concern climbs
    that ladder at once, and the answer to the family names who is next on it. Hand-written (`core.rows`):
    the one statement every concern waits on, and the ORM's dearest to build.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [child.pk, *Case.OPEN_STATES, now, team.pk, *exclude]
    with connection.cursor() as cursor:
        cursor.execute(_candidates_sql(len(exclude)), params)
        rows = cursor.fetchall()
    if not rows:
        return []
    team_with_ladder = _team_with_ladder(rows[0])
    candidates = []
    for row in rows:
        officer, user = instances(row, _OFFICER, _USER)
        officer.user, officer.team = user, team_with_ladder
        officer.holds_child_since, officer.may_be_covered = row[-2], bool(row[-1])
        candidates.append(officer)
    return candidates


def _team_with_ladder(row) -> Team:
    rung_columns = [columns for rung in _LADDER for columns in rung]
    team, council, *ladder = instances(row, _TEAM, _COUNCIL, *rung_columns, start=_OFFICER.width + _USER.width)
    rungs = []
    for officer, user in zip(ladder[::2], ladder[1::2], strict=True):
        if officer is not None:
            officer.user = user
        rungs.append(officer)
    team.organisation = council
    team.manager, team.head_of_service, council.director = rungs
    return team


@cache
def _candidates_sql(excluded: int) -> str:
    quote = connection.ops.quote_name
    officers, users, cases, covers = (quote(model._meta.db_table) for model in (Officer, User, Case, Cover))
    ladder_columns = ", ".join(f"{officer.columns}, {user.columns}" for officer, user in _LADDER)
    open_states = ", ".join(["%s"] * len(Case.OPEN_STATES))
    not_excluded = f"AND o.id NOT IN ({', '.join(['%s'] * excluded)})" if excluded else ""
    # Locks only the candidates' rows, in id order as every officer lock is taken, so two concerns never
    # deadlock; SQLite, which writes one transaction at a time, has no row locks.
    lock = "FOR UPDATE OF o" if connection.features.has_select_for_update_of else ""
    return f"""
        SELECT {_OFFICER.columns}, {_USER.columns}, {_TEAM.columns}, {_COUNCIL.columns}, {ladder_columns},
               (SELECT c.created_at FROM {cases} c
                WHERE c.accountable_officer_id = o.id AND c.child_id = %s AND c.status IN ({open_states})
                ORDER BY c.created_at LIMIT 1) AS holds_child_since,
               EXISTS (SELECT 1 FROM {covers} cv WHERE cv.officer_id = o.id AND cv.ends_at > %s) AS may_be_covered
        FROM {officers} o
        JOIN {users} u ON u.id = o.user_id
        JOIN {quote(Team._meta.db_table)} t ON t.id = o.team_id
        JOIN {quote(Organisation._meta.db_table)} g ON g.id = t.organisation_id
        LEFT JOIN {officers} m ON m.id = t.manager_id
        LEFT JOIN {users} mu ON mu.id = m.user_id
        LEFT JOIN {officers} h ON h.id = t.head_of_service_id
        LEFT JOIN {users} hu ON hu.id = h.user_id
        LEFT JOIN {officers} d ON d.id = g.director_id
        LEFT JOIN {users} du ON du.id = d.user_id
        WHERE o.team_id = %s AND o.active AND NOT o.is_manager {not_excluded}
        ORDER BY o.id {lock}
    """


def _continuing_officer(candidates: list[Officer]) -> Officer | None:
    """Whoever holds the child's oldest open case among `candidates` (annotated `holds_child_since`)."""
    holders = [officer for officer in candidates if officer.holds_child_since is not None]
    return min(holders, key=lambda officer: (officer.holds_child_since, officer.pk), default=None)


def _least_loaded(candidates: list[Officer]) -> Officer:
    loads = dict(
        Case.objects.filter(accountable_officer__in=candidates, status__in=Case.OPEN_STATES)
        .values_list("accountable_officer_id")
        .annotate(n=Count("id"))
    )
    return min(candidates, key=lambda officer: (loads.get(officer.pk, 0), officer.pk))


def _up_the_ladder(team: Team, exclude: tuple[int, ...]) -> Route | None:
    """The first active person on the team's ladder, locked until commit."""
    # One statement locks them all in id order, as every officer lock is taken, so nobody chosen here can be
    # offboarded before the case commits; the director's id is read in the same statement.
    director = Organisation.objects.filter(pk=team.organisation_id).values("director_id")
    active = {
        officer.pk: officer
        for officer in Officer.objects.select_for_update(of=("self",))
        .filter(Q(pk__in=[team.manager_id, team.head_of_service_id]) | Q(pk=Subquery(director)), active=True)
        .exclude(pk__in=exclude)
        .select_related("user", "team")
        .order_by("pk")
    }
    # Whoever was read and is neither the manager nor the head of service is the director.
    director_id = next((pk for pk in active if pk not in (team.manager_id, team.head_of_service_id)), None)
    chosen = _first_active_on_ladder(team, director_id, active)
    return Route(team, *chosen) if chosen else None


def _first_active_on_ladder(
    team: Team, director_id: int | None, active: dict[int, Officer]
) -> tuple[Officer, Fallback | None] | None:
    """Who takes a case nobody in the team can, from `active` (id: officer), and whether that is a fallback.

    The team manager first, as the team's own; above them the head of service,
    then the director, the escalation ladder's order
    (`escalations.selectors.ladder_recipient`). None if none of them is active.
    """
    for officer_id, role in (
        (team.manager_id, TEAM_MANAGER),
        (team.head_of_service_id, HEAD_OF_SERVICE),
        (director_id, DIRECTOR),
    ):
        if officer_id in active:
            return active[officer_id], None if role == TEAM_MANAGER else _nobody_in_team(team, role)
    return None


def _nobody_in_team(team: Team, role: str) -> Fallback:
    return Fallback(
        role=role,
        reason=f"nobody in {team.name} can take it: the team has no active case officer and no active manager",
        fix=f"add an active officer or manager to {team.name}",
    )


def _director_for_a_concern_no_rule_matches(organisation_id: int) -> Route | None:
    # The director's own team holds the case, so a director with no team cannot take it here.
    director = (
        Officer.objects.select_for_update(of=("self",))
        .filter(
            pk=Subquery(Organisation.objects.filter(pk=organisation_id).values("director_id")),
            active=True,
            team__isnull=False,
        )
        .select_related("user", "team")
        .first()
    )
    if director is None:
        return None
    return Route(
        director.team,
        director,
        Fallback(
            role=DIRECTOR,
            reason="none of the council's routing rules matches it, so no team was chosen for it",
            fix="add a routing rule for concerns like this",
        ),
    )


def _log_refusal(child: Child, category: Category, team: Team | None) -> None:
    council = Organisation.objects.get(pk=child.family.organisation_id)
    where = f"nobody on the escalation ladder of {team.name} is active" if team else "no routing rule matches it"
    logger.error(
        "A concern (%s) from a family of %s was turned away and nothing was saved: %s. "
        "An administrator needs to fix the teams or routing rules.",
        category.pk,
        council.name,
        where,
    )


@dataclass
class Placement:
    """Where a case would go, and why, in words for the manager; `fallback` as in `Route`."""

    case: Case
    officer: Officer | None
    why: str
    fallback: Fallback | None = None


def routing_offboard_preview(*, leaver: Officer, successor: Officer | None = None) -> list[Placement]:
    """Where each case of a leaving officer would go, read-only and without locks.

    The same placement `staffing.officer_offboard` makes (`handover_placements`),
    over a fixed number of queries and taking no row locks, so a preview never
    holds up a concern being logged. The service stays the judge: if anything
    changed in between, its answer (or its Conflict) is what counts.
    """
    cases = list(
        Case.objects.filter(accountable_officer=leaver, status__in=Case.OWNED_STATES)
        .select_related("child", "team", "category")
        .order_by("pk")
    )
    if successor is not None:
        return [Placement(case, successor, "Your choice") for case in cases]
    return handover_placements(cases=cases, leaver=leaver, officers=Officer.objects.all())


def handover_placements(*, cases: list[Case], leaver: Officer, officers: QuerySet[Officer]) -> list[Placement]:
    """Where each of a leaver's cases goes through routing, in id order, in four queries however many cases.

    The rules of `officer_choose_in_team` (continuity for the child, then the
    case officer with the fewest open cases, then up the team's ladder, never
    the leaver) applied in memory. Each case placed changes who holds what for the
    next, as it would one case at a time, so the caller must write these
    placements before placing any later case. `officers` is where officers are
    read from: under row locks when the placements will be written.
    """
    team_ids = {case.team_id for case in cases}
    candidates: dict[int, list[Officer]] = {team_id: [] for team_id in team_ids}
    for officer in (
        officers.filter(team_id__in=team_ids, active=True, is_manager=False)
        .exclude(pk=leaver.pk)
        .select_related("user", "team")
        .order_by("pk")
    ):
        candidates[officer.team_id].append(officer)
    ladders = _ladders_of_teams_without_candidates(cases, candidates, leaver, officers)
    pool = [officer.pk for officers_of_team in candidates.values() for officer in officers_of_team]
    loads = dict(
        Case.objects.filter(accountable_officer__in=pool, status__in=Case.OPEN_STATES)
        .values_list("accountable_officer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    holders = _open_cases_by_child(cases)
    rows = []
    for case in cases:
        placement = _place(case, candidates[case.team_id], ladders.get(case.team_id), loads, holders[case.child_id])
        if placement.officer is not None and case.status in Case.OPEN_STATES:
            loads[placement.officer.pk] = loads.get(placement.officer.pk, 0) + 1
            holders[case.child_id][case.pk] = placement.officer.pk
        rows.append(placement)
    return rows


def _place(case, team_candidates, ladder, loads, holders_of_child) -> Placement:
    if team_candidates:
        by_id = {officer.pk: officer for officer in team_candidates}
        continuing = next((holder for holder in holders_of_child.values() if holder in by_id), None)
        if continuing is not None:
            return Placement(case, by_id[continuing], "Already holds an open case for this child")
        least_loaded = min(team_candidates, key=lambda officer: (loads.get(officer.pk, 0), officer.pk))
        return Placement(case, least_loaded, f"Fewest open cases in {case.team.name}")
    team = case.team
    chosen = _first_active_on_ladder(team, *ladder)
    if chosen is None:
        return Placement(
            case,
            None,
            f"Nobody in {team.name} can take this case: the team has no active officer or manager, "
            "and no active head of service or director above it.",
        )
    officer, fallback = chosen
    if fallback is None:
        return Placement(case, officer, f"Team manager: nobody else in {team.name} can take it")
    return Placement(case, officer, f"{fallback.role.capitalize()}: nobody in {team.name} can take it", fallback)


def _ladders_of_teams_without_candidates(cases, candidates, leaver, officers) -> dict[int, tuple]:
    """For each team with no case officer to take its cases: its director's id and the active people on its ladder.

    Two queries, and none when every team still has case officers. Never the leaver.
    """
    teams = {case.team_id: case.team for case in cases if not candidates[case.team_id]}
    if not teams:
        return {}
    directors = dict(
        Organisation.objects.filter(pk__in={team.organisation_id for team in teams.values()}).values_list(
            "pk", "director_id"
        )
    )
    wanted = {
        officer_id
        for team in teams.values()
        for officer_id in (team.manager_id, team.head_of_service_id, directors[team.organisation_id])
    } - {None, leaver.pk}
    active = {
        officer.pk: officer
        for officer in officers.filter(pk__in=wanted, active=True).select_related("user", "team").order_by("pk")
    }
    return {team_id: (directors[team.organisation_id], active) for team_id, team in teams.items()}


def _open_cases_by_child(cases: list[Case]) -> dict[int, dict[int, int]]:
    """For each child, who holds each of their open cases, oldest case first (continuity's order)."""
    holders: dict[int, dict[int, int]] = {case.child_id: {} for case in cases}
    for _created, pk, child_id, officer_id in sorted(
        Case.objects.filter(child_id__in=holders.keys(), status__in=Case.OPEN_STATES).values_list(
            "created_at", "pk", "child_id", "accountable_officer_id"
        )
    ):
        holders[child_id][pk] = officer_id
    return holders
