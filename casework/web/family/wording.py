"""What the family is told about who hears of their concern, and when: the sentences the confirmation page
and the concern page share, so the two never promise different things.
"""



from escalations.models import Alert
from escalations.selectors import chase_recipient, ladder_recipient, risk_alert_of

from ... import selectors
from ...models import Case


def person_and_role(officer, role: str) -> str:
    """Someone who is told of a concern, as the family reads it: "Jo Bloggs, the team manager"."""
    if role == Alert.Role.OFFICER:
        return f"{officer.display_name}, your named officer"
    return f"{officer.display_name}, the {Alert.Role(role).label}"


def chase_goes_to(case: Case) -> str:
    officer, role = chase_recipient(case)
    described = person_and_role(officer, role)
    if role == Alert.Role.OFFICER:
        return f"{described}, as no manager is in post for this team at the moment"
    return described


def missed_date_goes_to(case: Case) -> str:
    """Who hears first if a date is missed, or "" with every manager's post empty: nobody is promised then."""
    manager, role = ladder_recipient(case, 1)
    return person_and_role(manager, role) if manager else ""


def risk_told_to(case: Case) -> str:
    if not case.safeguarding:
        return ""
    alert = risk_alert_of(case)
    if alert is None:
        return "your named officer"
    return person_and_role(alert.recipient, alert.recipient_role)


def named_officer_and_cover(case: Case, cover) -> str:
    """Who hears what the family sends while the named officer is away: both of them (notices.tell_named_officer)."""
    officer = case.accountable_officer.display_name
    return f"{officer} and {cover.cover_officer.display_name}, who is covering while {officer} is away"


def message_sent(case: Case, *, restarted: bool) -> str:
    cover = selectors.cover_in_force(case.accountable_officer)
    to = named_officer_and_cover(case, cover) if cover else case.accountable_officer.display_name
    again = " We have started work on your concern again." if restarted else ""
    return f"Your message has been sent to {to}.{again}"


def reopened(case: Case) -> str:
    cover = selectors.cover_in_force(case.accountable_officer)
    if cover is None:
        return f"We have reopened your concern. {case.accountable_officer.display_name} will be in touch."
    return f"We have reopened your concern and told {named_officer_and_cover(case, cover)}."
