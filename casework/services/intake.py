"""Logging a concern: the case, its named officer and its clocks, in one transaction."""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core.time import describe_moment
from escalations import services as sla
from escalations.models import ClockKind

from .. import notices
from ..models import Case, CaseEvent, CaseReferenceCounter, Category, Organisation, ProvisionItem
from ..permissions import officer_of
from ..routing import Fallback, routing_owner_for, routing_rules_of
from ..selectors import category_active, child_loggable_by, officer_cover_load
from .shared import save_case

Kind = CaseEvent.Kind
logger = logging.getLogger(__name__)


@transaction.atomic
def case_log(
    *,
    actor,
    child_id: int,
    category_slug: str,
    summary: str,
    description: str,
    provision_item_id: int | None = None,
    safeguarding: bool = False,
    contact_method: str | None = None,
    raised_because: str = "",
) -> Case:
    """Log a concern and give it a named officer in the same transaction.

    A parent may log for their own child; an officer for any child of their
    council, on the family's behalf (recorded as such). The family and the
    named officer are told through the outbox. When routing had to go above
    the team's own people, the officer is also told why (`cases_fallback_explain`).
    Refused whole (Conflict) only when routing finds nobody at all.

    `raised_because` is for a concern the service raises by itself (a statutory
    date missed, say), with `actor` the member of staff it is raised under (who is
    recorded as logging it, as ever): the timeline says why it was raised, not "on
    the family's behalf", and the caller tells the family in its own words instead
    of "we have logged your concern".

    Returns the case with what an answer about it shows loaded (`selectors.case_as_acted_on`): its child,
    category, team, council and ladder, its named officer with their cover, and its clocks as logged.
    """
    child = child_loggable_by(actor, child_id)
    if child is None:
        raise ValidationError({"child": ["Choose one of your children."]})
    category = category_active(category_slug)
    if category is None:
        raise ValidationError({"category": ["Choose what the problem is about."]})
    provision_item = _provision_item_of_child(child, provision_item_id)
    on_behalf = officer_of(actor) is not None and not raised_because
    contact_method = contact_method or (Case.ContactMethod.PHONE if on_behalf else Case.ContactMethod.ONLINE)
    if raised_because:
        how_logged = f" by SEND Casework because {raised_because}"
    elif on_behalf:
        came_in = CAME_IN[contact_method]
        how_logged = f" by {officer_of(actor).display_name} on the family's behalf (it came in {came_in})"
    else:
        how_logged = ""
    return _case_open(
        actor=actor,
        child=child,
        category=category,
        summary=summary,
        description=description,
        provision_item=provision_item,
        safeguarding=safeguarding,
        contact_method=contact_method,
        on_behalf=on_behalf,
        how_logged=how_logged,
        tell_family=not raised_because,
    )


# How a concern logged by staff reached them, in the words of the timeline.
CAME_IN = {
    Case.ContactMethod.ONLINE: "online",
    Case.ContactMethod.PHONE: "by phone",
    Case.ContactMethod.EMAIL: "by email",
    Case.ContactMethod.LETTER: "by letter",
    Case.ContactMethod.IN_PERSON: "in person",
}


@transaction.atomic
def case_raise(*, child, category_slug: str, summary: str, description: str, provision_item=None) -> Case:
    """A concern the service raises by itself, for example when provision falls short of the plan.

    Nobody logged it, so it has no `logged_by`; otherwise it is a concern like any other: routed
    (to the body answerable for the provision item, if it has one), owned, timed and told to the
    family and the named officer in the same transaction.
    """
    return _case_open(
        actor=None,
        child=child,
        category=Category.objects.get(pk=category_slug),
        summary=summary,
        description=description,
        provision_item=provision_item,
        safeguarding=False,
        contact_method=Case.ContactMethod.ONLINE,
        on_behalf=False,
        how_logged=" by SEND Casework itself",
        tell_family=True,
    )


def case_owning_organisation_id(child, provision_item: ProvisionItem | None) -> int:
    """The body a concern belongs to: the one answerable for its provision item (the ICB for most health
    provision, CFA 2014 s42(3)), else the child's council. A body not yet set up with routing rules of its
    own leaves the concern with the council, so a family is never turned away for it."""
    body_id = provision_item.responsible_body_id if provision_item is not None else None
    if body_id and body_id != child.family.organisation_id and routing_rules_of(body_id):
        return body_id
    return child.family.organisation_id


def _case_open(
    *,
    actor,
    child,
    category,
    summary,
    description,
    provision_item,
    safeguarding,
    contact_method,
    on_behalf: bool,
    how_logged: str,
    tell_family: bool,
) -> Case:
    organisation_id = case_owning_organisation_id(child, provision_item)
    route = routing_owner_for(
        child=child, category=category, safeguarding=safeguarding, organisation_id=organisation_id
    )
    officer, team = route.officer, route.team
    now = timezone.now()
    plan = sla.clock_plan(category_id=category.pk, safeguarding=safeguarding, start=now)
    family = notices.family_of(child)
    case = Case(
        reference=_next_reference(now.year),
        organisation_id=organisation_id,
        child=child,
        category=category,
        provision_item=provision_item,
        summary=summary,
        description=description,
        safeguarding=safeguarding,
        accountable_officer=officer,
        team=team,
        logged_by=actor,
        logged_on_behalf=on_behalf,
        contact_method=contact_method,
        created_at=now,
        priority=plan.priority,
        next_due_at=plan.next_due_at,
        # A safeguarding concern reaches the first rung at once (`clocks_start` tells the team manager), so it
        # is saved there: one history row for the concern as it was logged.
        escalation_level=1 if safeguarding else 0,
    )
    _attach_ladder(case, officer)
    save_case(case, actor=actor, reason="Concern logged")
    event = CaseEvent.objects.record(
        case=case,
        kind=Kind.LOGGED,
        actor=actor,
        at=now,
        text=f"Concern logged{how_logged}. {officer.display_name} is the named officer.",
        data={"officer_id": officer.pk, "team_id": team.pk},
    )
    clocks = sla.clocks_start(case=case, plan=plan)
    news_for_family = notices.CaseNews(
        case=case,
        event=event,
        template="case_logged",
        context={
            "child_name": child.display_name,
            "summary": case.summary,
            "officer_name": officer.display_name,
            "acknowledge_due": describe_moment(plan.due[ClockKind.ACKNOWLEDGE]),
            "respond_due": describe_moment(plan.due[ClockKind.RESPOND]),
            "resolve_due": describe_moment(plan.due[ClockKind.RESOLVE]),
        },
    )
    news_for_officer = notices.CaseNews(
        case=case,
        event=event,
        template="officer_case_assigned",
        context={
            "child_name": child.display_name,
            "category": category.name,
            "summary": case.summary,
            "acknowledge_due": describe_moment(plan.due[ClockKind.ACKNOWLEDGE]),
            "safeguarding": "yes" if safeguarding else "",
        },
    )
    officer_cover_load(officer)
    family_told = notices.family_tellings([news_for_family], members=family) if tell_family else []
    notices.tell(family_told + notices.named_officer_tellings(officer, news_for_officer), events_are_new=True)
    if route.fallback is not None:
        cases_fallback_explain(placed=[(case, route.fallback)])
    # What the answer to whoever logged it shows, as `selectors.case_as_acted_on` would read it back: the
    # clocks just written (`escalations.selectors.case_clocks`), with the officer's cover loaded above.
    case.clocks_written = clocks
    return case


def cases_fallback_explain(*, placed: list[tuple[Case, Fallback]], tell_each_owner: bool = True) -> None:
    """Cases went to someone above the people who normally take them: say why, to them and to administrators.

    Each case's staff timeline says why in an internal note, which the family
    never sees; a warning in the log names the case and the council for
    whoever looks after routing; and each owner (`case.accountable_officer`,
    with its user loaded) is told why the case is theirs and what to do,
    unless `tell_each_owner` is off: offboarding tells each new owner once.
    Written in the caller's transaction, in a fixed number of queries.
    """
    if not placed:
        return
    notes = CaseEvent.objects.record_many(
        [
            CaseEvent.objects.line(
                case=case,
                kind=Kind.NOTE,
                internal=True,
                text=f"This case came to {case.accountable_officer.display_name} as {fallback.role} because "
                f"{fallback.reason}. They should take it on or give it to an officer who can. To stop this "
                f"happening again, an administrator needs to {fallback.fix}.",
            )
            for case, fallback in placed
        ]
    )
    councils = dict(
        Organisation.objects.filter(pk__in={case.organisation_id for case, _ in placed}).values_list("pk", "name")
    )
    for case, fallback in placed:
        logger.warning(
            "Case %s of %s went to %s, the %s, because %s. An administrator needs to %s.",
            case.reference,
            councils[case.organisation_id],
            case.accountable_officer.display_name,
            fallback.role,
            fallback.reason,
            fallback.fix,
        )
    if tell_each_owner:
        notices.tell(
            [
                notices.officer_telling(
                    case.accountable_officer,
                    notices.CaseNews(
                        case=case,
                        event=note,
                        template="manager_case_fallback",
                        context={"role": fallback.role, "reason": fallback.reason, "fix": fallback.fix},
                    ),
                )
                for (case, fallback), note in zip(placed, notes, strict=True)
            ]
        )


def _attach_ladder(case: Case, officer) -> None:
    # Routing read the officer with their team's ladder (`officer_choose_in_team`): when the case stays in
    # that team, its manager, head of service and director are to hand for a safeguarding alert.
    if officer.team_id == case.team_id:
        case.team = officer.team
        if officer.team.organisation_id == case.organisation_id:
            case.organisation = officer.team.organisation


def _provision_item_of_child(child, provision_item_id) -> ProvisionItem | None:
    if provision_item_id is None:
        return None
    item = ProvisionItem.objects.filter(pk=provision_item_id, ehcp__child=child).first()
    if item is None:
        raise ValidationError({"provision_item": ["Choose a part of this child's EHCP."]})
    return item


def _next_reference(year: int) -> str:
    # References may have gaps: a reference names a case, it does not count them. On PostgreSQL the number
    # comes from a sequence, which nobody waits on (a counter row would be held by each concern until its
    # commit); a rolled-back concern leaves its number unused. SQLite writes one transaction at a time, so
    # its counter row (one a year, made by the year's first case) holds nobody up.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('casework_case_reference')")
        else:
            table = connection.ops.quote_name(CaseReferenceCounter._meta.db_table)
            cursor.execute(
                f"INSERT INTO {table} (year, last_number) VALUES (%s, 1) "
                f"ON CONFLICT (year) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number",
                [year],
            )
        (number,) = cursor.fetchone()
    return f"{settings.CASE_REFERENCE_PREFIX}-{year}-{number:06d}"
