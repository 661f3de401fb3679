"""Routing: which team a concern belongs to, and which officer in it will own it (DESIGN.md "Routing").

Officers are chosen under row locks, so two concerns logged at the same
moment, or a concern logged while its officer is being offboarded, always end
with an owner who is active when the transaction commits.
"""

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from config.errors import Conflict
from escalations.working_days import UK_TIME

from .models import Case, Category, Child, Officer, RoutingRule, Team


def routing_team_for(*, child: Child, category: Category, safeguarding: bool) -> Team:
    """The team of the first rule, in order, whose every condition fits this concern."""
    family = child.family
    age = child.age_on(timezone.localdate(timezone=UK_TIME))
    rules = RoutingRule.objects.filter(organisation_id=family.organisation_id).select_related("team")
    for rule in rules.order_by("position", "id"):
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
    raise Conflict(
        "No team is set up to take this kind of concern. "
        "An administrator needs to add a routing rule for it."
    )


def officer_choose_in_team(*, team: Team, child: Child, exclude: tuple[int, ...] = ()) -> Officer:
    """The officer who should own a new case for `child` in `team`, locked until commit.

    Continuity first (whoever already holds an open case for the child), then
    the active case officer with the fewest open cases, then the team manager
    (managers are the fallback, not part of the pool).
    Must run inside a transaction.
    """
    candidates = list(
        Officer.objects.select_for_update(of=("self",))
        .filter(team=team, active=True, is_manager=False)
        .exclude(pk__in=exclude)
        .select_related("user", "team")
        .order_by("pk")
    )
    if candidates:
        return _continuing_officer(candidates, child) or _least_loaded(candidates)
    manager = _active_manager(team, exclude)
    if manager is None:
        raise Conflict(
            f"Nobody in {team.name} can take this case: the team has no active officer and no active manager."
        )
    return manager


def _continuing_officer(candidates: list[Officer], child: Child) -> Officer | None:
    holder_id = (
        Case.objects.filter(child=child, status__in=Case.OPEN_STATES, accountable_officer__in=candidates)
        .order_by("created_at")
        .values_list("accountable_officer_id", flat=True)
        .first()
    )
    return next((o for o in candidates if o.pk == holder_id), None)


def _least_loaded(candidates: list[Officer]) -> Officer:
    loads = dict(
        Case.objects.filter(accountable_officer__in=candidates, status__in=Case.OPEN_STATES)
        .values_list("accountable_officer_id")
        .annotate(n=Count("id"))
    )
    return min(candidates, key=lambda officer: (loads.get(officer.pk, 0), officer.pk))


def _active_manager(team: Team, exclude: tuple[int, ...]) -> Officer | None:
    if team.manager_id is None or team.manager_id in exclude:
        return None
    return (
        Officer.objects.select_for_update(of=("self",))
        .filter(pk=team.manager_id, active=True)
        .select_related("user", "team")
        .first()
    )


@dataclass
class Placement:
    """Where a case would go, and why, in words for the manager."""

    case: Case
    officer: Officer | None
    why: str


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
    case officer with the fewest open cases, then the team manager, never the
    leaver) applied in memory. Each case placed changes who holds what for the
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
    managers = _active_managers_of_teams_without_candidates(cases, candidates, leaver, officers)
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
        target, why = _place(case, candidates[case.team_id], managers, loads, holders[case.child_id])
        if target is not None and case.status in Case.OPEN_STATES:
            loads[target.pk] = loads.get(target.pk, 0) + 1
            holders[case.child_id][case.pk] = target.pk
        rows.append(Placement(case, target, why))
    return rows


def _place(case, team_candidates, managers, loads, holders_of_child) -> tuple[Officer | None, str]:
    if team_candidates:
        by_id = {officer.pk: officer for officer in team_candidates}
        continuing = next((holder for holder in holders_of_child.values() if holder in by_id), None)
        if continuing is not None:
            return by_id[continuing], "Already holds an open case for this child"
        least_loaded = min(team_candidates, key=lambda officer: (loads.get(officer.pk, 0), officer.pk))
        return least_loaded, f"Fewest open cases in {case.team.name}"
    manager = managers.get(case.team.manager_id)
    if manager is not None:
        return manager, f"Team manager: nobody else in {case.team.name} can take it"
    return None, f"Nobody in {case.team.name} can take this case: the team has no active officer and no active manager."


def _active_managers_of_teams_without_candidates(cases, candidates, leaver, officers) -> dict[int, Officer]:
    wanted = {
        case.team.manager_id
        for case in cases
        if not candidates[case.team_id] and case.team.manager_id not in (None, leaver.pk)
    }
    if not wanted:
        return {}
    return {
        manager.pk: manager
        for manager in officers.filter(pk__in=wanted, active=True).select_related("user", "team").order_by("pk")
    }


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
