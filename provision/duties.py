"""Who the law makes answerable for each section of an EHCP, and the duty in words a family understands.

- Section F, special educational provision: the council must secure it.
  Children and Families Act 2014, s42(2): "the local authority must secure the
  specified special educational provision for the child or young person."
- Section G, health care provision: the health commissioner must arrange it, today the
  Integrated Care Board. CFA 2014 s42(3): "If the plan specifies health care provision,
  the responsible commissioning body must arrange the specified health care provision."
- Section H1, social care provision made under the Chronically Sick and Disabled Persons
  Act 1970 s2 (SEND Code of Practice 9.69): the council, as social care authority.
- Section H2, any other social care provision reasonably required by the child's learning
  difficulties or disabilities (Code of Practice 9.70): the council's social care.
"""

from dataclasses import dataclass

from casework.models import Organisation, ProvisionItem

Section = ProvisionItem.Section
Kind = Organisation.Kind


@dataclass(frozen=True)
class Duty:
    body_kind: str
    # Finishes "The council must ..." / "The Integrated Care Board must ...".
    must: str
    law: str


DUTIES = {
    Section.F: Duty(Kind.COUNCIL, "make sure this happens", "Children and Families Act 2014, section 42(2)"),
    Section.G: Duty(Kind.ICB, "arrange this health care", "Children and Families Act 2014, section 42(3)"),
    Section.H1: Duty(
        Kind.COUNCIL, "provide this social care", "Chronically Sick and Disabled Persons Act 1970, section 2"
    ),
    Section.H2: Duty(Kind.COUNCIL, "provide this social care", "the social care duties named in the plan"),
}


def duty_of(section: str) -> Duty:
    return DUTIES[Section(section)]


def duty_in_words(item: ProvisionItem) -> str:
    """'The council must make sure this happens: Children and Families Act 2014, section 42(2).'"""
    duty = duty_of(item.section)
    body = item.responsible_body.name if item.responsible_body_id else _default_body_name(duty)
    return f"{body} must {duty.must}: {duty.law}."


def _default_body_name(duty: Duty) -> str:
    return "The Integrated Care Board" if duty.body_kind == Kind.ICB else "The council"
