"""The made-up families and their concerns: pure functions of the seed, so every run gives the same borough."""

import random

from ..models import Case, FamilyMember
from .data import (
    CHILD_FIRST_NAMES,
    COLLEGE,
    CONCERN_WORDING,
    EDUCATION_16_PLUS,
    EDUCATION_UNDER_16,
    FAMILY_THANKS,
    HEALTH_AND_CARE,
    NAMED_FAMILIES,
    PARENT_FIRST_NAMES,
    PROVISION,
    RANDOM_SEED,
    SCHOOL,
    SCHOOLS,
    SPECIAL_SCHOOL,
    STAFF_NOTES,
    STATE_AGES,
    SURNAMES,
    WAITING_FOR_FAMILY,
    ChildSpec,
    Concern,
    FamilySpec,
    Parent,
    Step,
)


def family_specs() -> list[FamilySpec]:
    """The named families, then one more for each surname, drawn from a fixed seed."""
    rng = random.Random(RANDOM_SEED)
    child_names = iter(rng.sample(CHILD_FIRST_NAMES, len(CHILD_FIRST_NAMES)))
    parent_names = rng.sample(PARENT_FIRST_NAMES, len(PARENT_FIRST_NAMES))
    next_number = 1 + sum(len(family.parents) for family in NAMED_FAMILIES)
    families = list(NAMED_FAMILIES)
    for index, surname in enumerate(SURNAMES):
        area = "North" if index % 2 == 0 else "South"
        parents = [Parent(f"parent{next_number}", parent_names[index], surname)]
        next_number += 1
        if index % 8 == 3:
            # Some families have a second parent or carer, who hears about every case too.
            parents.append(Parent(f"parent{next_number}", parent_names[-1 - index], surname,
                                  FamilyMember.Relationship.CARER))
            next_number += 1
        children = []
        for _ in range(2 if index % 5 == 2 else 1):
            first_name = next(child_names)
            # Most children with a plan are of school age; about a quarter are 16 to 24.
            age = rng.randint(16, 24) if rng.random() < 0.25 else rng.randint(3, 15)
            children.append(ChildSpec(
                key=f"{first_name}-{surname}".lower(),
                first_name=first_name,
                last_name=surname,
                age=age,
                school=_school_for(age, area, rng),
                provision=_provision_for(age, rng),
                days_past_birthday=rng.randint(0, 364),
            ))
        families.append(FamilySpec(f"{surname} family", area, tuple(parents), tuple(children)))
    return families


def _school_for(age: int, area: str, rng: random.Random) -> str:
    if age >= 16:
        return COLLEGE
    if rng.random() < 0.2:
        return SPECIAL_SCHOOL
    stage = "early" if age < 5 else "primary" if age < 11 else "secondary"
    return SCHOOLS[(area, stage)]


def _provision_for(age: int, rng: random.Random) -> tuple[str, ...]:
    """Two to five lines, always some education (section F) and usually health or care (G, H1, H2)."""
    education = EDUCATION_16_PLUS if age >= 16 else EDUCATION_UNDER_16
    count = rng.randint(2, 5)
    from_education = rng.randint(1, min(2, count))
    return tuple(rng.sample(education, from_education) + rng.sample(HEALTH_AND_CARE, count - from_education))


def generated_concerns(families: list[FamilySpec]) -> list[Concern]:
    """Four cases ending in each state, for children of the families without a named walkthrough."""
    rng = random.Random(RANDOM_SEED)
    children = [child for family in families[len(NAMED_FAMILIES):] for child in family.children]
    states = list(STATE_AGES) * 4
    concerns = []
    for state, child in zip(states, children, strict=False):
        category = rng.choice(
            ["provision_not_delivered", "provision_not_delivered", "transition", "process_delay", "transport",
             "health", "social_care", "no_response"]
            if child.age >= 16
            else ["provision_not_delivered", "provision_not_delivered", "process_delay", "no_response",
                  "transport", "placement", "inclusion", "health", "social_care", "panel_decision", "other"]
        )
        provision = None
        if category == "provision_not_delivered":
            provision = rng.choice(child.provision)
            line = PROVISION[provision]
            provider = child.school if line.provider == SCHOOL else line.provider
            summary = f"{line.short} is not happening"
            description = (
                f"The plan says: {line.description}, {line.amount} {line.frequency}. "
                "It has not happened for weeks and nobody has told us why."
            )
            update = f"I have asked {provider} why this stopped and when it will start again."
            outcome = f"{provider} has confirmed it starts again next week. The missed sessions will be made up."
        else:
            summary, description, update, outcome = CONCERN_WORDING[category]
        low, high = STATE_AGES[state]
        concerns.append(Concern(
            child=child.key,
            days_ago=rng.randint(low, high),
            at=rng.choice(["08:20", "09:35", "12:50", "16:10", "20:30", "22:05"]),
            category=category,
            summary=summary,
            description=description,
            provision=provision,
            steps=_steps_to(state, update=update, outcome=outcome, rng=rng),
        ))
    return concerns


def _steps_to(state: str, *, update: str, outcome: str, rng: random.Random) -> tuple[Step, ...]:
    """What the named officer and the family do to bring a new case to `state`."""
    if state == Case.Status.NEW:
        return ()
    if state == Case.Status.ACKNOWLEDGED:
        return (Step(rng.choice([1, 2, 4]), "10:15", "acknowledge"),)
    under_way = (
        Step(1, "09:45", "acknowledge"),
        Step(2, "11:00", "start"),
        Step(3, "14:20", "message", update),
    )
    if state == Case.Status.IN_PROGRESS:
        return (*under_way, Step(3, "14:30", "note", rng.choice(STAFF_NOTES)))
    if state == Case.Status.AWAITING_PARENT:
        return (*under_way, Step(4, "10:40", "await_parent", rng.choice(WAITING_FOR_FAMILY)))
    if state == Case.Status.RESOLVED:
        return (
            *under_way,
            Step(4, "19:10", "message", rng.choice(FAMILY_THANKS), by="family"),
            Step(8, "15:45", "resolve", outcome),
        )
    return (
        *under_way,
        Step(7, "16:00", "resolve", outcome),
        Step(18, "10:00", "close", "Resolved, and the family did not reopen it."),
    )


# How `_play` tells its entries apart: a concern being logged, and a sweep (sorted first at any moment).
LOG = -1
SWEEP = -2
