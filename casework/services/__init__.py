"""Every change to a case, one function a use case (STYLE.md 2).

Each service is atomic, takes keyword-only arguments with an explicit `actor`,
locks the case it changes, checks the move against `CASE_MOVES`, records
history with the acting user, writes the timeline event in the same
transaction and queues the notifications through the outbox. Views, the API,
admin actions, commands and tasks all call these; nothing else writes cases.

The modules of this package each hold one part of a case's life; the services
are read from here.
"""

from .conversation import case_chase, case_extend, case_message_add
from .intake import case_log, case_owning_organisation_id, case_raise, cases_fallback_explain
from .lifecycle import (
    case_acknowledge,
    case_await_parent,
    case_close,
    case_follow_up_answer,
    case_follow_up_send,
    case_reopen,
    case_resolve,
    case_resume,
    case_resume_after_pause_limit,
    case_start,
    case_withdraw,
    reopen_deadline,
)
from .shared import case_record_access
from .transfer import case_reassign, case_transfer, cases_transfer, lock_active_officer, new_officer_news

__all__ = [
    "case_acknowledge",
    "case_await_parent",
    "case_chase",
    "case_close",
    "case_extend",
    "case_follow_up_answer",
    "case_follow_up_send",
    "case_log",
    "case_message_add",
    "case_owning_organisation_id",
    "case_raise",
    "case_reassign",
    "case_record_access",
    "case_reopen",
    "case_resolve",
    "case_resume",
    "case_resume_after_pause_limit",
    "case_start",
    "case_transfer",
    "case_withdraw",
    "cases_fallback_explain",
    "cases_transfer",
    "lock_active_officer",
    "new_officer_news",
    "reopen_deadline",
]
