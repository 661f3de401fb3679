"""Routing (DESIGN.md "Routing"): the first matching rule picks the team; within it continuity, then the
least-loaded case officer, then the team manager. A concern nobody can take is refused whole."""

import logging
import threading
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from casework import services, staffing
from casework.models import Area, Case, CaseEvent, Category, RoutingRule
from core.exceptions import Conflict
from escalations import services as sla
from notifications.models import Notification
from tests.factories import (
    ChildFactory,
    EHCPFactory,
    OrganisationFactory,
    make_parent,
    make_team,
)


def log(actor, child, category="other", **fields):
    return services.case_log(
        actor=actor,
        child_id=child.pk,
        category_slug=category,
        summary=fields.pop("summary", "Support not delivered"),
        description=fields.pop("description", "Nothing since September."),
        **fields,
    )


def case_officers(team):
    return list(team.officers.filter(is_manager=False).order_by("pk"))


def new_family_child(borough, **fields):
    child = ChildFactory(family__organisation=borough.organisation, family__area=borough.child1.family.area, **fields)
    EHCPFactory(child=child)
    return child, make_parent(child)


def give_open_cases(borough, officer, count):
    """Give `officer` `count` open cases, each for a different new child (no continuity in play)."""
    for _ in range(count):
        child, parent = new_family_child(borough)
        case = log(parent, child)
        if case.accountable_officer_id != officer.pk:
            services.case_reassign(actor=borough.north.manager.user, case=case, officer=officer, note="Set-up.")


def row_counts():
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Case.history.model.objects.count(),
        Notification.objects.count(),
    )


# --- within a team ---------------------------------------------------------------------


def test_a_new_concern_goes_to_a_case_officer_not_the_team_manager(borough):
    case = log(borough.parent1, borough.child1)
    assert case.team == borough.north
    assert case.accountable_officer in case_officers(borough.north)
    assert case.accountable_officer != borough.north.manager


def test_a_second_concern_for_the_same_child_goes_to_the_officer_holding_the_first_open_case(borough):
    first = log(borough.parent1, borough.child1)
    holder = first.accountable_officer
    # The holder is now the busiest officer in the team, so only continuity explains the choice.
    give_open_cases(borough, holder, 2)

    second = log(borough.parent1, borough.child1, category="placement")

    assert second.accountable_officer == holder


def test_continuity_only_counts_open_cases(borough):
    first = log(borough.parent1, borough.child1)
    holder = first.accountable_officer
    services.case_close(actor=borough.head_of_service.user, case=first, outcome="Sorted on the phone.")
    give_open_cases(borough, holder, 2)

    second = log(borough.parent1, borough.child1)

    assert second.accountable_officer != holder
    assert second.accountable_officer in case_officers(borough.north)


def test_continuity_stays_within_the_team_the_rules_chose(borough):
    transport_case = log(borough.parent1, borough.child1, category="transport")
    assert transport_case.team == borough.transport

    north_case = log(borough.parent1, borough.child1, category="other")

    assert north_case.team == borough.north
    assert north_case.accountable_officer in case_officers(borough.north)


def test_the_case_officer_with_the_fewest_open_cases_gets_the_next_concern(borough):
    busy, free = case_officers(borough.north)
    give_open_cases(borough, busy, 2)
    give_open_cases(borough, borough.north.manager, 3)

    case = log(borough.parent1, borough.child1)

    assert case.accountable_officer == free


def test_resolved_and_closed_cases_do_not_count_towards_an_officers_load(borough):
    lighter, heavier = case_officers(borough.north)
    give_open_cases(borough, heavier, 1)
    give_open_cases(borough, lighter, 3)
    for case in Case.objects.filter(accountable_officer=lighter):
        services.case_close(actor=borough.head_of_service.user, case=case, outcome="Done.")

    case = log(borough.parent1, borough.child1)

    assert case.accountable_officer == lighter


def test_inactive_officers_never_get_a_concern(borough):
    leaver, stayer = case_officers(borough.north)
    give_open_cases(borough, stayer, 3)
    leaver.active = False
    leaver.save()

    case = log(borough.parent1, borough.child1)

    assert case.accountable_officer == stayer


def test_a_team_with_no_active_case_officers_routes_to_its_manager(borough):
    for officer in case_officers(borough.north):
        officer.active = False
        officer.save()

    case = log(borough.parent1, borough.child1)

    assert case.accountable_officer == borough.north.manager
    assert case.team == borough.north


# --- choosing the team -------------------------------------------------------------------


def test_a_transport_concern_goes_to_the_transport_team(borough):
    case = log(borough.parent2, borough.child2, category="transport")
    assert case.team == borough.transport
    assert case.accountable_officer.team == borough.transport


def test_anything_else_falls_through_to_the_catch_all_team(borough):
    for slug in ["provision_not_delivered", "health", "other"]:
        assert log(borough.parent2, borough.child2, category=slug).team == borough.north


def test_a_safeguarding_rule_sends_safeguarding_concerns_to_its_team(borough):
    safeguarding_team = make_team(borough.organisation, "Safeguarding", officers=1)
    RoutingRule.objects.create(organisation=borough.organisation, position=5, safeguarding=True, team=safeguarding_team)

    flagged = log(borough.parent2, borough.child2, category="transport", safeguarding=True)
    not_flagged = log(borough.parent2, borough.child2, category="transport", safeguarding=False)

    assert flagged.team == safeguarding_team
    assert flagged.safeguarding is True
    assert not_flagged.team == borough.transport


def test_a_rule_for_non_safeguarding_concerns_lets_safeguarding_ones_through(borough):
    quiet_team = make_team(borough.organisation, "Quiet", officers=1)
    RoutingRule.objects.create(organisation=borough.organisation, position=5, safeguarding=False, team=quiet_team)

    assert log(borough.parent1, borough.child1, safeguarding=False).team == quiet_team
    assert log(borough.parent1, borough.child1, safeguarding=True).team == borough.north


def test_an_area_rule_sends_that_areas_families_to_its_team(borough):
    south = Area.objects.create(organisation=borough.organisation, name="South")
    south_team = make_team(borough.organisation, "SEND South", officers=1)
    RoutingRule.objects.create(organisation=borough.organisation, position=50, area=south, team=south_team)
    south_child = ChildFactory(family__organisation=borough.organisation, family__area=south)
    south_parent = make_parent(south_child)

    assert log(south_parent, south_child).team == south_team
    assert log(borough.parent1, borough.child1).team == borough.north


def birthday_years_ago(years):
    today = timezone.localdate(timezone=ZoneInfo("Europe/London"))
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return date(today.year - years, 3, 1)


@pytest.mark.parametrize(
    "age, goes_to_adulthood",
    [(15, False), (16, True), (25, True), (26, False)],
)
def test_an_age_rule_sends_young_people_in_its_age_band_to_its_team(borough, age, goes_to_adulthood):
    adulthood = make_team(borough.organisation, "Preparing for adulthood", officers=1)
    RoutingRule.objects.create(organisation=borough.organisation, position=50, min_age=16, max_age=25, team=adulthood)
    # Born exactly `age` years ago today: the birthday counts.
    child = ChildFactory(
        family__organisation=borough.organisation, family__area=borough.child1.family.area,
        date_of_birth=birthday_years_ago(age),
    )
    parent = make_parent(child)

    case = log(parent, child)

    assert (case.team == adulthood) is goes_to_adulthood


def test_the_first_matching_rule_by_position_wins_whatever_order_rules_were_added(borough):
    late_but_first = make_team(borough.organisation, "Transport escalations", officers=1)
    # Added after the Transport rule (position 10) but tried before it.
    RoutingRule.objects.create(
        organisation=borough.organisation, position=1, category=Category.objects.get(pk="transport"), team=late_but_first
    )

    assert log(borough.parent2, borough.child2, category="transport").team == late_but_first
    assert log(borough.parent2, borough.child2, category="other").team == borough.north


def test_a_rule_with_every_condition_must_match_on_all_of_them(borough):
    south = Area.objects.create(organisation=borough.organisation, name="South")
    narrow = make_team(borough.organisation, "Narrow", officers=1)
    RoutingRule.objects.create(
        organisation=borough.organisation,
        position=1,
        category=Category.objects.get(pk="transport"),
        area=south,
        safeguarding=True,
        team=narrow,
    )
    # North family, transport, safeguarding: the area does not match.
    assert log(borough.parent1, borough.child1, category="transport", safeguarding=True).team == borough.transport


def test_rules_of_another_council_are_never_used(borough):
    elsewhere = OrganisationFactory(name="Elsewhere")
    their_team = make_team(elsewhere, "Their team", officers=1)
    RoutingRule.objects.create(organisation=elsewhere, position=0, team=their_team)

    assert log(borough.parent1, borough.child1).team == borough.north


# --- when the rules or the team cannot place a concern: up the ladder, never turned away -----------


def post_concern(api, parent, child, category="other", safeguarding=False):
    return api.as_user(parent).post(
        "/api/cases/",
        {
            "child": child.pk,
            "category": category,
            "summary": "Speech therapy stopped",
            "description": "Nothing since September.",
            "safeguarding": safeguarding,
        },
        format="json",
    )


def leave(*officers):
    for officer in officers:
        officer.active = False
        officer.save()


def nobody_left_in(team):
    leave(*team.officers.all())


def remove_the_catch_all_rule(borough):
    RoutingRule.objects.filter(organisation=borough.organisation, category__isnull=True).delete()


def give_the_director_a_team(borough):
    office = make_team(borough.organisation, "Director's office", officers=0)
    borough.director.team = office
    borough.director.save()
    return office


def timeline(api, user, case_id):
    return api.as_user(user).get(f"/api/cases/{case_id}/timeline/").json()["results"]


def inbox(user, template):
    return Notification.objects.filter(recipient=user, template=template, channel=Notification.Channel.IN_APP)


def test_a_team_with_nobody_active_sends_the_concern_to_its_head_of_service_who_is_told_why(borough, api, caplog):
    nobody_left_in(borough.north)

    with caplog.at_level(logging.WARNING, logger="casework.services"):
        response = post_concern(api, borough.parent1, borough.child1)

    assert response.status_code == 201, response.content
    case = response.json()
    assert case["accountable_officer"]["id"] == borough.head_of_service.pk
    assert Case.objects.get(pk=case["id"]).team == borough.north
    # The head of service hears why it is theirs and what to do, in one message about this case.
    message = inbox(borough.head_of_service.user, "manager_case_fallback").get()
    assert message.link == f"/cases/{case['id']}/"
    assert case["reference"] in message.subject
    assert "nobody in SEND North can take it" in message.body
    assert "head of service" in message.body
    assert "Please take it on yourself, or give it to an officer who can." in message.body
    # Staff see why on the timeline; the family sees only that it was logged and who has it.
    staff_lines = timeline(api, borough.head_of_service.user, case["id"])
    note = next(line for line in staff_lines if line["internal"])
    assert note["kind"] == "note" and note["actor"] is None
    assert "nobody in SEND North can take it" in note["text"]
    family_lines = timeline(api, borough.parent1, case["id"])
    assert [line["kind"] for line in family_lines] == ["logged"]
    assert "SEND North" not in str(family_lines)
    # Whoever looks after routing finds it in the log, with the case and the council.
    assert case["reference"] in caplog.text and "Test Borough" in caplog.text


def test_with_the_head_of_service_gone_too_the_concern_goes_to_the_director(borough, api):
    nobody_left_in(borough.north)
    leave(borough.head_of_service)

    response = post_concern(api, borough.parent1, borough.child1)

    assert response.status_code == 201, response.content
    case = response.json()
    assert case["accountable_officer"]["id"] == borough.director.pk
    assert Case.objects.get(pk=case["id"]).team == borough.north
    message = inbox(borough.director.user, "manager_case_fallback").get()
    assert "director" in message.body and "nobody in SEND North can take it" in message.body


def test_the_team_manager_taking_a_concern_is_not_a_fallback_anyone_is_told_about(borough, api):
    leave(*case_officers(borough.north))

    response = post_concern(api, borough.parent1, borough.child1)

    assert response.json()["accountable_officer"]["id"] == borough.north.manager_id
    assert not Notification.objects.filter(template="manager_case_fallback").exists()
    assert not CaseEvent.objects.filter(internal=True).exists()


def test_a_concern_no_rule_matches_goes_to_the_director_in_their_own_team(borough, api, caplog):
    remove_the_catch_all_rule(borough)
    office = give_the_director_a_team(borough)

    with caplog.at_level(logging.WARNING, logger="casework.services"):
        response = post_concern(api, borough.parent1, borough.child1)

    assert response.status_code == 201, response.content
    case = response.json()
    assert case["accountable_officer"]["id"] == borough.director.pk
    assert Case.objects.get(pk=case["id"]).team == office
    message = inbox(borough.director.user, "manager_case_fallback").get()
    assert "none of the council's routing rules matches it" in message.body
    assert "director" in message.body
    note = next(line for line in timeline(api, borough.director.user, case["id"]) if line["internal"])
    assert "none of the council's routing rules matches it" in note["text"]
    assert [line["kind"] for line in timeline(api, borough.parent1, case["id"])] == ["logged"]
    assert case["reference"] in caplog.text and "Test Borough" in caplog.text


PLAIN_REFUSAL = (
    "Your concern has not been sent, and nothing has been saved. This is not your fault: at the moment "
    "nobody at the council is set up to take it. Please try again later. If it cannot wait, phone or email "
    "your council's SEND team and tell them what you wrote."
)


def no_rule_and_a_director_without_a_team(borough):
    remove_the_catch_all_rule(borough)


def no_rule_and_the_director_gone(borough):
    remove_the_catch_all_rule(borough)
    give_the_director_a_team(borough)
    leave(borough.director)


def no_rule_and_no_director(borough):
    remove_the_catch_all_rule(borough)
    borough.organisation.director = None
    borough.organisation.save()


def nobody_on_the_teams_whole_ladder(borough):
    nobody_left_in(borough.north)
    leave(borough.head_of_service, borough.director)


@pytest.mark.parametrize(
    "nobody",
    [no_rule_and_a_director_without_a_team, no_rule_and_the_director_gone, no_rule_and_no_director,
     nobody_on_the_teams_whole_ladder],
)
def test_only_when_truly_nobody_can_own_it_is_a_concern_refused_with_409_in_plain_words_and_nothing_written(
    borough, api, caplog, nobody
):
    nobody(borough)
    before = row_counts()

    with caplog.at_level(logging.ERROR, logger="casework.routing"):
        response = post_concern(api, borough.parent1, borough.child1)

    assert response.status_code == 409
    assert response.json() == {"detail": PLAIN_REFUSAL}
    assert row_counts() == before
    assert "Test Borough" in caplog.text
    # The service itself says the same, whoever calls it.
    with pytest.raises(Conflict):
        log(borough.parent1, borough.child1)
    assert row_counts() == before


def test_a_refused_safeguarding_concern_says_first_to_call_999_if_a_child_is_in_danger(borough, api):
    nobody_on_the_teams_whole_ladder(borough)

    response = post_concern(api, borough.parent1, borough.child1, safeguarding=True)

    assert response.status_code == 409
    assert response.json()["detail"] == f"If a child is in immediate danger, call 999 now. {PLAIN_REFUSAL}"


# --- two concerns at the same moment (PostgreSQL: real row locks) ---------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concerns_logged_at_the_same_moment_get_distinct_active_officers_and_references(borough):
    barrier = threading.Barrier(2, timeout=15)
    results, errors = {}, []

    def log_in_own_connection(name, parent, child):
        try:
            # Open this thread's own connection before the race starts.
            Case.objects.exists()
            barrier.wait()
            results[name] = log(parent, child)
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=log_in_own_connection, args=("one", borough.parent1, borough.child1)),
        threading.Thread(target=log_in_own_connection, args=("two", borough.parent2, borough.child2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert set(results) == {"one", "two"}
    cases = list(Case.objects.filter(pk__in=[case.pk for case in results.values()]).select_related("accountable_officer"))
    assert len(cases) == 2
    assert all(case.accountable_officer.active for case in cases)
    assert all(case.accountable_officer in case_officers(borough.north) for case in cases)
    assert cases[0].accountable_officer != cases[1].accountable_officer
    assert cases[0].reference != cases[1].reference


def reference_number(case) -> int:
    return int(case.reference.rsplit("-", 1)[1])


def test_a_concern_that_fails_after_taking_its_number_leaves_nothing_and_references_run_on(borough, monkeypatch):
    first = log(borough.parent1, borough.child1)

    def clocks_fail(**kwargs):
        raise RuntimeError("the database went away")

    with monkeypatch.context() as patched:
        patched.setattr(sla, "clocks_start", clocks_fail)
        with pytest.raises(RuntimeError):
            log(borough.parent1, borough.child1)
    second = log(borough.parent2, borough.child2)

    # References may have gaps (README, "Performance"): the failed concern's number may go unused.
    assert Case.objects.count() == 2
    assert reference_number(second) > reference_number(first)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concerns_logged_at_the_same_moment_take_consecutive_references(borough):
    barrier = threading.Barrier(4, timeout=15)
    results, errors = [], []

    def log_in_own_connection(parent, child):
        try:
            Case.objects.exists()
            barrier.wait()
            results.append(log(parent, child))
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    families = [(borough.parent1, borough.child1), (borough.parent2, borough.child2)] * 2
    threads = [threading.Thread(target=log_in_own_connection, args=family) for family in families]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(reference_number(case) for case in results) == [1, 2, 3, 4]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concern_going_up_the_ladder_while_the_head_of_service_is_offboarded_never_ends_with_a_leaver(borough):
    nobody_left_in(borough.north)
    barrier = threading.Barrier(2, timeout=15)
    results, errors = {}, []

    def offboarding():
        try:
            Case.objects.exists()
            barrier.wait()
            results["offboard"] = staffing.officer_offboard(
                actor=borough.director.user, officer=borough.head_of_service, note="Retiring at Easter."
            )
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    def logging_a_concern():
        try:
            Case.objects.exists()
            barrier.wait()
            results["case"] = log(borough.parent1, borough.child1)
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=offboarding), threading.Thread(target=logging_a_concern)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == [], [f"{type(error).__name__}: {error}" for error in errors]
    case = Case.objects.select_related("accountable_officer").get(pk=results["case"].pk)
    # Whichever came first, the case ends with the director: straight away, or handed on by the offboarding.
    assert case.accountable_officer == borough.director and case.accountable_officer.active
    assert case.team == borough.north
