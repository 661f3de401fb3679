"""Who hears about what happens to a case, in the words of the notification templates.

The notifications app knows nothing of cases; this module turns a case and
an event into recipients, a template key and a context of plain strings.
"""

from notifications.services import Telling, notification_enqueue_many

from .models import Case, CaseEvent, Child, FamilyMember, Officer


def case_link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def family_of(child: Child) -> list[FamilyMember]:
    """The child's parents and carers, with their users: everyone `tell_family` tells."""
    return list(FamilyMember.objects.filter(family_id=child.family_id).select_related("user"))


def tell(*tellings: Telling) -> None:
    """Write every telling to the outbox at once."""
    notification_enqueue_many(tellings=list(tellings))


def tell_family(*, case: Case, event: CaseEvent, template: str, context: dict, link: str | None = None) -> None:
    """Every parent and carer of the child hears it, so nobody has to pass it on."""
    tell(*family_tellings(case=case, event=event, template=template, context=context, link=link))


def tell_officer(*, officer: Officer, case: Case, event: CaseEvent, template: str, context: dict) -> None:
    tell(officer_telling(officer=officer, case=case, event=event, template=template, context=context))


def family_tellings(
    *,
    case: Case,
    event: CaseEvent,
    template: str,
    context: dict,
    link: str | None = None,
    members: list[FamilyMember] | None = None,
) -> list[Telling]:
    """What `tell_family` writes; `members` from `family_of` when the caller read them earlier."""
    if members is None:
        members = family_of(case.child)
    return [
        Telling(
            recipient=member.user,
            template=template,
            context={"reference": case.reference, **context},
            link=link or case_link(case),
            dedupe_key=f"case-event:{event.pk}:{template}",
        )
        for member in members
    ]


def officer_telling(*, officer: Officer, case: Case, event: CaseEvent, template: str, context: dict) -> Telling:
    """What `tell_officer` writes."""
    return Telling(
        recipient=officer.user,
        template=template,
        context={"reference": case.reference, **context},
        link=case_link(case),
        dedupe_key=f"case-event:{event.pk}:{template}",
    )
