"""Routing: which team a concern belongs to, and which officer in it will own it (DESIGN.md "Routing").

Officers are chosen under row locks, so two concerns logged at the same
moment, or a concern logged while its officer is being offboarded, always end
with an owner who is active when the transaction commits.
"""

from dataclasses import dataclass

from django.db.models import Count
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

    `staffing.officer_offboard` hands the cases over in id order, each through
    `officer_choose_in_team` above (continuity for the child, then the case
    officer with the fewest open cases, then the team manager), and each case
    moved changes who holds what for the next. This mirrors those rules in
    memory over a fixed number of queries, taking no row locks, so a preview
    never holds up a concern being logged. The service stays the judge: if
    anything changed in between, its answer (or its Conflict) is what counts.
    """
    cases = list(
        Case.objects.filter(accountable_officer=leaver, status__in=Case.OWNED_STATES)
        .select_related("child", "team__manager__user", "category")
        .order_by("pk")
    )
    if successor is not None:
        return [Placement(case, successor, "Your choice") for case in cases]
    team_ids = {case.team_id for case in cases}
    candidates: dict[int, list[Officer]] = {team_id: [] for team_id in team_ids}
    for officer in (
        Officer.objects.filter(team_id__in=team_ids, active=True, is_manager=False)
        .exclude(pk=leaver.pk)
        .select_related("user", "team")
        .order_by("pk")
    ):
        candidates[officer.team_id].append(officer)
    pool = [officer.pk for officers in candidates.values() for officer in officers]
    loads = dict(
        Case.objects.filter(accountable_officer__in=pool, status__in=Case.OPEN_STATES)
        .values_list("accountable_officer_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    # Every open case of these children, and who holds it: continuity follows the cases as they move.
    held = sorted(
        Case.objects.filter(child_id__in={case.child_id for case in cases}, status__in=Case.OPEN_STATES)
        .values_list("created_at", "pk", "child_id", "accountable_officer_id")
    )
    holder = {pk: officer_id for _created, pk, _child, officer_id in held}
    rows = []
    for case in cases:
        team_candidates = candidates[case.team_id]
        target, why = None, ""
        if team_candidates:
            by_id = {officer.pk: officer for officer in team_candidates}
            continuing = next(
                (holder[pk] for _created, pk, child_id, _o in held if child_id == case.child_id and holder[pk] in by_id),
                None,
            )
            if continuing is not None:
                target, why = by_id[continuing], "Already holds an open case for this child"
            else:
                target = min(team_candidates, key=lambda officer: (loads.get(officer.pk, 0), officer.pk))
                why = f"Fewest open cases in {case.team.name}"
        else:
            manager = case.team.manager
            if manager is not None and manager.pk != leaver.pk and manager.active:
                target, why = manager, f"Team manager: nobody else in {case.team.name} can take it"
            else:
                why = f"Nobody in {case.team.name} can take this case: the team has no active officer and no active manager."
        if target is not None and case.status in Case.OPEN_STATES:
            loads[target.pk] = loads.get(target.pk, 0) + 1
            holder[case.pk] = target.pk
        rows.append(Placement(case, target, why))
    return rows
