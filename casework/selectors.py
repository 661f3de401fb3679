"""Reads, built for the person asking (DESIGN.md invariant 6).

A case someone may not see is never fetched, so it answers 404 exactly as a
case that does not exist.
"""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from .models import Case, CaseEvent, Category, Child, FamilyMember, Officer, ProvisionItem
from .permissions import officer_of, teams_of


def _case_scope(user) -> Q:
    if user.is_superuser:
        return Q()
    officer = officer_of(user)
    if officer is not None:
        return Q(team__in=teams_of(officer)) | Q(accountable_officer=officer)
    return Q(child__family__memberships__user=user)


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case `user` may see, with what a case page or list needs in one query."""
    if not user.is_authenticated:
        return Case.objects.none()
    return (
        Case.objects.filter(pk__in=Case.objects.filter(_case_scope(user)).values("pk"))
        .select_related(
            "child",
            "category",
            "organisation__director__user",
            "team__manager__user",
            "team__head_of_service__user",
            "accountable_officer__user",
            "accountable_officer__team",
        )
        .prefetch_related("clocks")
    )


def case_get_for_user(user, case_id) -> Case:
    """The case, if `user` may see it. Missing and forbidden look the same: 404."""
    try:
        return cases_visible_to(user).get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No case found.") from None


def case_timeline_for(user, case: Case) -> QuerySet[CaseEvent]:
    """The case's events, oldest first. Families never see staff-only events."""
    events = case.events.select_related("actor__officer").order_by("at", "id")
    if officer_of(user) is None and not user.is_superuser:
        events = events.filter(internal=False)
    return events


def children_visible_to(user) -> QuerySet[Child]:
    """A parent's own children; for staff, the children of the cases they can see."""
    if not user.is_authenticated:
        return Child.objects.none()
    if officer_of(user) is None and not user.is_superuser:
        children = Child.objects.filter(family__memberships__user=user)
    else:
        children = Child.objects.filter(pk__in=cases_visible_to(user).values("child_id"))
    return (
        children.distinct()
        .select_related("ehcp")
        .prefetch_related(Prefetch("ehcp__provision_items", queryset=ProvisionItem.objects.order_by("section", "id")))
        .order_by("last_name", "first_name", "id")
    )


def child_loggable_by(user, child_id) -> Child | None:
    """The child `user` may raise a concern for: a parent's own child, or any child of an officer's council."""
    officer = officer_of(user)
    children = Child.objects.select_related("family__organisation", "family__area", "ehcp")
    if officer is not None:
        organisations = {team.organisation_id for team in teams_of(officer)}
        children = children.filter(family__organisation_id__in=organisations)
    elif not user.is_superuser:
        children = children.filter(Exists(FamilyMember.objects.filter(family=OuterRef("family"), user=user)))
    return children.filter(pk=child_id).first()


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("position", "name")


def officers_with_caseload(*, organisation_ids) -> QuerySet[Officer]:
    """Officers of these councils with how many open cases each holds."""
    return (
        Officer.objects.filter(
            Q(team__organisation_id__in=organisation_ids) | Q(team__isnull=True)
        )
        .select_related("user", "team")
        .annotate(open_cases=Count("cases", filter=Q(cases__status__in=Case.OPEN_STATES)))
        .order_by("user__last_name", "user__first_name", "id")
    )


def officers_visible_to(user) -> QuerySet[Officer]:
    officer = officer_of(user)
    if officer is None:
        if user.is_superuser:
            return officers_with_caseload(organisation_ids=Officer.objects.values("team__organisation_id"))
        return Officer.objects.none()
    return officers_with_caseload(organisation_ids=teams_of(officer).values("organisation_id"))


def family_members_of(case: Case):
    """Everyone who should hear about this case: every parent and carer of the child (tell us once)."""
    return [m.user for m in FamilyMember.objects.filter(family_id=case.child.family_id).select_related("user")]
