"""factory-boy factories for the casework model. Build a borough in a line or two."""

from datetime import date

import factory
from django.contrib.auth import get_user_model
from faker import Faker

from casework.models import (
    EHCP,
    Area,
    Child,
    Family,
    FamilyMember,
    Officer,
    Organisation,
    ProvisionItem,
    RoutingRule,
    Team,
)

BRITISH_NAMES = Faker("en_GB")


def plain_name(part: str):
    """A first or last name from Faker's British list, without an apostrophe: tests look for names in pages as
    plain text, and a page rightly escapes O'Brien's apostrophe, which failed a test whenever that name came up."""
    return factory.LazyFunction(lambda: getattr(BRITISH_NAMES, part)().replace("'", ""))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = plain_name("first_name")
    last_name = plain_name("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("password")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Borough {n}")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Area {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    job_title = "SEND case officer"


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Family {n}")


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    family = factory.SubFactory(FamilyFactory)
    first_name = plain_name("first_name")
    last_name = plain_name("last_name")
    date_of_birth = date(2016, 5, 1)


class EHCPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EHCP

    child = factory.SubFactory(ChildFactory)
    reference = factory.Sequence(lambda n: f"EHCP-T-{n:05d}")


class ProvisionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProvisionItem

    ehcp = factory.SubFactory(EHCPFactory)
    section = ProvisionItem.Section.F
    description = "Speech and language therapy"
    amount = "1 hour"
    frequency = "weekly"
    provider = "Community NHS Trust"


def make_parent(child: Child, **user_fields):
    user = UserFactory(**user_fields)
    FamilyMember.objects.create(family=child.family, user=user)
    return user


def make_team(organisation: Organisation, name: str, *, officers: int = 2, manager_name: str | None = None) -> Team:
    """A team with its manager and `officers` case officers, all active."""
    team = TeamFactory(organisation=organisation, name=name)
    manager = OfficerFactory(team=team, is_manager=True, job_title="Team manager",
                             user__username=manager_name or f"{name.lower().replace(' ', '')}-manager")
    team.manager = manager
    team.save()
    for _ in range(officers):
        OfficerFactory(team=team)
    return team


def route_everything_to(team: Team, position: int = 1000) -> RoutingRule:
    return RoutingRule.objects.create(organisation=team.organisation, team=team, position=position)
