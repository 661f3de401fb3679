"""Bodies other than the council own work: a section G concern belongs to the ICB, and a routing rule may only
send an organisation's work to its own teams."""

import pytest
from django.core.exceptions import ValidationError

from casework.models import Case, RoutingRule
from casework.services import case_log, case_reassign
from escalations.models import Alert
from tests.escalations.conftest import at, sweep, uk
from tests.factories import OfficerFactory


def log_about(item, parent):
    return case_log(
        actor=parent,
        child_id=item.ehcp.child_id,
        category_slug="provision_not_delivered",
        summary="No speech therapy this half term",
        description="The therapist has not come since September.",
        provision_item_id=item.pk,
    )


def test_a_health_provision_concern_is_owned_by_the_icbs_team_not_the_councils(borough, bodies, api):
    case = log_about(bodies.therapy, borough.parent1)

    assert case.organisation == bodies.icb
    assert case.team == bodies.dco_team
    assert case.accountable_officer == bodies.dco_officer
    answer = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
    assert answer["organisation"] == {"id": bodies.icb.pk, "name": "Test Integrated Care Board"}


def test_an_education_provision_concern_stays_with_the_council(borough, bodies):
    case = log_about(bodies.teaching, borough.parent1)

    assert case.organisation == borough.organisation
    assert case.team == borough.north


def test_council_staff_do_not_see_the_icbs_case_and_icb_staff_do(borough, bodies, api):
    case = log_about(bodies.therapy, borough.parent1)

    assert api.as_user(borough.officer1.user).get(f"/api/cases/{case.pk}/").status_code == 404
    assert api.as_user(borough.director.user).get(f"/api/cases/{case.pk}/").status_code == 404
    assert api.as_user(bodies.dco_officer.user).get(f"/api/cases/{case.pk}/").status_code == 200


def test_the_icb_reassigns_its_case_within_the_icb_only(borough, bodies):
    case = log_about(bodies.therapy, borough.parent1)
    colleague = OfficerFactory(team=bodies.dco_team)
    manager = bodies.dco_team.manager

    case_reassign(actor=manager.user, case=case, officer=colleague, note="Back from leave")
    assert Case.objects.get(pk=case.pk).accountable_officer == colleague
    with pytest.raises(ValidationError) as refused:
        case_reassign(actor=manager.user, case=case, officer=borough.officer1, note="Council's turn")
    assert "officer" in refused.value.message_dict


def test_a_rule_sending_a_councils_work_to_another_bodys_team_is_refused(borough, bodies):
    rule = RoutingRule(organisation=borough.organisation, position=1, team=bodies.dco_team)

    with pytest.raises(ValidationError) as refused:
        rule.full_clean()
    assert refused.value.message_dict["team"] == [
        "Designated Clinical Officer belongs to Test Integrated Care Board. Choose a team of Test Borough: "
        "each body's rules send its work to its own teams."
    ]


def test_a_rule_already_pointing_at_another_bodys_team_is_not_followed(borough, bodies):
    # Made before rules were checked: routing skips it, so the council's own next rule takes the concern.
    RoutingRule.objects.create(organisation=borough.organisation, position=1, team=bodies.dco_team)

    case = log_about(bodies.teaching, borough.parent1)
    assert case.team == borough.north


def test_the_family_reads_who_must_make_it_happen_and_the_law(borough, bodies, api):
    items = api.as_user(borough.parent1).get("/api/provision/").json()["results"]

    duties = {item["description"]: item["duty"] for item in items}
    assert duties["Speech and language therapy"] == (
        "Test Integrated Care Board must arrange this health care: Children and Families Act 2014, section 42(3)."
    )
    assert duties["Specialist teaching"] == (
        "Test Borough must make sure this happens: Children and Families Act 2014, section 42(2)."
    )


def test_health_provision_cannot_be_made_the_councils_duty(borough, bodies, api):
    officer = bodies.dco_officer
    answer = api.as_user(officer.user).put(
        f"/api/provision/{bodies.therapy.pk}/obligation/",
        {
            "responsible_body": borough.organisation.pk,
            "sessions": 1,
            "per": "week",
            "term_time_only": True,
            "starts_on": "2026-09-02",
        },
        format="json",
    )

    assert answer.status_code == 400
    assert "responsible_body" in answer.json()
    bodies.therapy.refresh_from_db()
    assert bodies.therapy.responsible_body == bodies.icb


def test_a_late_health_provision_concern_climbs_the_icbs_ladder_not_the_councils(borough, bodies):
    with at(uk(2026, 11, 23, 10)):
        case = log_about(bodies.therapy, borough.parent1)

    sweep(uk(2026, 11, 25, 17, 5))  # the acknowledgement was due at 5pm on Wednesday 25 November

    told = Alert.objects.filter(case=case, kind=Alert.Kind.ESCALATION).values_list("recipient_id", flat=True)
    assert list(told) == [bodies.dco_team.manager.pk]
