"""The timescales of the SLA rules that are not a policy's to set (DESIGN.md "SLA and escalation")."""

from .models import ClockKind

# DESIGN.md: the ladder climbs 5 and 10 working days after the first breach.
LADDER_WORKING_DAYS = {2: 5, 3: 10}
# A family's chase gets an answer from the team manager within this many working days.
CHASE_REPLY_WORKING_DAYS = 2
CHASE_INTERVAL_WORKING_DAYS = 5
# A case waiting on the family resumes by itself after this long.
PAUSE_LIMIT_WORKING_DAYS = 10
EXTENSION_LIMIT_WORKING_DAYS = 10
# The officer's own extension (LGSCO code 6.4); every one after it needs a manager.
EXTENSIONS_WITHOUT_A_MANAGER = 1
PAUSED_KINDS = (ClockKind.RESPOND, ClockKind.RESOLVE)
