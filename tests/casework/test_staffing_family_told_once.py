"""A family whose cases change hands together hears once, in one message listing each case and its new
named officer: when their officer leaves, when a manager moves a set of cases, and when cover is arranged."""

from notifications.models import Notification
from tests.casework.staffing_helpers import case_officers, log, pin

NOTE = "Dad works nights: call after 2pm."


def three_cases_of_one_family(borough, officer):
    return [pin(log(borough, category=category), officer) for category in ("other", "transport", "health")]


def family_messages(user):
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.IN_APP).exclude(
        template="case_logged"
    )


def test_offboarding_tells_a_family_with_three_cases_once(borough, api):
    leaver, successor = case_officers(borough.north)
    cases = three_cases_of_one_family(borough, leaver)

    response = api.as_user(borough.north.manager.user).post(
        f"/api/officers/{leaver.pk}/offboard/", {"successor": successor.pk, "note": NOTE}, format="json"
    )

    assert response.status_code == 200, response.content
    [message] = family_messages(borough.parent1)
    assert message.template == "family_cases_new_officers" and message.link == "/concerns/"
    for case in cases:
        assert f"{case.reference}: {successor.display_name}, taking over from {leaver.display_name}" in message.body
    assert "3 of your cases" in message.body and NOTE not in message.body
    assert Notification.objects.filter(recipient=borough.parent1, template="family_cases_new_officers").count() == 2


def test_moving_a_set_of_cases_tells_a_family_with_three_cases_once(borough, api):
    owner, colleague = case_officers(borough.north)
    cases = three_cases_of_one_family(borough, owner)
    other_family = pin(log(borough, child=borough.child2), owner)

    response = api.as_user(borough.north.manager.user).post(
        "/api/cases/reassign/",
        {"cases": [case.pk for case in [*cases, other_family]], "officer": colleague.pk, "note": NOTE},
        format="json",
    )

    assert response.status_code == 200, response.content
    [message] = family_messages(borough.parent1)
    assert all(case.reference in message.body for case in cases)
    assert other_family.reference not in message.body
    # A family with one case moved keeps the message about that case.
    [alone] = family_messages(borough.parent2)
    assert alone.template == "case_new_officer" and alone.link == f"/cases/{other_family.pk}/"


def test_arranging_cover_tells_a_family_with_three_cases_once(borough, api):
    owner, colleague = case_officers(borough.north)
    cases = three_cases_of_one_family(borough, owner)

    response = api.as_user(borough.north.manager.user).post(
        f"/api/officers/{owner.pk}/cover/", {"cover_officer": colleague.pk, "ends_at": "2099-01-01T17:00:00Z"},
        format="json",
    )

    assert response.status_code == 201, response.content
    [message] = family_messages(borough.parent1)
    assert message.template == "family_cover_arranged"
    assert all(case.reference in message.body for case in cases)


def test_a_carer_limited_to_one_child_hears_only_of_that_childs_case(borough, api):
    owner, colleague = case_officers(borough.north)
    cases = three_cases_of_one_family(borough, owner)
    sibling_case = pin(log(borough, child=borough.child2), owner)

    api.as_user(borough.north.manager.user).post(
        "/api/cases/reassign/",
        {"cases": [case.pk for case in [*cases, sibling_case]], "officer": colleague.pk, "note": NOTE},
        format="json",
    )

    [message] = family_messages(borough.parent2)
    assert message.template == "case_new_officer" and cases[0].reference not in message.body
