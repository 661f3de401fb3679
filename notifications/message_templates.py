"""The messages this service sends, one template a key, and how they are rendered.

Each key has a subject and a body under `templates/notifications/`, written as
plain text. The registry below is the list of valid keys and the context each
one needs; the casework app passes exactly these, every value a string.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string

FAMILY_TEMPLATES = {
    "case_logged": {
        "reference",
        "child_name",
        "summary",
        "officer_name",
        "acknowledge_due",
        "respond_due",
        "resolve_due",
    },
    "case_acknowledged": {"reference", "child_name", "officer_name", "respond_due"},
    "case_message": {"reference", "officer_name", "text"},
    "case_awaiting_parent": {"reference", "officer_name", "note"},
    "case_resolved": {"reference", "officer_name", "outcome", "reopen_until"},
    "case_new_officer": {"reference", "officer_name", "previous_officer_name", "note"},
    "case_extended": {"reference", "resolve_due", "reason"},
    "case_was_it_fixed": {"reference", "summary"},
    # Provision delivery (the provision app): support in the plan is about to end.
    "provision_ending": {"child_name", "description", "ends_on", "officer_name"},
    # The statutory EHC process: a legal date missed raised concern `reference`; an exception lifted a time limit.
    "statutory_date_missed": {"reference", "child_name", "step", "due", "regulation", "officer_name"},
    "statutory_exception": {"child_name", "step", "due", "regulation", "ground", "reason"},
    # Staff shared a file on the case (casefile): not sent for a file kept for staff only.
    "case_file_shared": {"reference", "officer_name", "file_name"},
    # The EHC coordinator shared a file on the child's statutory process (casefile): not for a staff-only one.
    "statutory_file_shared": {"child_name", "process", "officer_name", "file_name"},
    # Cover arranged for the named officer: one message for all of a family's open cases with them.
    # `starts` is "" for cover starting now; `references` one case reference a line.
    "family_cover_arranged": {"officer_name", "cover_officer_name", "starts", "ends", "references"},
    # Several of a family's cases changed hands at once (an officer left, a manager moved a set): one message.
    # `cases`: one line a case, "reference: new officer, taking over from previous officer".
    "family_cases_new_officers": {"case_count", "cases"},
}
OFFICER_TEMPLATES = {
    "officer_case_assigned": {"reference", "child_name", "category", "summary", "acknowledge_due", "safeguarding"},
    "officer_reminder": {"reference", "clock", "due"},
    "officer_case_handed_over": {"reference", "previous_officer_name", "note"},
    # After an offboarding: one message for all the cases a new officer takes on, not one a case.
    # `up_the_ladder`: how many came to them because nobody in the case's team could take it ("" for none).
    "officer_cases_handed_over": {"case_count", "previous_officer_name", "note", "up_the_ladder"},
    "officer_family_replied": {"reference", "text"},
    "officer_provision_ending": {"child_name", "description", "ends_on", "officer_name"},
    # `when`: "in 5 working days" or "today".
    "officer_statutory_reminder": {"child_name", "step", "regulation", "due", "when"},
    # The family added a file to their case (casefile), perhaps the report the officer asked for.
    "officer_family_added_file": {"reference", "file_name", "description"},
    # The family added a file to their child's statutory process, such as their comments on a draft plan.
    "officer_statutory_family_file": {"child_name", "process", "file_name", "description"},
    # Cover arranged: to the covering officer, and to the officer away. `starts` is "" for cover starting now.
    "officer_covering": {"officer_name", "starts", "ends", "case_count"},
    "officer_cover_arranged": {"cover_officer_name", "starts", "ends", "case_count"},
}
MANAGER_TEMPLATES = {
    "manager_escalation": {"reference", "clock", "late_by", "officer_name", "level"},
    "manager_safeguarding_alert": {"reference", "child_name", "summary", "officer_name"},
    "manager_chased": {"reference", "note", "officer_name"},
    "manager_orphan_rerouted": {"reference", "officer_name", "previous_officer_name"},
    # A case that nobody in its team, or no team, could take: its owner above the team is told why.
    "manager_case_fallback": {"reference", "role", "reason", "fix"},
    # The nightly check of the case files' hash chains found records altered outside the service (casefile).
    "admin_case_files_altered": {"break_count", "case_count", "breaks", "checked_at"},
}
# Every key `notification_enqueue` accepts, with the context keys it needs.
TEMPLATES: dict[str, frozenset[str]] = {
    key: frozenset(context_keys)
    for group in (FAMILY_TEMPLATES, OFFICER_TEMPLATES, MANAGER_TEMPLATES)
    for key, context_keys in group.items()
}
# Emails that wait for the daily digest when the recipient has asked for one and today's digest is still to come.
DIGESTIBLE_TEMPLATES = frozenset({"officer_reminder"})
# Written only by the digest service, so it is not in the registry above.
DIGEST_TEMPLATE = "officer_daily_digest"


class UnknownTemplateError(LookupError):
    """A caller named a template that does not exist: a programming error."""


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


def absolute_url(link: str) -> str:
    """The full address of a path on this site, as it appears in an email."""
    return settings.SITE_URL.rstrip("/") + link


def check_context(template: str, context: dict) -> None:
    """Refuse an unknown key, a missing context key or a value that is not plain data.

    These are mistakes in the calling code, so they raise rather than send a
    message with gaps in it.
    """
    if template not in TEMPLATES:
        raise UnknownTemplateError(f"No notification template called {template!r}.")
    missing = TEMPLATES[template] - context.keys()
    if missing:
        raise ValueError(f"The {template!r} notification needs {', '.join(sorted(missing))} in its context.")
    for key, value in context.items():
        if not isinstance(value, (str, int, float)):
            raise TypeError(f"Context value {key!r} must be a string or a number, not {type(value).__name__}.")


def render_message(*, template: str, context: dict, link: str) -> RenderedMessage:
    check_context(template, context)
    return _render(template, {**context, "link_url": absolute_url(link)})


def render_digest(*, items: list[dict]) -> RenderedMessage:
    """One email listing several held messages, each a dict with `subject` and `link_url`."""
    return _render(DIGEST_TEMPLATE, {"items": items, "count": len(items)})


def _render(template: str, context: dict) -> RenderedMessage:
    subject = render_to_string(f"notifications/{template}.subject.txt", context)
    body = render_to_string(f"notifications/{template}.body.txt", context)
    # A subject is one header line; a newline in it would make the email invalid.
    return RenderedMessage(subject=" ".join(subject.split()), body=_tidy(body))


def _tidy(text: str) -> str:
    """Drop the blank lines that template tags on lines of their own leave behind."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
