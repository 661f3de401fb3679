"""Who is who, what each child is owed, and the cases families raise.

Every case has exactly one accountable officer from the moment it exists
(DESIGN.md, invariant 1). Writes go through `casework.services`; nothing here
changes state by itself. The modules of this package each hold one part; the
models are read from here.
"""

from .cases import CASE_MOVES, Case, CaseMessage, CaseReferenceCounter, case_moves_available, save_many_with_history
from .chain import CaseChain
from .events import CaseAccess, CaseEvent, CaseEventManager
from .families import EHCP, Category, Child, Family, FamilyMember, ProvisionItem
from .routing import RoutingRule
from .staff import Area, Cover, CoverQuerySet, Officer, Organisation, Team

__all__ = [
    "CASE_MOVES",
    "EHCP",
    "Area",
    "Case",
    "CaseAccess",
    "CaseChain",
    "CaseEvent",
    "CaseEventManager",
    "CaseMessage",
    "CaseReferenceCounter",
    "Category",
    "Child",
    "Cover",
    "CoverQuerySet",
    "Family",
    "FamilyMember",
    "Officer",
    "Organisation",
    "ProvisionItem",
    "RoutingRule",
    "Team",
    "case_moves_available",
    "save_many_with_history",
]
