"""The words the service shows for a case's status and for a person, defined once for the API and the pages.

Staff and families read the same case from opposite sides: the family's "Waiting for you" is "Waiting for
family" to staff, and a family is never shown anyone's sign-in name.
"""

from .models import Case, CaseEvent
from .permissions import is_staff_member, officer_of

# Who did something when nobody did: the sweep, a reminder, the safety net.
SYSTEM_NAME = "SEND Casework"

# Staff read the status from the council's side: the family's "Waiting for you" is "Waiting for family" here.
STAFF_STATUS_LABELS = {
    Case.Status.NEW: "New",
    Case.Status.ACKNOWLEDGED: "Acknowledged",
    Case.Status.IN_PROGRESS: "In progress",
    Case.Status.AWAITING_PARENT: "Waiting for family",
    Case.Status.RESOLVED: "Resolved",
    Case.Status.CLOSED: "Closed",
}


# What a family reads as the title of a timeline event, where the staff title speaks of them ("Waiting for the
# family") or in the council's words. Every other kind reads the same to both.
FAMILY_EVENT_TITLES = {
    CaseEvent.Kind.ACKNOWLEDGED: "Your named officer has read your concern",
    CaseEvent.Kind.AWAITING_PARENT: "Waiting for you",
    CaseEvent.Kind.HANDOVER: "New named officer",
    CaseEvent.Kind.ESCALATED: "Passed to a manager",
    CaseEvent.Kind.EXTENDED: "We gave ourselves more time",
    CaseEvent.Kind.CHASED: "Chased",
    CaseEvent.Kind.FOLLOW_UP: "We asked if it is still fixed",
    CaseEvent.Kind.CONFIRMED: "Confirmed it is fixed",
}


def event_title_for_family(event: CaseEvent) -> str:
    return FAMILY_EVENT_TITLES.get(event.kind, event.get_kind_display())


def status_label(case: Case, *, for_staff: bool) -> str:
    """The case's status as the reader calls it: the family's words are the model's own labels."""
    return STAFF_STATUS_LABELS[case.status] if for_staff else str(case.get_status_display())


def status_in_words(case: Case, actor) -> str:
    """The status inside a sentence ("This case is closed"), as `actor` reads it: staff are never told a case
    waiting on the family is "waiting for you"."""
    if case.status == Case.Status.AWAITING_PARENT and is_staff_member(actor):
        return "waiting for the family"
    return case.get_status_display().lower()


def display_name(user) -> str:
    """Who someone is to staff and to the API: an officer's display name, else their name or sign-in name."""
    if user is None:
        return SYSTEM_NAME
    officer = officer_of(user)
    if officer is not None:
        return officer.display_name
    return user.get_full_name() or user.username


def name_for_staff(user) -> str:
    """Who did something, as staff read it on a case: the family's members marked as the family's."""
    name = display_name(user)
    return name if user is None or is_staff_member(user) else f"{name} (family)"


# What a family is shown for a member of staff with no name on record (an administrator working in
# the admin site, say), in the words the family pages use for the council's team.
UNNAMED_STAFF = "Your council's SEND team"
# The same for a parent or carer with no name on record: their sign-in name may be their email address,
# which another carer of the child (a parent living apart, say) must not learn from the timeline.
UNNAMED_FAMILY_MEMBER = "A parent or carer"


def name_shown_to_family(user) -> str:
    """Who did something on a case, as a family is told it: a name, never a sign-in name."""
    name = user.get_full_name()
    if name:
        return name
    return UNNAMED_STAFF if is_staff_member(user) else UNNAMED_FAMILY_MEMBER


def name_shown_to(viewer, user) -> str:
    """Who did something, as `viewer` reads it: staff see `display_name`; a family `name_shown_to_family`."""
    return display_name(user) if is_staff_member(viewer) else name_shown_to_family(user)
