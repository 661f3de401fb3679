"""Who may do what to a statutory process. The one place these rules live, so the API and pages agree."""

from casework.models import Officer
from casework.permissions import children_of_family_member, officer_of, organisations_of, teams_overseen_by
from core.exceptions import NotAllowed

from .models import Process


def may_act_on(actor, process: Process) -> bool:
    """Only the named EHC coordinator, or a manager over their team, records steps, decisions and exceptions."""
    if actor.is_superuser:
        return True
    officer = officer_of(actor)
    if officer is None or not officer.active:
        return False
    if officer.pk == process.coordinator_id:
        return True
    return officer.is_manager and _manages_coordinator(officer, process)


def _manages_coordinator(manager: Officer, process: Process) -> bool:
    team_id = process.coordinator.team_id
    if team_id is None:
        # A coordinator above the teams (a head of service) answers to the council's director.
        return process.organisation_id in set(manager.organisations_directed.values_list("pk", flat=True))
    return teams_overseen_by(manager).filter(pk=team_id).exists()


def may_add_file(actor, process: Process) -> bool:
    """The coordinator or their manager may add evidence at any time. The family may add their own while the
    process is open: their advice and views are part of an assessment (SEND Regulations 2014, reg 6(1)(a)),
    and their comments on a draft plan are due within 15 days (reg 13(1)(a))."""
    if may_act_on(actor, process):
        return True
    if process.status != Process.Status.OPEN:
        return False
    return children_of_family_member(actor).filter(pk=process.child_id).exists()


def require_may_act_on(actor, process: Process) -> None:
    if not may_act_on(actor, process):
        raise NotAllowed("Only the EHC coordinator or their manager can do this.")


def works_for_council(officer: Officer, organisation_id: int) -> bool:
    """An active officer of this council: who may coordinate a process, approve a decision or sit on its panel."""
    return officer.active and organisation_id in organisations_of(officer)
