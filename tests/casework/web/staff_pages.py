"""Helpers the tests of the staff and manager pages share."""

import re

from django.utils.html import escape

from casework.models import Case
from casework.services import case_log


def log(borough, *, child=None, category="provision_not_delivered", summary="Therapy not delivered") -> Case:
    child = child or borough.child1
    parent = borough.parent1 if child == borough.child1 else borough.parent2
    case = case_log(
        actor=parent, child_id=child.pk, category_slug=category, summary=summary,
        description="The therapist has not come to school for six weeks.",
    )
    return Case.objects.get(pk=case.pk)


def north_officers(borough):
    return list(borough.north.officers.filter(is_manager=False).order_by("pk"))


def signed_in(client, user):
    client.force_login(user)
    return client


def footprint(case: Case) -> tuple:
    """Everything a refused form must leave as it was."""
    case.refresh_from_db()
    return (
        case.status, case.accountable_officer_id, case.outcome, case.events.count(), case.messages.count(),
        case.history.count(), case.clocks.order_by("pk").values_list("due_at", flat=True).last(),
    )


def shown(name: str) -> str:
    """A name as the page writes it: Faker's "O'Brien" is escaped in HTML."""
    return escape(name)


def action_buttons(html: str) -> set[str]:
    return set(re.findall(r'name="action" value="([a-z_]+)"', html))
