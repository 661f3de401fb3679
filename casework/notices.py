"""Who hears about what happens to a case, in the words of the notification templates.

The notifications app knows nothing of cases; this module turns a case and
an event into recipients, a template key and a context of plain strings.
"""

from notifications.services import Telling, notification_enqueue, notification_enqueue_many

from .models import Case, CaseEvent, FamilyMember, Officer


def case_link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def tell_family(*, case: Case, event: CaseEvent, template: str, context: dict, link: str | None = None) -> None:
    """Every parent and carer of the child hears it, so nobody has to pass it on."""
    members = FamilyMember.objects.filter(family_id=case.child.family_id).select_related("user")
    notification_enqueue_many(
        tellings=[
            Telling(
                recipient=member.user,
                template=template,
                context={"reference": case.reference, **context},
                link=link or case_link(case),
                dedupe_key=f"case-event:{event.pk}:{template}",
            )
            for member in members
        ]
    )


def tell_officer(*, officer: Officer, case: Case, event: CaseEvent, template: str, context: dict) -> None:
    notification_enqueue(
        recipient=officer.user,
        template=template,
        context={"reference": case.reference, **context},
        link=case_link(case),
        dedupe_key=f"case-event:{event.pk}:{template}",
    )
