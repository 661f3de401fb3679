"""Helpers the tests of the families' pages share."""

import re

from casework import services
from casework.models import Case

QUESTIONS = {
    "child": "/concerns/new/which-child/",
    "category": "/concerns/new/what-about/",
    "provision": "/concerns/new/ehcp-support/",
    "safeguarding": "/concerns/new/is-a-child-at-risk/",
    "details": "/concerns/new/what-happened/",
}
CHECK = "/concerns/new/check-your-answers/"
DETAILS = {"summary": "Speech therapy has stopped", "description": "No therapist since September.\nSchool agrees."}


def log(parent, child, **fields):
    return services.case_log(
        actor=parent,
        child_id=child.pk,
        category_slug=fields.pop("category", "provision_not_delivered"),
        summary=fields.pop("summary", "Speech therapy has stopped"),
        description=fields.pop("description", "No therapist since September."),
        **fields,
    )


def named_officer(case):
    return Case.objects.get(pk=case.pk).accountable_officer.user


def text_of(response) -> str:
    return response.content.decode()


def send(parent):
    """Press "Send concern" on the check page as it shows the answers now."""
    shown = text_of(parent.get(CHECK))
    return parent.post(CHECK, {"answers_shown": re.search(r'name="answers_shown" value="(\w+)"', shown)[1]})
