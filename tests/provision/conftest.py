"""A borough whose children's provision is delivered by others: an ICB, an NHS trust's therapy service and the
council's outreach service, each with their own staff.

Autumn 2026 (the usual term dates): the first half runs 2 September to 23 October, half term is 26 to 30
October, the second half 2 November to 18 December.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from casework.models import Organisation, ProvisionItem, RoutingRule
from provision import services
from provision.models import ProviderStaff
from tests.escalations.conftest import at, uk
from tests.factories import OrganisationFactory, ProvisionItemFactory, UserFactory, make_team

Kind = Organisation.Kind


@dataclass
class Bodies:
    icb: Organisation
    trust: Organisation
    outreach: Organisation
    dco_team: object
    therapist: object  # provider staff of the NHS trust
    outreach_worker: object  # provider staff of the outreach service
    therapy: ProvisionItem  # child1, section G, the ICB answers, the trust delivers
    teaching: ProvisionItem  # child1, section F, the council answers, outreach delivers
    other_child_teaching: ProvisionItem  # child2, section F, the council answers, outreach delivers

    @property
    def dco_officer(self):
        return self.dco_team.officers.filter(is_manager=False).order_by("pk").first()


def provider_staff(organisation, username) -> object:
    user = UserFactory(username=username)
    ProviderStaff.objects.create(user=user, organisation=organisation, job_title="Therapist")
    return user


def weekly(item, *, body, provider, starts_on=date(2026, 9, 2), ends_on=date(2027, 7, 21), minutes=60):
    """Give an item the plan's amount, as the council's director: one session a week in term time."""
    with at(uk(2026, 9, 1, 9)):
        return services.provision_obligation_set(
            actor=item.ehcp.child.family.organisation.director.user,
            item=item,
            responsible_body=body,
            provider_organisation=provider,
            sessions=1,
            minutes=minutes,
            per=ProvisionItem.Per.WEEK,
            term_time_only=True,
            starts_on=starts_on,
            ends_on=ends_on,
        )


@pytest.fixture
def bodies(borough) -> Bodies:
    icb = OrganisationFactory(name="Test Integrated Care Board", kind=Kind.ICB)
    trust = OrganisationFactory(name="Community NHS Trust", kind=Kind.NHS_TRUST)
    outreach = OrganisationFactory(name="Early Years Outreach", kind=Kind.OUTREACH)
    dco_team = make_team(icb, "Designated Clinical Officer", officers=1)
    RoutingRule.objects.create(organisation=icb, position=10, team=dco_team)
    council = borough.organisation
    therapy = ProvisionItemFactory(
        ehcp=borough.child1.ehcp, section="G", description="Speech and language therapy", provider="NHS trust"
    )
    teaching = ProvisionItemFactory(
        ehcp=borough.child1.ehcp, section="F", description="Specialist teaching", provider="Outreach"
    )
    other = ProvisionItemFactory(
        ehcp=borough.child2.ehcp, section="F", description="Specialist teaching", provider="Outreach"
    )
    weekly(therapy, body=icb, provider=trust)
    weekly(teaching, body=council, provider=outreach)
    weekly(other, body=council, provider=outreach)
    return Bodies(
        icb=icb,
        trust=trust,
        outreach=outreach,
        dco_team=dco_team,
        therapist=provider_staff(trust, "provider1"),
        outreach_worker=provider_staff(outreach, "outreach1"),
        therapy=ProvisionItem.objects.get(pk=therapy.pk),
        teaching=ProvisionItem.objects.get(pk=teaching.pk),
        other_child_teaching=ProvisionItem.objects.get(pk=other.pk),
    )
