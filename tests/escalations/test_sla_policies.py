"""Every row of DESIGN.md "Default policies" gives the due moments it says, and policies are data.

All cases are logged on Monday 23 November 2026 at 09:15 UK time (GMT, so also UTC).
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from casework.models import Case, Category
from escalations.models import Alert, ClockKind, SlaPolicy, Unit

from .conftest import at, events, iso_utc, log_case, outbox, sweep, uk

LOGGED = uk(2026, 11, 23, 9, 15)

# Monday 23 November 2026 + N working days, at 17:00 UK time.
ONE_DAY = uk(2026, 11, 24, 17)  # Tuesday
TWO_DAYS = uk(2026, 11, 25, 17)  # Wednesday
FIVE_DAYS = uk(2026, 11, 30, 17)  # Monday
TEN_DAYS = uk(2026, 12, 7, 17)  # Monday
TWENTY_DAYS = uk(2026, 12, 21, 17)  # Monday

NORMAL = ("normal", TWO_DAYS, TEN_DAYS, TWENTY_DAYS)
# (category, safeguarding, priority, acknowledge due, respond due, resolve due)
DEFAULTS_TABLE = [
    ("transport", False, "high", ONE_DAY, FIVE_DAYS, TEN_DAYS),
    ("provision_not_delivered", False, "high", TWO_DAYS, TEN_DAYS, TWENTY_DAYS),
    ("no_response", False, "high", ONE_DAY, FIVE_DAYS, TEN_DAYS),
    *[
        (slug, False, *NORMAL)
        for slug in (
            "process_delay",
            "transition",
            "placement",
            "inclusion",
            "health",
            "social_care",
            "panel_decision",
            "other",
        )
    ],
    # Safeguarding overrides the category: 4 working hours to acknowledge, 1 day, 10 days.
    ("other", True, "urgent", uk(2026, 11, 23, 13, 15), ONE_DAY, TEN_DAYS),
    ("transport", True, "urgent", uk(2026, 11, 23, 13, 15), ONE_DAY, TEN_DAYS),
    ("provision_not_delivered", True, "urgent", uk(2026, 11, 23, 13, 15), ONE_DAY, TEN_DAYS),
]


def due_moments(case):
    clocks = {clock.kind: clock for clock in case.clocks.all()}
    return clocks[ClockKind.ACKNOWLEDGE].due_at, clocks[ClockKind.RESPOND].due_at, clocks[ClockKind.RESOLVE].due_at


@pytest.mark.parametrize(
    "category, safeguarding, priority, acknowledge, respond, resolve",
    DEFAULTS_TABLE,
    ids=[f"{row[0]}{'-safeguarding' if row[1] else ''}" for row in DEFAULTS_TABLE],
)
def test_each_default_policy_gives_the_priority_and_due_moments_of_the_design_table(
    borough, api, category, safeguarding, priority, acknowledge, respond, resolve
):
    case = log_case(borough, when=LOGGED, category=category, safeguarding=safeguarding)

    assert case.priority == priority
    assert due_moments(case) == (acknowledge, respond, resolve)
    assert case.next_due_at == acknowledge
    with at(LOGGED):
        body = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
    assert body["priority"] == priority
    assert body["sla"]["acknowledge_due"] == iso_utc(acknowledge)
    assert body["sla"]["respond_due"] == iso_utc(respond)
    assert body["sla"]["resolve_due"] == iso_utc(resolve)
    assert body["sla"]["paused"] is False
    assert body["sla"]["breached"] == []


def test_provision_not_delivered_logged_on_a_monday_morning_matches_the_api_example(borough, api):
    case = log_case(borough, when=uk(2026, 11, 23, 9, 15), category="provision_not_delivered")

    with at(uk(2026, 11, 23, 9, 20)):
        sla = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()["sla"]
    assert sla["acknowledge_due"] == "2026-11-25T17:00:00Z"
    assert sla["respond_due"] == "2026-12-07T17:00:00Z"
    assert sla["resolve_due"] == "2026-12-21T17:00:00Z"


def test_sla_times_are_given_in_utc_even_in_british_summer_time(borough, api):
    # API.md: "times in ISO 8601 with offset (UTC)". Monday 15 June 2026, 09:15 BST is 08:15 UTC;
    # two working days later, 17:00 BST on Wednesday 17 June, is 16:00 UTC.
    case = log_case(borough, when=uk(2026, 6, 15, 9, 15), category="provision_not_delivered")

    with at(uk(2026, 6, 15, 9, 20)):
        body = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
    assert body["sla"]["acknowledge_due"] == "2026-06-17T16:00:00Z"
    assert body["sla"]["respond_due"] == "2026-06-29T16:00:00Z"
    assert body["sla"]["resolve_due"] == "2026-07-13T16:00:00Z"
    assert body["created_at"] == "2026-06-15T08:15:00Z"


def test_a_safeguarding_concern_logged_at_ten_is_due_for_acknowledgement_at_two_the_same_day(borough):
    case = log_case(borough, when=uk(2026, 11, 23, 10), category="other", safeguarding=True)

    acknowledge, respond, resolve = due_moments(case)
    assert acknowledge == uk(2026, 11, 23, 14)
    assert respond == uk(2026, 11, 24, 17)
    assert resolve == uk(2026, 12, 7, 17)
    assert case.priority == Case.Priority.URGENT


def test_a_safeguarding_concern_tells_the_team_manager_at_once(borough, api):
    manager = borough.north.manager

    case = log_case(borough, when=uk(2026, 11, 23, 10), category="other", safeguarding=True)

    assert case.escalation_level == 1
    alert = Alert.objects.get(case=case)
    assert alert.kind == Alert.Kind.SAFEGUARDING
    assert alert.level == 1
    assert alert.recipient == manager
    assert alert.recipient_role == Alert.Role.TEAM_MANAGER
    assert alert.owner == case.accountable_officer
    assert alert.created_at == uk(2026, 11, 23, 10)
    rows = outbox(manager.user, "manager_safeguarding_alert")
    assert rows.filter(channel="in_app").count() == 1
    assert rows.count() == rows.values("channel").distinct().count()
    assert events(case, "escalated").count() == 1
    with at(uk(2026, 11, 23, 10, 5)):
        body = api.as_user(borough.parent1).get(f"/api/cases/{case.pk}/").json()
    assert body["escalation_level"] == 1
    assert body["safeguarding"] is True


def test_a_concern_not_marked_safeguarding_tells_no_manager_when_logged(borough):
    case = log_case(borough, when=LOGGED, category="other")

    assert case.escalation_level == 0
    assert not Alert.objects.filter(case=case).exists()
    assert not outbox(borough.north.manager.user, "manager_safeguarding_alert").exists()


def test_an_edited_policy_applies_to_cases_logged_after_the_edit_and_not_to_earlier_ones(borough):
    before = log_case(borough, when=LOGGED, category="placement")
    policy = SlaPolicy.objects.get(category__isnull=True, safeguarding=False)
    policy.priority = "high"
    policy.acknowledge_within = 4
    policy.acknowledge_unit = Unit.WORKING_HOURS
    policy.respond_within = 3
    policy.resolve_within = 15
    policy.save()

    after = log_case(borough, when=LOGGED, category="placement", child=borough.child2)

    assert after.priority == "high"
    assert due_moments(after) == (uk(2026, 11, 23, 13, 15), uk(2026, 11, 26, 17), uk(2026, 12, 14, 17))
    assert before.priority == "normal"
    assert due_moments(Case.objects.get(pk=before.pk)) == (TWO_DAYS, TEN_DAYS, TWENTY_DAYS)


def test_a_category_given_its_own_policy_stops_following_the_default(borough):
    SlaPolicy.objects.create(
        category=Category.objects.get(pk="placement"),
        priority="high",
        acknowledge_within=1,
        respond_within=5,
        resolve_within=10,
        basis="Test: a child with no school place is missing education.",
    )

    placement = log_case(borough, when=LOGGED, category="placement")
    other = log_case(borough, when=LOGGED, category="inclusion", child=borough.child2)

    assert placement.priority == "high"
    assert due_moments(placement) == (ONE_DAY, FIVE_DAYS, TEN_DAYS)
    assert other.priority == "normal"
    assert due_moments(other) == (TWO_DAYS, TEN_DAYS, TWENTY_DAYS)


def test_an_edited_safeguarding_policy_applies_to_new_safeguarding_concerns(borough):
    policy = SlaPolicy.objects.get(safeguarding=True)
    policy.acknowledge_within = 2
    policy.save()

    case = log_case(borough, when=uk(2026, 11, 23, 10), category="other", safeguarding=True)

    assert due_moments(case)[0] == uk(2026, 11, 23, 12)


def test_a_safeguarding_concern_not_acknowledged_in_time_tells_the_team_manager_again(borough):
    manager = borough.north.manager
    case = log_case(borough, when=uk(2026, 11, 23, 10), category="other", safeguarding=True)

    sweep(uk(2026, 11, 23, 14, 1))

    kinds = sorted(Alert.objects.filter(case=case, recipient=manager).values_list("kind", flat=True))
    assert kinds == [Alert.Kind.ESCALATION, Alert.Kind.SAFEGUARDING]
    assert outbox(manager.user, "manager_escalation").filter(channel="in_app").count() == 1


def test_the_administrator_edits_a_policy_in_the_admin_site_and_new_concerns_follow_it(borough, client):
    administrator = get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password")
    client.force_login(administrator)
    transport = SlaPolicy.objects.get(category_id="transport")
    change = reverse("admin:escalations_slapolicy_change", args=[transport.pk])

    listed = client.get(reverse("admin:escalations_slapolicy_changelist"))
    edited = client.post(
        change,
        {"category": "transport", "priority": "high", "acknowledge_within": 2, "acknowledge_unit": Unit.WORKING_DAYS,
         "respond_within": 5, "resolve_within": 10, "basis": transport.basis},
    )
    case = log_case(borough, when=LOGGED, category="transport")

    assert listed.status_code == 200 and "Every other concern" in listed.content.decode()
    assert edited.status_code == 302
    assert due_moments(case) == (TWO_DAYS, FIVE_DAYS, TEN_DAYS)


def test_the_admin_site_cannot_turn_the_default_or_safeguarding_policy_into_a_categorys(borough, client):
    client.force_login(get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password"))

    for policy in SlaPolicy.objects.filter(category__isnull=True):
        client.post(
            reverse("admin:escalations_slapolicy_change", args=[policy.pk]),
            {"category": "placement", "safeguarding": "", "priority": policy.priority,
             "acknowledge_within": policy.acknowledge_within, "acknowledge_unit": policy.acknowledge_unit,
             "respond_within": policy.respond_within, "resolve_within": policy.resolve_within, "basis": policy.basis},
        )

    assert SlaPolicy.objects.filter(category__isnull=True, safeguarding=False).count() == 1
    assert SlaPolicy.objects.filter(safeguarding=True, category__isnull=True).count() == 1
    assert log_case(borough, when=LOGGED, category="other").priority == "normal"


def test_the_admin_site_refuses_a_timescale_of_nought_which_would_escalate_every_concern_at_once(borough, client):
    client.force_login(get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password"))
    transport = SlaPolicy.objects.get(category_id="transport")

    response = client.post(
        reverse("admin:escalations_slapolicy_change", args=[transport.pk]),
        {"priority": "high", "acknowledge_within": 0, "acknowledge_unit": Unit.WORKING_DAYS,
         "respond_within": 0, "resolve_within": 0, "basis": transport.basis},
    )

    assert response.status_code == 200
    assert response.content.decode().count("Ensure this value is greater than or equal to 1.") == 3
    transport.refresh_from_db()
    assert (transport.acknowledge_within, transport.respond_within, transport.resolve_within) != (0, 0, 0)


def test_the_default_and_safeguarding_policies_cannot_be_deleted_in_the_admin_site(borough, client):
    client.force_login(get_user_model().objects.create_superuser("council-admin", "admin@example.org", "password"))

    for policy in SlaPolicy.objects.filter(category__isnull=True):
        response = client.post(reverse("admin:escalations_slapolicy_delete", args=[policy.pk]), {"post": "yes"})
        assert response.status_code == 403

    assert log_case(borough, when=LOGGED, category="placement").priority == "normal"
