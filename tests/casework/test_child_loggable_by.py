"""Who may log a concern for which child: `selectors.child_loggable_by`, whose hand-written SQL must say
exactly what `permissions.children_of_family_member` and the officer's councils say."""

from casework.models import Child, FamilyMember
from casework.permissions import children_of_family_member, officer_of
from casework.selectors import child_loggable_by
from tests.factories import ChildFactory, OfficerFactory, OrganisationFactory, TeamFactory, UserFactory, make_parent


def test_a_family_member_may_log_for_exactly_the_children_they_may_see(borough, stranger):
    family = borough.child1.family
    sibling = ChildFactory(family=family, first_name="Sam")
    elsewhere = ChildFactory(family__organisation=OrganisationFactory(), first_name="Kit")
    # A carer invited to one child, and one invited to a child of another family as well as their own.
    carer = UserFactory(username="carer")
    FamilyMember.objects.create(family=family, user=carer).children.add(borough.child1)
    both_ways = make_parent(elsewhere, username="both-ways")
    FamilyMember.objects.create(family=family, user=both_ways).children.add(sibling)
    children = [borough.child1, borough.child2, sibling, elsewhere]

    for user in (borough.parent1, borough.parent2, carer, both_ways, stranger):
        sees = set(children_of_family_member(user).values_list("pk", flat=True))
        may_log = {child.pk for child in children if child_loggable_by(user, child.pk) is not None}
        assert may_log == sees & {child.pk for child in children}, user.username
    assert child_loggable_by(carer, borough.child1.pk) is not None
    assert child_loggable_by(carer, sibling.pk) is None


def test_staff_may_log_for_any_child_of_their_council_and_no_other(borough):
    elsewhere = ChildFactory(family__organisation=OrganisationFactory(), first_name="Kit")
    teamless = OfficerFactory(team=None, user__username="teamless")

    assert child_loggable_by(borough.officer1.user, borough.child2.pk) is not None
    assert child_loggable_by(borough.officer1.user, elsewhere.pk) is None
    assert child_loggable_by(teamless.user, borough.child1.pk) is None
    assert child_loggable_by(OfficerFactory(team=TeamFactory(organisation=elsewhere.family.organisation)).user,
                             elsewhere.pk) is not None


def test_the_child_comes_with_its_family_council_and_area_as_the_database_holds_them(borough, django_assert_num_queries):
    parent = borough.parent1
    officer_of(parent)  # as the sign-in reads it, with the user

    with django_assert_num_queries(1):
        child = child_loggable_by(parent, borough.child1.pk)
        family = child.family
        described = (child.display_name, child.date_of_birth, family.name, family.organisation.name, family.area.name)

    expected = Child.objects.select_related("family__organisation", "family__area").get(pk=borough.child1.pk)
    assert described == (expected.display_name, expected.date_of_birth, expected.family.name,
                         expected.family.organisation.name, expected.family.area.name)
    assert child_loggable_by(parent, 10**30) is None
