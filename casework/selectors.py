"""Reads, built for the person asking (DESIGN.md invariant 6).

A case someone may not see is never fetched, so it answers 404 exactly as a
case that does not exist.
"""

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.read_mostly import read_mostly
from core.rows import Picked, instances
from escalations.models import Clock
from escalations.working_days import WorkingCalendar

from .models import (
    Area,
    Case,
    CaseEvent,
    Category,
    Child,
    Cover,
    Family,
    Officer,
    Organisation,
    ProvisionItem,
    Team,
)
from .permissions import (
    child_of_family_member_sql,
    children_of_family_member,
    officer_of,
    role_relations,
    team_ids_of,
    teams_of,
)


def _case_scope(user, *, queue_only: bool = False) -> Q:
    officer = officer_of(user)
    if queue_only:
        # A subset of what the officer sees, read without the team's half of the scope: a condition on
        # the officer's index, where the list would otherwise build, send and plan both halves and `mine`.
        return Q(accountable_officer_id__in=owners_seen_by(officer)) if officer is not None else Q(pk__in=[])
    if user.is_superuser:
        return Q()
    if officer is not None:
        # Ids read first: a subquery inside an OR stops PostgreSQL combining the indexes (bench/README.md).
        return Q(team_id__in=team_ids_of(officer)) | Q(accountable_officer_id__in=owners_seen_by(officer))
    # The children's ids read first too: joining the family and its members into every case query
    # cost PostgreSQL more time planning than running it.
    return Q(child_id__in=list(children_of_family_member(user).values_list("pk", flat=True)))


def owners_seen_by(officer: Officer) -> list[int]:
    """The officer's own id and those of the officers they are covering now: whose queue is theirs."""
    return [officer.pk, *_covers_held_by(officer).values_list("officer_id", flat=True)]


def _covers_held_by(officer: Officer) -> QuerySet[Cover]:
    return Cover.objects.in_force().filter(cover_officer=officer)


def cover_in_force(officer: Officer) -> Cover | None:
    """The cover running now for `officer`, with the covering officer and their user; None if nobody covers.

    Read from `covers_in_force` where a selector prefetched it, so a page of cases asks nothing more; else
    from the database. Cover never overlaps (`staffing.cover_set`): read here, the one that started first
    if it ever did, as the sweep's.
    """
    covers = getattr(officer, "covers_in_force", None)
    if covers is None:
        covers = _cover_in_force_read(officer)
    return covers[0] if covers else None


def officer_cover_load(officer: Officer) -> None:
    """Read `officer`'s cover in force now and keep it on them, so `cover_in_force` asks nothing more of them.

    For one request that needs it twice: a concern just logged tells whoever covers its named officer, and
    the answer to the family names them too. When routing read that no cover of theirs has yet to end
    (`may_be_covered`), nobody covers them now and nothing is asked.
    """
    may_be_covered = getattr(officer, "may_be_covered", True)
    officer.covers_in_force = _cover_in_force_read(officer) if may_be_covered else []


def _cover_in_force_read(officer: Officer) -> list[Cover]:
    return list(
        Cover.objects.in_force().filter(officer=officer).select_related("cover_officer__user")
        .order_by("starts_at", "pk")[:1]
    )


def covered_by(officer: Officer) -> QuerySet[Officer]:
    """The officers whose cases `officer` is covering now."""
    return Officer.objects.filter(pk__in=_covers_held_by(officer).values("officer_id"))


# PostgreSQL's planning time grows steeply with each table joined (at a million cases eight took
# 10-45 ms to plan and under 1 ms to run): only these are joined to the case; the rest come by
# prefetch, one small query each.
CASE_JOINS = ("child", "category")


def cases_visible_to(user) -> QuerySet[Case]:
    """Every case `user` may see, with what a case page or list needs loaded up front."""
    if not user.is_authenticated:
        return Case.objects.none()
    # Filtered directly, not through `pk IN (subquery)`: no condition of the scope can repeat a row,
    # and a direct filter lets PostgreSQL use the indexes.
    return _with_what_a_case_shows(Case.objects.filter(_case_scope(user)))


def cases_listed_for(user, *, queue_only: bool = False) -> QuerySet[Case]:
    """The cases of the API's list (`cases_visible_to`), with only what its answer shows loaded; with
    `queue_only`, only those on the officer's own queue (the list's `mine`)."""
    if not user.is_authenticated:
        return Case.objects.none()
    return _with_what_a_list_shows(Case.objects.filter(_case_scope(user, queue_only=queue_only)))


def case_as_acted_on(case_id) -> Case:
    """The case as an action has just left it, to answer the person who took that action.

    Only for that answer: the service has already checked their right to act. The action
    may have taken the case out of their sight (a concern the routing rules sent to another
    team, a case handed to an officer elsewhere), and they still need its reference, who owns
    it now and what is due, to tell the family there and then. They cannot open it afterwards.
    """
    # One case: its officer and the rungs of its ladder come in the case's own query (a page of cases
    # prefetches them instead, as the same few teams and councils recur), then its clocks and covers.
    return (
        Case.objects.filter(pk=case_id)
        .select_related(
            *CASE_JOINS,
            "accountable_officer__user",
            "accountable_officer__team",
            "team__manager__user",
            "team__head_of_service__user",
            "organisation__director__user",
        )
        .prefetch_related(
            "clocks",
            _covers_in_force_of_officer(),
        )
        .get()
    )


def _with_what_a_case_shows(cases: QuerySet[Case]) -> QuerySet[Case]:
    return _with_what_a_list_shows(cases.select_related(*CASE_JOINS))


def _with_what_a_list_shows(cases: QuerySet[Case]) -> QuerySet[Case]:
    # The list names the kind of concern by its slug, the case's own column: the category is not joined.
    # The officers, teams and councils are matched to their cases by id, so they come unsorted: the models'
    # orderings would sort them by name and join a team's council to do it. A case's clocks come in the
    # order they started without their model's ordering, which joins the case to sort by it first.
    return cases.select_related("child").prefetch_related(
        Prefetch("accountable_officer", queryset=Officer.objects.select_related("user", "team").order_by()),
        # The rungs of the escalation ladder, for `next_escalation`, come with the case's team and council:
        # a page has a few of each, so each query brings every post holder on the page.
        Prefetch("team", queryset=Team.objects.select_related("manager__user", "head_of_service__user").order_by()),
        Prefetch("organisation", queryset=Organisation.objects.select_related("director__user").order_by()),
        Prefetch("clocks", queryset=Clock.objects.order_by("started_at", "id")),
        _covers_in_force_of_officer(),
    )


def _covers_in_force_of_officer() -> Prefetch:
    # In the order `cover_in_force` takes the first of, as `_cover_in_force_read` reads it.
    return Prefetch(
        "accountable_officer__covers",
        queryset=Cover.objects.in_force().select_related("cover_officer__user").order_by("starts_at", "pk"),
        to_attr="covers_in_force",
    )


def case_get_for_user(user, case_id) -> Case:
    """The case, if `user` may see it. Missing and forbidden look the same: 404."""
    try:
        return cases_visible_to(user).get(pk=int(case_id))
    except (Case.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No case found.") from None


def case_timeline_for(user, case: Case) -> QuerySet[CaseEvent]:
    """The case's events, oldest first. Families never see staff-only events."""
    events = case.events.select_related(
        "actor__officer", *(f"actor__{relation}" for relation in role_relations)
    ).order_by("at", "id")
    if officer_of(user) is None and not user.is_superuser:
        events = events.filter(internal=False)
    return events


def children_visible_to(user) -> QuerySet[Child]:
    """A parent's own children; for staff, the children of the cases they can see."""
    if not user.is_authenticated:
        return Child.objects.none()
    if officer_of(user) is None and not user.is_superuser:
        children = children_of_family_member(user)
    else:
        children = Child.objects.filter(pk__in=cases_visible_to(user).values("child_id"))
    return (
        children.distinct()
        .select_related("ehcp")
        .prefetch_related(Prefetch("ehcp__provision_items", queryset=ProvisionItem.objects.order_by("section", "id")))
        .order_by("last_name", "first_name", "id")
    )


def child_loggable_by(user, child_id) -> Child | None:
    """The child `user` may raise a concern for: a parent's own child, or any child of an officer's council.

    With the child's family, its council and its area, which routing reads. Hand-written (`core.rows`):
    every concern logged starts here, and the ORM took three times as long to build this one row's query
    as PostgreSQL took to answer it.
    """
    child_id = int(child_id)
    smallest, largest = connection.ops.integer_field_range(Child._meta.pk.get_internal_type())
    if not smallest <= child_id <= largest:
        # No row has such a key, and the database would refuse the number rather than find nothing.
        return None
    officer = officer_of(user)
    if officer is not None:
        organisations = sorted({team.organisation_id for team in teams_of(officer)})
        scope, params = f"f.organisation_id IN ({', '.join(['%s'] * len(organisations)) or 'NULL'})", organisations
    elif user.is_superuser:
        scope, params = "1 = 1", []
    else:
        scope, params = child_of_family_member_sql(child="c.id", family="c.family_id"), [user.pk, user.pk]
    with connection.cursor() as cursor:
        cursor.execute(_child_sql(scope), [child_id, *params])
        row = cursor.fetchone()
    if row is None:
        return None
    child, family, council, area = instances(row, _CHILD, _FAMILY, _COUNCIL, _AREA)
    child.family, family.organisation, family.area = family, council, area
    return child


_CHILD, _FAMILY, _COUNCIL, _AREA = Picked(Child, "c"), Picked(Family, "f"), Picked(Organisation, "g"), Picked(Area, "a")


def _child_sql(scope: str) -> str:
    quote = connection.ops.quote_name
    tables = (quote(model._meta.db_table) for model in (Child, Family, Organisation, Area))
    children, families, organisations, areas = tables
    return f"""
        SELECT {_CHILD.columns}, {_FAMILY.columns}, {_COUNCIL.columns}, {_AREA.columns}
        FROM {children} c
        JOIN {families} f ON f.id = c.family_id
        JOIN {organisations} g ON g.id = f.organisation_id
        LEFT JOIN {areas} a ON a.id = f.area_id
        WHERE c.id = %s AND {scope}
    """


def categories_active() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("position", "name")


def category_active(slug: str) -> Category | None:
    """The kind of concern `slug` names, if families may choose it now; read from the cache (core.read_mostly)."""
    by_slug = read_mostly("categories", "active", lambda: {category.pk: category for category in categories_active()})
    return by_slug.get(slug)


def officers_with_caseload(*, organisation_ids) -> QuerySet[Officer]:
    """Officers of these councils with how many open cases each holds."""
    in_councils = Officer.objects.filter(
        Q(team__organisation_id__in=organisation_ids)
        | Q(teams_headed__organisation_id__in=organisation_ids)
        | Q(organisations_directed__in=organisation_ids)
    )
    return (
        Officer.objects.filter(pk__in=in_councils.values("pk"))
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


OWNER_CHANGE_KINDS = (CaseEvent.Kind.REASSIGNED, CaseEvent.Kind.HANDOVER)
# What counts as the new officer getting in touch with the family after a handover.
CONTACT_KINDS = (
    CaseEvent.Kind.MESSAGE,
    CaseEvent.Kind.ACKNOWLEDGED,
    CaseEvent.Kind.AWAITING_PARENT,
    CaseEvent.Kind.RESOLVED,
)


def case_owners(case: Case) -> list[dict]:
    """Every named officer the case has had, with when each held it, oldest first."""
    changes = list(case.events.filter(kind__in=(CaseEvent.Kind.LOGGED, *OWNER_CHANGE_KINDS)).order_by("at", "id"))
    ids = {e.data.get("officer_id") or e.data.get("to_officer_id") for e in changes} - {None}
    officers = Officer.objects.select_related("user").in_bulk(ids)
    owners = []
    for event in changes:
        officer = officers.get(event.data.get("officer_id") or event.data.get("to_officer_id"))
        if owners:
            owners[-1]["until"] = event.at
        owners.append({"officer": officer, "since": event.at, "until": None})
    return owners


def case_handovers(case: Case) -> list[dict]:
    """For each change of named officer: who to whom, and when the new officer first contacted the family."""
    events = list(case.events.filter(kind__in=(*OWNER_CHANGE_KINDS, *CONTACT_KINDS), internal=False).order_by("at", "id"))
    officers = Officer.objects.select_related("user").in_bulk(
        {e.data.get(key) for e in events for key in ("from_officer_id", "to_officer_id")} - {None}
    )
    calendar = WorkingCalendar()
    handovers = []
    for index, event in enumerate(events):
        if event.kind not in OWNER_CHANGE_KINDS:
            continue
        new_owner = officers.get(event.data.get("to_officer_id"))
        first_contact = next(
            (
                later.at
                for later in events[index + 1 :]
                if later.kind in CONTACT_KINDS and new_owner and later.actor_id == new_owner.user_id
            ),
            None,
        )
        handovers.append(
            {
                "at": event.at,
                "kind": event.kind,
                "from_officer": officers.get(event.data.get("from_officer_id")),
                "to_officer": new_owner,
                "first_contact_at": first_contact,
                "working_hours_to_first_contact": (
                    round(calendar.working_seconds_between(event.at, first_contact) / 3600, 1)
                    if first_contact
                    else None
                ),
            }
        )
    return handovers


def case_handover_summary(case: Case, viewer) -> dict:
    """Everything an incoming officer needs in one place, so the family never has to tell its story again.

    The child's other cases are those `viewer` may open: a case with another team, say social care's,
    is that team's to share, however useful it would be here.
    """
    child = case.child
    ehcp = getattr(child, "ehcp", None)
    return {
        "case": case,
        "child": child,
        "family": child.family,
        "ehcp": ehcp,
        "provision_items": list(ehcp.provision_items.all()) if ehcp else [],
        "messages": list(case.messages.select_related("author__officer").order_by("created_at", "id")),
        "timeline": list(case.events.select_related("actor__officer").order_by("at", "id")),
        "owners": case_owners(case),
        "other_cases": list(
            Case.objects.filter(_case_scope(viewer), child=child).exclude(pk=case.pk)
            .select_related("accountable_officer__user")
            .order_by("-created_at")
        ),
    }


def cases_due_follow_up(now=None) -> QuerySet[Case]:
    """Resolved cases whose "is it still fixed?" question is due and not yet sent."""
    return Case.objects.filter(
        status=Case.Status.RESOLVED,
        follow_up_due_at__lte=now or timezone.now(),
        follow_up_sent_at__isnull=True,
    ).order_by("follow_up_due_at")


def cases_matching(cases: QuerySet[Case], text: str) -> QuerySet[Case]:
    """The cases whose reference is `text`, or whose child's or family's name holds every word of it."""
    words = text.split()
    if not words:
        return cases
    by_name = Q()
    for word in words:
        by_name &= (
            Q(child__first_name__icontains=word)
            | Q(child__last_name__icontains=word)
            | Q(child__family__name__icontains=word)
        )
    return cases.filter(Q(reference__iexact=text.strip()) | by_name)


def children_loggable_by_named(user, text: str) -> QuerySet[Child]:
    """The children of the officer's councils whose name or family name holds every word of `text`."""
    officer = officer_of(user)
    if officer is None:
        return Child.objects.none()
    children = Child.objects.filter(family__organisation_id__in=teams_of(officer).values("organisation_id"))
    for word in text.split():
        children = children.filter(
            Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(family__name__icontains=word)
        )
    return children.select_related("family").order_by("last_name", "first_name", "pk")
