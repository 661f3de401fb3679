"""The actions that can be taken on a case, each with the one service it calls: read by the API, the staff
pages and the demo data alike, so an action means the same thing wherever it is taken.

`data` is the action's input once checked (an API serializer's or a page form's): optional text may be
missing, and is then empty. `text_field` names the action's free text (what the demo data's stories say).
"""

from collections.abc import Callable
from dataclasses import dataclass

from . import services
from .models import Case


@dataclass(frozen=True)
class CaseAction:
    name: str
    text_field: str
    perform: Callable[..., object]  # (actor, case, data)
    done: str  # what the staff pages say once it is done


def _acknowledge(actor, case: Case, data: dict):
    return services.case_acknowledge(actor=actor, case=case, note=data.get("note", ""))


def _start(actor, case: Case, data: dict):
    return services.case_start(actor=actor, case=case, note=data.get("note", ""))


def _await_parent(actor, case: Case, data: dict):
    return services.case_await_parent(actor=actor, case=case, note=data.get("note", ""))


def _resume(actor, case: Case, data: dict):
    return services.case_resume(actor=actor, case=case, note=data.get("note", ""))


def _resolve(actor, case: Case, data: dict):
    return services.case_resolve(actor=actor, case=case, outcome=data["outcome"])


def _close(actor, case: Case, data: dict):
    return services.case_close(actor=actor, case=case, outcome=data["outcome"])


def _withdraw(actor, case: Case, data: dict):
    return services.case_withdraw(actor=actor, case=case, reason=data["reason"])


def _reopen(actor, case: Case, data: dict):
    return services.case_reopen(actor=actor, case=case, reason=data["reason"])


def _chase(actor, case: Case, data: dict):
    return services.case_chase(actor=actor, case=case, note=data.get("note", ""))


def _extend(actor, case: Case, data: dict):
    return services.case_extend(actor=actor, case=case, working_days=data["working_days"], reason=data["reason"])


def _reassign(actor, case: Case, data: dict):
    return services.case_reassign(actor=actor, case=case, officer=data["officer"], note=data["note"])


def _message(actor, case: Case, data: dict):
    return services.case_message_add(actor=actor, case=case, text=data["text"], internal=data.get("internal", False))


def _note(actor, case: Case, data: dict):
    return services.case_message_add(actor=actor, case=case, text=data["text"], internal=True)


def _was_it_fixed(actor, case: Case, data: dict):
    return services.case_follow_up_answer(actor=actor, case=case, fixed=data["fixed"], text=data.get("text", ""))


CASE_ACTIONS = {
    action.name: action
    for action in (
        CaseAction(
            "acknowledge", "note", _acknowledge, "Case acknowledged. The family has been told who their named officer is."
        ),
        CaseAction("start", "note", _start, "Work started."),
        CaseAction("await_parent", "note", _await_parent, "The family has been asked. The clock is paused until they reply."),
        CaseAction("resume", "note", _resume, "Work resumed. The clock is running again."),
        CaseAction("resolve", "outcome", _resolve, "Case resolved. The family has been told what was done."),
        CaseAction("close", "outcome", _close, "Case closed."),
        CaseAction("reopen", "reason", _reopen, "Case reopened."),
        CaseAction("withdraw", "reason", _withdraw, "Concern withdrawn."),
        CaseAction("chase", "note", _chase, "Case chased."),
        CaseAction("extend", "reason", _extend, "Resolve date extended. The family has been told why."),
        CaseAction(
            "reassign", "note", _reassign, "The case has a new named officer. They and the family have been told."
        ),
        CaseAction("message", "text", _message, "Message sent to the family."),
        CaseAction("note", "text", _note, "Internal note added. The family will not see it."),
        CaseAction("was_it_fixed", "text", _was_it_fixed, "Answer recorded."),
    )
}
# The lifecycle moves staff make from the case page (reopening, chasing and answering are the family's).
STAFF_MOVES = ("acknowledge", "start", "await_parent", "resume", "resolve", "close")
# What staff may do from the case page, beyond the moves.
STAFF_ACTIONS = (*STAFF_MOVES, "extend", "reassign", "message", "note")
