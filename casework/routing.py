"""Routing: which team a concern belongs to, and which officer in it will own it (DESIGN.md "Routing").

Officers are chosen under row locks, so two concerns logged at the same
moment, or a concern logged while its officer is being offboarded, always end
with an owner who is active when the transaction commits.
"""

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
