"""Helpers the staffing tests share: logging and pinning a case, and what was told or written."""

from casework.models import Case, CaseEvent, Cover
from notifications.models import Notification
from tests.escalations.conftest import log_case, uk
from tests.factories import OfficerFactory, OrganisationFactory, TeamFactory

NOTE = "Dad works nights: call after 2pm. School SENCo is helpful."
LOGGED_AT = uk(
    2026, 11, 23, 10, 0
)  # Monday; acknowledge due Wednesday 25th 17:00, reminder 09:00 that day


def case_officers(team):
    return list(team.officers.filter(is_manager=False).order_by("pk"))


def pin(case, officer):
    """Test set-up: make `officer` the named officer, whoever routing chose (routing has its own tests)."""
    Case.objects.filter(pk=case.pk).update(
        accountable_officer=officer, team=officer.team
    )
    case.refresh_from_db()
    return case


def log(borough, child=None, category="other", when=LOGGED_AT):
    return log_case(
        borough, when=when, category=category, child=child or borough.child1
    )


def told(user, template, case=None):
    found = Notification.objects.filter(
        recipient=user, template=template, channel=Notification.Channel.IN_APP
    )
    return found.filter(link=f"/cases/{case.pk}/") if case else found


def written():
    return (
        dict(Case.objects.values_list("pk", "accountable_officer_id")),
        CaseEvent.objects.count(),
        Case.history.count(),
        Notification.objects.count(),
        Cover.objects.count(),
    )


def mine(api, officer):
    response = api.as_user(officer.user).get("/api/cases/?mine=true")
    assert response.status_code == 200, response.content
    return {case["id"] for case in response.json()["results"]}


def officer_of_another_council():
    return OfficerFactory(
        team=TeamFactory(organisation=OrganisationFactory(name="Elsewhere Council"))
    )


def director_of_another_council():
    # Directors and heads of service belong to no team: their council is the one they direct or head.
    elsewhere = OrganisationFactory(name="Elsewhere Council")
    director = OfficerFactory(team=None, is_manager=True, job_title="Director")
    elsewhere.director = director
    elsewhere.save()
    return director
