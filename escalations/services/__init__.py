"""SLA clocks, pauses, extensions, chases, reminders and the escalation ladder (DESIGN.md "SLA and escalation").

Casework services call the clock services inside their own transaction, holding the case's row lock; the
sweep runs on its own, every minute. The modules of this package each hold one part; the services are read
from here.
"""

from .clocks import (
    ClockPlan,
    chase_start,
    clock_extend,
    clock_plan,
    clock_working_seconds_taken,
    clocks_pause,
    clocks_reopen,
    clocks_resume,
    clocks_start,
    clocks_stop,
    sla_policy_for,
)
from .sweep import SweepResult, sla_sweep
from .tally import tally_clocks, tally_moved, tally_rebuild

__all__ = [
    "ClockPlan",
    "SweepResult",
    "chase_start",
    "clock_extend",
    "clock_plan",
    "clock_working_seconds_taken",
    "clocks_pause",
    "clocks_reopen",
    "clocks_resume",
    "clocks_start",
    "clocks_stop",
    "sla_policy_for",
    "sla_sweep",
    "tally_clocks",
    "tally_moved",
    "tally_rebuild",
]
