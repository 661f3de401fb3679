"""Support ending: the officer and the family are told four weeks before, staff record a decision, and an end
with no decision raises a concern by itself.

The outreach teaching of child 1 ends on Friday 18 December 2026, so the reminder is due on Friday 20 November.
"""

from datetime import date

import pytest
from django.test import Client

from casework.models import Case
from notifications.models import Notification
from provision.ending import support_ending_sweep
from provision.models import SupportEnding
from tests.escalations.conftest import at, uk

from .conftest import weekly

ENDS = date(2026, 12, 18)


@pytest.fixture
def ending(borough, bodies):
    weekly(bodies.teaching, body=borough.organisation, provider=bodies.outreach, ends_on=ENDS)
    return bodies.teaching


def sweep(day: date) -> int:
    with at(uk(day.year, day.month, day.day, 9)):
        return support_ending_sweep(today=day)


def told(user, template):
    return Notification.objects.filter(recipient=user, template=template, channel="in_app")


def test_the_officer_and_the_family_are_told_four_weeks_before_and_once(borough, ending):
    assert sweep(date(2026, 11, 19)) == 0
    assert sweep(date(2026, 11, 20)) == 1
    assert sweep(date(2026, 11, 20)) == 0

    family = told(borough.parent1, "provision_ending").get()
    assert "Specialist teaching for " in family.body and "Friday 18 December 2026" in family.body
    assert told(borough.officer1.user, "officer_provision_ending").count() == 1


def test_a_decision_is_recorded_with_its_reason_for_the_family_to_see(borough, ending, api):
    answer = api.as_user(borough.officer1.user).post(
        f"/api/provision/{ending.pk}/ending/",
        {"decision": "continue", "reason": "Still building trust with the teacher; carry on next term."},
        format="json",
    )

    assert answer.status_code == 200
    seen = {i["id"]: i for i in api.as_user(borough.parent1).get("/api/provision/").json()["results"]}
    assert seen[ending.pk]["ending"]["decision"] == "continue"
    assert seen[ending.pk]["ending"]["reason"] == "Still building trust with the teacher; carry on next term."
    # Decided: nothing is raised when the end date passes.
    sweep(date(2026, 11, 20))
    assert sweep(date(2026, 12, 19)) == 0
    assert not Case.objects.exists()


def test_no_decision_by_the_end_date_raises_one_concern_for_the_responsible_body(borough, ending):
    sweep(date(2026, 11, 20))

    assert sweep(date(2026, 12, 18)) == 0  # the last day is still in time
    assert sweep(date(2026, 12, 19)) == 1
    assert sweep(date(2026, 12, 21)) == 0

    case = Case.objects.get()
    assert (case.category_id, case.provision_item, case.organisation) == (
        "provision_not_delivered",
        ending,
        borough.organisation,
    )
    assert case.summary == "Specialist teaching: it ended on 18 December 2026 with no decision"
    assert SupportEnding.objects.get(item=ending).lapsed_case == case


@pytest.mark.parametrize("who", ["parent1", "outreach_worker"])
def test_only_the_responsible_bodys_staff_decide(borough, bodies, ending, api, who):
    user = getattr(borough, who, None) or getattr(bodies, who)
    answer = api.as_user(user).post(
        f"/api/provision/{ending.pk}/ending/", {"decision": "end", "reason": "x"}, format="json"
    )

    assert answer.status_code == 403
    assert SupportEnding.objects.get(item=ending).decision == ""


def test_a_decision_needs_a_reason_and_is_made_once(borough, ending, api):
    client = api.as_user(borough.officer1.user)
    url = f"/api/provision/{ending.pk}/ending/"

    assert client.post(url, {"decision": "end", "reason": ""}, format="json").status_code == 400
    assert client.post(url, {"decision": "stop", "reason": "x"}, format="json").status_code == 400
    assert client.post(url, {"decision": "end", "reason": "As the plan intends"}, format="json").status_code == 200
    assert client.post(url, {"decision": "continue", "reason": "Changed"}, format="json").status_code == 409


def test_the_officer_decides_on_the_page_and_the_family_reads_the_reason(borough, ending):
    officer, family = Client(), Client()
    officer.force_login(borough.officer1.user)
    family.force_login(borough.parent1)

    assert "Decide what happens when it ends" in officer.get(f"/provision/{ending.pk}/").content.decode()
    assert officer.post(f"/provision/{ending.pk}/when-it-ends/", {"decision": "replace"}).status_code == 400
    answer = officer.post(
        f"/provision/{ending.pk}/when-it-ends/", {"decision": "replace", "reason": "Speech therapy instead."}
    )
    assert answer.status_code == 302

    page = family.get(f"/provision/{ending.pk}/").content.decode()
    assert "replace it with other support" in page and "Speech therapy instead." in page
    assert family.get(f"/provision/{ending.pk}/when-it-ends/").status_code == 403
