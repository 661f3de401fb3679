"""Reads of statutory processes, built for the person asking (DESIGN.md invariant 6).

A family sees only their own children's processes; staff those of their own
councils. Anything else is simply not found (404), exactly as if it did not exist.
"""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from casework.models import Child, Officer
from casework.permissions import children_of_family_member, officer_of, organisations_of

from .models import Decision, Process, Step, StepException


def _scope(user) -> Q:
    if user.is_superuser:
        return Q()
    officer = officer_of(user)
    if officer is not None:
        return Q(organisation_id__in=organisations_of(officer))
    # A carer invited for one child sees that child's processes, not their brothers' and sisters'.
    return Q(child_id__in=list(children_of_family_member(user).values_list("pk", flat=True)))


def processes_visible_to(user) -> QuerySet[Process]:
    """Every process `user` may see, with its steps, decisions and exceptions loaded."""
    if not user.is_authenticated:
        return Process.objects.none()
    return _with_what_a_process_shows(Process.objects.filter(_scope(user)))


def _with_what_a_process_shows(processes: QuerySet[Process]) -> QuerySet[Process]:
    officers = Officer.objects.select_related("user", "team")
    return processes.select_related("child", "coordinator__user", "coordinator__team").prefetch_related(
        Prefetch("steps", queryset=Step.objects.order_by("position", "id")),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("approved_by__user", "superseded_by")
            .prefetch_related(Prefetch("panel", queryset=officers))
            .order_by("decided_on", "id"),
        ),
        Prefetch(
            "exceptions",
            queryset=StepException.objects.select_related("step", "recorded_by", "withdrawn_by").order_by(
                "starts_on", "id"
            ),
        ),
    )


def process_get_for_user(user, process_id) -> Process:
    """The process, if `user` may see it. Missing and forbidden look the same: 404."""
    try:
        return processes_visible_to(user).get(pk=int(process_id))
    except (Process.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No statutory process found.") from None


def process_as_acted_on(process_id) -> Process:
    """The process as a service has just left it, to answer whoever acted (who may see it already)."""
    return _with_what_a_process_shows(Process.objects.filter(pk=process_id)).get()


def late_steps(today: date) -> QuerySet[Step]:
    """Steps the council owes whose legal date has passed, not done and not lifted (the `step_open_due` index)."""
    return Step.objects.filter(
        done_on__isnull=True, not_needed=False, lifted=False, due_on__isnull=False, due_on__lt=today,
        family_to_act=False,
    )


def processes_late(processes: QuerySet[Process], today: date) -> QuerySet[Process]:
    return processes.filter(Exists(late_steps(today).filter(process=OuterRef("pk"))))


def steps_due_for_coordinator(officer: Officer) -> QuerySet[Step]:
    """The coordinator's open statutory dates, next due first: for their queue beside their cases."""
    return (
        Step.objects.filter(
            process__coordinator=officer, process__status=Process.Status.OPEN, done_on__isnull=True,
            not_needed=False, due_on__isnull=False, family_to_act=False,
        )
        .select_related("process__child")
        .order_by("due_on", "id")
    )


def exception_get(process: Process, exception_id) -> StepException:
    """An exception of a process the caller may already see; 404 for one of another process."""
    try:
        return process.exceptions.select_related("process", "step").get(pk=int(exception_id))
    except (StepException.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No exception found.") from None


def officers_of_council(organisation_id: int) -> QuerySet[Officer]:
    """Active officers of a council, to approve a decision or sit on its panel: its teams, heads and director."""
    return (
        Officer.objects.filter(active=True)
        .filter(
            Q(team__organisation_id=organisation_id)
            | Q(teams_headed__organisation_id=organisation_id)
            | Q(organisations_directed=organisation_id)
        )
        .distinct()
        .select_related("user", "team")
        .order_by("user__last_name", "user__first_name", "id")
    )


def children_of_councils_of(officer: Officer) -> QuerySet[Child]:
    """The children a member of staff may start a process for: those of their councils."""
    return Child.objects.filter(family__organisation_id__in=organisations_of(officer)).order_by(
        "last_name", "first_name", "id"
    )


def children_of_family_member_by_name(user) -> QuerySet[Child]:
    """The children a family member may ask an assessment for, as the request form lists them."""
    return children_of_family_member(user).order_by("first_name", "id")


# The coordinator's queue shows what is late and what falls due in the next fortnight; the rest is on
# their "Statutory dates" page.
QUEUE_HORIZON = timedelta(days=14)


def steps_for_queue(officer: Officer, today: date) -> QuerySet[Step]:
    return steps_due_for_coordinator(officer).filter(due_on__lte=today + QUEUE_HORIZON)


def process_coordinators(process: Process) -> list[dict]:
    """Every EHC coordinator the process has had, with when each held it, oldest first, read from its history."""
    changes = []
    for officer_id, at in process.history.order_by("history_date", "history_id").values_list(
        "coordinator_id", "history_date"
    ):
        if not changes or changes[-1][0] != officer_id:
            changes.append((officer_id, at))
    officers = Officer.objects.select_related("user", "team").in_bulk({officer_id for officer_id, _ in changes})
    ends = [at for _, at in changes[1:]] + [None]
    return [
        {"officer": officers.get(officer_id), "since": at, "until": until}
        for (officer_id, at), until in zip(changes, ends, strict=True)
    ]
