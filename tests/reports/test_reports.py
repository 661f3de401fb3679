"""The reports, against a hand-built borough whose every figure was worked out by hand.

Eleven cases are logged through the services between Thursday 29 October and Monday
14 December 2026, worked on, handed over and swept at 17:30 on every working day from
23 November; the reports are then read at noon on Friday 18 December 2026. In November
and December the UK is on GMT, so UK time and UTC agree. Christmas Day and Monday
28 December are bank holidays; so is Friday 1 January 2027.

| case | logged        | category   | team      | what happens                                                                | resolve clock at noon 18 Dec |
| ---- | ------------- | ---------- | --------- | --------------------------------------------------------------------------- | ---------------------------- |
| O    | Thu 29 Oct    | health     | North     | acknowledged, started; resolve due 26 Nov runs out                          | (outside the period)         |
| A    | Mon 23 Nov 9  | provision  | North     | acknowledged Tue 24 Nov 10:00 (9); resolved Thu 3 Dec 9:00 (64)             | met                          |
| B    | Mon 23 Nov 10 | transport  | Transport | acknowledged late Wed 25 Nov 10:00 (16); resolved late Tue 8 Dec 10:00 (88) | breached                     |
| I    | Mon 23 Nov 11 | transport  | Transport | acknowledged 15:00 (4); never resolved, due 7 Dec                           | open, breached               |
| C    | Tue 24 Nov    | placement  | North     | never acknowledged; reassigned Nia → Noel on 27 Nov                         | open within (due 22 Dec)     |
| D    | Wed 25 Nov 9  | provision  | North     | acknowledged 15:00 (6); waiting on the family from 7 Dec                    | open within (paused)         |
| E    | Thu 26 Nov 9  | transport  | Transport | acknowledged 13:00 (4); extended to 17 Dec; resolved Wed 16 Dec 11:00 (114) | met                          |
| F    | Tue 1 Dec 9   | provision  | North     | acknowledged 11:00 (2); handed on by Nia to Noel on 2 Dec                   | open within (due 31 Dec)     |
| G    | Mon 7 Dec 9   | transport  | Transport | acknowledged late Wed 9 Dec 9:00 (16); Tom offboarded to Tara 9 Dec         | open within (due 21 Dec)     |
| T1   | Mon 14 Dec 10 | transition | North     | acknowledged 12:00 (2)                                                      | open within                  |
| T2   | Mon 14 Dec 11 | inclusion  | North     | a 17-year-old; never acknowledged                                           | open within                  |

The figures in brackets are working hours (09:00-17:00 on working days), what the reports'
medians count: A was acknowledged after 8 hours on Monday and 1 on Tuesday (9, though 25 hours
passed), and resolved after 8 whole working days (64); B after 7 + 8 + 1 = 16 and
7 + 4 x 8 + 5 x 8 + 8 + 1 = 88; E resolved after 2 x 8 + 5 x 8 + 5 x 8 + 2 x 8 + 2 = 114; G was
acknowledged after Monday and Tuesday, 16. None of them waited on the family, so no pause comes off.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Case
from casework.services import (
    case_acknowledge,
    case_await_parent,
    case_extend,
    case_log,
    case_message_add,
    case_reassign,
    case_resolve,
    case_start,
)
from casework.staffing import officer_offboard
from escalations.models import Clock
from escalations.working_days import WorkingCalendar
from tests.escalations.conftest import at, sweep, uk
from tests.factories import ChildFactory, ProvisionItemFactory

NOW = uk(2026, 12, 18, 12)
PERIOD = {"from": "2026-11-01", "to": "2026-12-31"}
OFFICER_NAMES = {
    "n1": ("Nia", "Ashby"),
    "n2": ("Noel", "Baker"),
    "nm": ("Nell", "Carter"),
    "t1": ("Tom", "Davies"),
    "t2": ("Tara", "Evans"),
    "tm": ("Tess", "Frost"),
}


@dataclass
class Scenario:
    borough: object
    officers: dict
    cases: dict
    child3: object

    def case(self, key) -> Case:
        return Case.objects.get(pk=self.cases[key].pk)

    @property
    def head(self):
        return self.borough.head_of_service.user


def name_officers(borough) -> dict:
    north = list(borough.north.officers.filter(is_manager=False).order_by("pk"))
    transport = list(borough.transport.officers.filter(is_manager=False).order_by("pk"))
    officers = {
        "n1": north[0], "n2": north[1], "nm": borough.north.manager,
        "t1": transport[0], "t2": transport[1], "tm": borough.transport.manager,
    }
    for key, (first, last) in OFFICER_NAMES.items():
        user = officers[key].user
        user.first_name, user.last_name = first, last
        user.save()
    return officers


def working_days_at_half_past_five(first: date, last: date):
    calendar = WorkingCalendar()
    day = first
    while day <= last:
        if calendar.is_working_day(day):
            yield uk(day.year, day.month, day.day, 17, 30)
        day += timedelta(days=1)


def build_scenario(borough) -> Scenario:
    officers = name_officers(borough)
    child3 = ChildFactory(family=borough.child1.family, first_name="Cal", date_of_birth=date(2009, 3, 1))
    occupational_therapy = ProvisionItemFactory(
        ehcp=borough.child1.ehcp, section="G", description="Occupational therapy sessions", provider="Riverside ICB"
    )
    cases = {}
    user = {key: officer.user for key, officer in officers.items()}

    def log(key, category, child, parent, provision_item=None):
        def step():
            cases[key] = case_log(
                actor=parent,
                child_id=child.pk,
                category_slug=category,
                summary=f"Summary of case {key}: the family's own words",
                description=f"Description of case {key}, which only staff and the family see.",
                provision_item_id=provision_item.pk if provision_item else None,
            )
        return step

    def act(service, key, actor, **kwargs):
        return lambda: service(actor=actor, case=Case.objects.get(pk=cases[key].pk), **kwargs)

    b = borough
    steps = [
        (uk(2026, 10, 29, 10), log("O", "health", b.child2, b.parent2)),
        (uk(2026, 10, 29, 14), act(case_acknowledge, "O", user["n1"])),
        (uk(2026, 10, 29, 15), act(case_start, "O", user["n1"])),
        (uk(2026, 10, 29, 15), act(case_message_add, "O", user["n1"], text="We are looking into this now.")),
        (uk(2026, 11, 23, 9), log("A", "provision_not_delivered", b.child1, b.parent1, b.provision1)),
        (uk(2026, 11, 24, 10), act(case_acknowledge, "A", user["n2"])),
        (uk(2026, 12, 3, 9), act(case_resolve, "A", user["n2"], outcome="Therapy sessions restarted.")),
        (uk(2026, 11, 23, 10), log("B", "transport", b.child2, b.parent2)),
        (uk(2026, 11, 25, 10), act(case_acknowledge, "B", user["t1"])),
        (uk(2026, 11, 27, 10), act(case_start, "B", user["t1"])),
        (uk(2026, 11, 27, 10), act(case_message_add, "B", user["t1"], text="We are looking into this now.")),
        (uk(2026, 12, 8, 10), act(case_resolve, "B", user["t1"], outcome="A new driver was found.")),
        (uk(2026, 11, 23, 11), log("I", "transport", b.child1, b.parent1)),
        (uk(2026, 11, 23, 15), act(case_acknowledge, "I", user["t2"])),
        (uk(2026, 11, 24, 9), log("C", "placement", b.child2, b.parent2)),
        (uk(2026, 11, 27, 10), act(case_reassign, "C", user["nm"], officer=officers["n2"], note="Balancing caseloads.")),
        (uk(2026, 11, 25, 9), log("D", "provision_not_delivered", b.child1, b.parent1, occupational_therapy)),
        (uk(2026, 11, 25, 15), act(case_acknowledge, "D", user["n2"])),
        (uk(2026, 12, 7, 10), act(case_await_parent, "D", user["n2"], note="Please send the therapist's letter.")),
        (uk(2026, 11, 26, 9), log("E", "transport", b.child1, b.parent1)),
        (uk(2026, 11, 26, 13), act(case_acknowledge, "E", user["t2"])),
        (uk(2026, 12, 8, 10), act(case_extend, "E", user["t2"], working_days=5, reason="A new route is being tendered.")),
        (uk(2026, 12, 16, 11), act(case_resolve, "E", user["t2"], outcome="The new route starts on Monday.")),
        (uk(2026, 12, 1, 9), log("F", "provision_not_delivered", b.child2, b.parent2, b.provision2)),
        (uk(2026, 12, 1, 11), act(case_acknowledge, "F", user["n1"])),
        (uk(2026, 12, 2, 10), act(case_reassign, "F", user["n1"], officer=officers["n2"], note="Noel knows the school.")),
        (uk(2026, 12, 7, 9), log("G", "transport", b.child2, b.parent2)),
        (uk(2026, 12, 9, 9), act(case_acknowledge, "G", user["t1"])),
        (
            uk(2026, 12, 9, 12),
            lambda: officer_offboard(actor=user["tm"], officer=officers["t1"], successor=officers["t2"],
                                     note="Tom is leaving the council."),
        ),
        (uk(2026, 12, 14, 10), log("T1", "transition", b.child1, b.parent1)),
        (uk(2026, 12, 14, 12), act(case_acknowledge, "T1", user["n2"])),
        (uk(2026, 12, 14, 11), log("T2", "inclusion", child3, b.parent1)),
    ]
    steps += [(moment, sweep_step(moment)) for moment in working_days_at_half_past_five(date(2026, 11, 23), date(2026, 12, 17))]
    for moment, step in sorted(steps, key=lambda pair: pair[0]):
        with at(moment):
            step()
    sweep(NOW)
    return Scenario(borough=borough, officers=officers, cases=cases, child3=child3)


def sweep_step(moment):
    # `sweep` travels in time itself; inside `at` the two agree.
    return lambda: sweep(moment)


@pytest.fixture
def scenario(borough) -> Scenario:
    return build_scenario(borough)


def get_report(api, user, path, **params):
    with at(NOW):
        response = api.as_user(user).get(f"/api/reports/{path}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def figures(total, met, breached, open_within, open_breached, compliance):
    return {
        "total": total, "met": met, "breached": breached, "open_within": open_within,
        "open_breached": open_breached, "compliance": compliance,
    }


def headline(row) -> dict:
    return {name: row[name] for name in ("key", "label", "total", "met", "breached", "open_within", "open_breached",
                                         "compliance")}


def hours(row) -> tuple:
    return (row["median_working_hours_to_acknowledge"], row["p90_working_hours_to_acknowledge"],
            row["median_working_hours_to_resolve"], row["p90_working_hours_to_resolve"])


# --- the data set itself ------------------------------------------------------------------------


def test_the_hand_built_cases_are_owned_and_stand_as_the_table_says(scenario):
    owners = {key: scenario.case(key).accountable_officer.user.first_name for key in scenario.cases}
    statuses = {key: scenario.case(key).status for key in scenario.cases}

    assert owners == {
        "O": "Nia", "A": "Noel", "B": "Tara", "I": "Tara", "C": "Noel", "D": "Noel",
        "E": "Tara", "F": "Noel", "G": "Tara", "T1": "Noel", "T2": "Nia",
    }
    assert statuses == {
        "O": "in_progress", "A": "resolved", "B": "resolved", "I": "acknowledged", "C": "new",
        "D": "awaiting_parent", "E": "resolved", "F": "acknowledged", "G": "acknowledged",
        "T1": "acknowledged", "T2": "new",
    }
    assert [scenario.case(key).reference for key in ("O", "A", "T2")] == [
        "SEND-2026-000001", "SEND-2026-000002", "SEND-2026-000011"
    ]


def test_each_stopped_clock_stores_the_working_hours_the_table_gives(scenario):
    taken = {
        (key, kind): seconds
        for key, case in scenario.cases.items()
        for kind, seconds in Clock.objects.filter(case=case, stopped_at__isnull=False).values_list(
            "kind", "working_seconds_taken"
        )
    }

    # O: acknowledged at 14:00 and started at 15:00 on the day it was logged at 10:00. E's respond
    # clock stopped when it was resolved; B's when work started on Friday 27 November at 10:00.
    assert {name: seconds / 3600 for name, seconds in taken.items()} == {
        ("O", "acknowledge"): 4.0, ("O", "respond"): 5.0,
        ("A", "acknowledge"): 9.0, ("A", "respond"): 64.0, ("A", "resolve"): 64.0,
        ("B", "acknowledge"): 16.0, ("B", "respond"): 32.0, ("B", "resolve"): 88.0,
        ("I", "acknowledge"): 4.0,
        ("D", "acknowledge"): 6.0,
        ("E", "acknowledge"): 4.0, ("E", "respond"): 114.0, ("E", "resolve"): 114.0,
        ("F", "acknowledge"): 2.0,
        ("G", "acknowledge"): 16.0,
        ("T1", "acknowledge"): 2.0,
    }


# --- SLA compliance --------------------------------------------------------------------------------


def test_sla_by_category_counts_each_case_by_its_resolve_clock_with_every_clock_broken_down(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="category", **PERIOD)

    assert [headline(row) for row in report["rows"]] == [
        {"key": "provision_not_delivered", "label": "Support in the EHCP is not happening", **figures(3, 1, 0, 2, 0, 1.0)},
        {"key": "transport", "label": "Travel to school or college", **figures(4, 1, 1, 1, 1, 0.3333)},
        {"key": "transition", "label": "Moving on at 16 and into adult services", **figures(1, 0, 0, 1, 0, None)},
        {"key": "placement", "label": "School or college place", **figures(1, 0, 0, 1, 0, None)},
        {"key": "inclusion", "label": "Being included at school", **figures(1, 0, 0, 1, 0, None)},
    ]
    assert [row["clocks"] for row in report["rows"]] == [
        {"acknowledge": figures(3, 3, 0, 0, 0, 1.0), "respond": figures(3, 1, 0, 1, 1, 0.5),
         "resolve": figures(3, 1, 0, 2, 0, 1.0)},
        {"acknowledge": figures(4, 2, 2, 0, 0, 0.5), "respond": figures(4, 1, 1, 0, 2, 0.25),
         "resolve": figures(4, 1, 1, 1, 1, 0.3333)},
        {"acknowledge": figures(1, 1, 0, 0, 0, 1.0), "respond": figures(1, 0, 0, 1, 0, None),
         "resolve": figures(1, 0, 0, 1, 0, None)},
        {"acknowledge": figures(1, 0, 0, 0, 1, 0.0), "respond": figures(1, 0, 0, 0, 1, 0.0),
         "resolve": figures(1, 0, 0, 1, 0, None)},
        {"acknowledge": figures(1, 0, 0, 0, 1, 0.0), "respond": figures(1, 0, 0, 1, 0, None),
         "resolve": figures(1, 0, 0, 1, 0, None)},
    ]
    assert headline(report["overall"]) == {"key": "all", "label": "All cases", **figures(10, 2, 1, 6, 1, 0.5)}
    assert report["overall"]["clocks"] == {
        "acknowledge": figures(10, 6, 2, 0, 2, 0.6),
        "respond": figures(10, 2, 1, 3, 4, 0.2857),
        "resolve": figures(10, 2, 1, 6, 1, 0.5),
    }


def test_sla_report_gives_median_and_90th_percentile_working_hours_to_acknowledge_and_resolve(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="category", **PERIOD)

    # Acknowledged after 2, 2, 4, 4, 6, 9, 16 and 16 working hours; resolved after 64, 88 and 114.
    # The 90th percentile of n values sits 0.9 x (n - 1) of the way along: of three, 88 + 0.8 x (114 - 88).
    assert hours(report["overall"]) == (5.0, 16.0, 88.0, 108.8)
    assert [hours(row) for row in report["rows"]] == [
        (6.0, 8.4, 64.0, 64.0),  # 2, 6, 9 (6 + 0.8 x 3); 64
        (10.0, 16.0, 101.0, 111.4),  # 4, 4, 16, 16; 88, 114 (88 + 0.9 x 26)
        (2.0, 2.0, None, None),
        (None, None, None, None),  # never acknowledged
        (None, None, None, None),
    ]


def test_sla_by_team_uses_each_cases_team_now(api, scenario):
    north, transport = scenario.borough.north, scenario.borough.transport

    report = get_report(api, scenario.head, "sla", group_by="team", **PERIOD)

    assert [headline(row) for row in report["rows"]] == [
        {"key": str(north.pk), "label": "SEND North", **figures(6, 1, 0, 5, 0, 1.0)},
        {"key": str(transport.pk), "label": "Transport", **figures(4, 1, 1, 1, 1, 0.3333)},
    ]
    assert [row["clocks"]["acknowledge"]["compliance"] for row in report["rows"]] == [0.6667, 0.5]
    assert [row["clocks"]["respond"]["compliance"] for row in report["rows"]] == [0.3333, 0.25]
    # North: 2, 2, 6, 9 (6 + 0.7 x 3); 64. Transport: 4, 4, 16, 16; 88, 114.
    assert [hours(row) for row in report["rows"]] == [(4.0, 8.1, 64.0, 64.0), (10.0, 16.0, 101.0, 111.4)]


def test_sla_by_officer_counts_each_case_under_its_named_officer_now(api, scenario):
    officers = scenario.officers

    report = get_report(api, scenario.head, "sla", group_by="officer", **PERIOD)

    # Tom left on 9 December: his cases went to Tara, so he has no row of his own.
    assert [headline(row) for row in report["rows"]] == [
        {"key": str(officers["n1"].pk), "label": "Nia Ashby", **figures(1, 0, 0, 1, 0, None)},
        {"key": str(officers["n2"].pk), "label": "Noel Baker", **figures(5, 1, 0, 4, 0, 1.0)},
        {"key": str(officers["t2"].pk), "label": "Tara Evans", **figures(4, 1, 1, 1, 1, 0.3333)},
    ]
    assert [row["clocks"]["acknowledge"] for row in report["rows"]] == [
        figures(1, 0, 0, 0, 1, 0.0), figures(5, 4, 0, 0, 1, 0.8), figures(4, 2, 2, 0, 0, 0.5)
    ]
    assert [hours(row) for row in report["rows"]] == [
        (None, None, None, None), (4.0, 8.1, 64.0, 64.0), (10.0, 16.0, 101.0, 111.4)
    ]


def test_sla_by_month_groups_by_the_uk_month_logged_and_leaves_out_cases_outside_the_period(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="month", **PERIOD)

    # Case O (29 October) is outside the period.
    assert [headline(row) for row in report["rows"]] == [
        {"key": "2026-11", "label": "November 2026", **figures(6, 2, 1, 2, 1, 0.5)},
        {"key": "2026-12", "label": "December 2026", **figures(4, 0, 0, 4, 0, None)},
    ]
    assert [row["clocks"]["respond"] for row in report["rows"]] == [
        figures(6, 2, 1, 1, 2, 0.4), figures(4, 0, 0, 2, 2, 0.0)
    ]
    # November: 4, 4, 6, 9, 16 (9 + 0.6 x 7); 64, 88, 114. December: 2, 2, 16 (2 + 0.8 x 14).
    assert [hours(row) for row in report["rows"]] == [(6.0, 13.2, 88.0, 108.8), (2.0, 13.2, None, None)]


def test_sla_headline_counts_can_follow_the_acknowledge_clock_instead(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="month", clock="acknowledge", **PERIOD)

    assert report["clock"] == "acknowledge"
    assert [headline(row) for row in report["rows"]] == [
        {"key": "2026-11", "label": "November 2026", **figures(6, 4, 1, 0, 1, 0.6667)},
        {"key": "2026-12", "label": "December 2026", **figures(4, 2, 1, 0, 1, 0.5)},
    ]
    assert headline(report["overall"]) == {"key": "all", "label": "All cases", **figures(10, 6, 2, 0, 2, 0.6)}


def test_a_period_of_one_day_counts_only_cases_logged_on_that_uk_date(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="category", **{"from": "2026-11-23", "to": "2026-11-23"})

    # A, B and I were logged on Monday 23 November.
    assert [(row["key"], row["total"]) for row in report["rows"]] == [
        ("provision_not_delivered", 1), ("transport", 2)
    ]


def test_transition_report_takes_the_transition_category_and_young_people_aged_16_to_25(api, scenario):
    report = get_report(api, scenario.head, "transition", group_by="category", **PERIOD)

    # T1 is a transition concern about a 10-year-old; T2 an inclusion concern about a 17-year-old.
    assert [headline(row) for row in report["rows"]] == [
        {"key": "transition", "label": "Moving on at 16 and into adult services", **figures(1, 0, 0, 1, 0, None)},
        {"key": "inclusion", "label": "Being included at school", **figures(1, 0, 0, 1, 0, None)},
    ]
    assert report["overall"]["clocks"]["acknowledge"] == figures(2, 1, 0, 0, 1, 0.5)
    assert hours(report["overall"]) == (2.0, 2.0, None, None)


# --- accountability --------------------------------------------------------------------------------


def accountability_figures(row) -> tuple:
    return (row["open"], row["breached_open"], row["escalations"], row["escalations_by_level"],
            row["handovers_in"], row["handovers_out"])


def levels(one, two, three) -> dict:
    return {"1": one, "2": two, "3": three}


def test_accountability_shows_who_held_each_case_when_its_dates_were_missed(api, scenario):
    officers = scenario.officers

    report = get_report(api, scenario.head, "accountability")

    assert [(row["officer"]["id"], row["officer"]["display_name"], row["officer"]["team"], row["officer"]["active"])
            for row in report["rows"]] == [
        (officers["nm"].pk, "Nell Carter", "SEND North", True),
        (officers["n1"].pk, "Nia Ashby", "SEND North", True),
        (officers["n2"].pk, "Noel Baker", "SEND North", True),
        (officers["t2"].pk, "Tara Evans", "Transport", True),
        (officers["tm"].pk, "Tess Frost", "Transport", True),
        (officers["t1"].pk, "Tom Davies", "Transport", False),
    ]
    assert [accountability_figures(row) for row in report["rows"]] == [
        (0, 0, 0, levels(0, 0, 0), 0, 0),
        # O and T2 open and breached; O's three escalations, C's first (before the reassignment) and T2's.
        (2, 2, 5, levels(3, 1, 1), 0, 2),
        # C, D, F and T1 open; C and F breached (D is paused in time); C's later three and F's.
        (4, 2, 4, levels(2, 1, 1), 2, 0),
        # I and G open and breached; I's four, E's two and G's two after Tom left.
        (2, 2, 8, levels(4, 3, 1), 2, 0),
        (0, 0, 0, levels(0, 0, 0), 0, 0),
        # B's three and G's first; B and G handed over when he left.
        (0, 0, 4, levels(3, 1, 0), 0, 2),
    ]


def test_accountability_rolls_officers_up_per_team_and_lists_cases_that_changed_hands(api, scenario):
    borough = scenario.borough

    report = get_report(api, scenario.head, "accountability")

    assert [(team["team"], team["officers"], *accountability_figures(team)) for team in report["teams"]] == [
        ({"id": borough.north.pk, "name": "SEND North"}, 3, 6, 4, 9, levels(5, 2, 2), 2, 2),
        ({"id": borough.transport.pk, "name": "Transport"}, 3, 2, 2, 12, levels(7, 4, 1), 2, 2),
    ]
    assert [(case["reference"], case["owner_count"], case["team"]) for case in report["most_owners"]] == [
        ("SEND-2026-000003", 2, "Transport"),  # B
        ("SEND-2026-000005", 2, "SEND North"),  # C
        ("SEND-2026-000008", 2, "SEND North"),  # F
        ("SEND-2026-000009", 2, "Transport"),  # G
    ]
    assert report["most_owners"][0]["id"] == scenario.cases["B"].pk


# --- age, escalations, provision ---------------------------------------------------------------------


def bands(*counts) -> dict:
    return dict(zip(["0-5", "6-10", "11-20", "21-40", "over 40"], counts, strict=True))


def test_age_report_bands_open_cases_by_working_days_since_logging(api, scenario):
    report = get_report(api, scenario.head, "age")

    # At noon on 18 December: T1 and T2 have been open 4 working days, G 9, F 13, D 17,
    # C 18, I 19 and O 36. A, B and E are resolved.
    assert report["bands"] == ["0-5", "6-10", "11-20", "21-40", "over 40"]
    assert [(row["key"], row["bands"], row["total"]) for row in report["rows"]] == [
        ("provision_not_delivered", bands(0, 0, 2, 0, 0), 2),
        ("transport", bands(0, 1, 1, 0, 0), 2),
        ("transition", bands(1, 0, 0, 0, 0), 1),
        ("placement", bands(0, 0, 1, 0, 0), 1),
        ("inclusion", bands(1, 0, 0, 0, 0), 1),
        ("health", bands(0, 0, 0, 1, 0), 1),
    ]
    assert report["overall"] == {"key": "all", "label": "All cases", "bands": bands(2, 1, 4, 1, 0), "total": 8}


def test_age_bands_follow_the_real_calendar_over_christmas(api, borough):
    # Logged on Thursday 24 December; on Tuesday 5 January 2027 it has been open 5 working days
    # (29, 30, 31 December, 4 and 5 January): Christmas, the Boxing Day substitute and New Year's Day do not count.
    with at(uk(2026, 12, 24, 10)):
        case_log(actor=borough.parent1, child_id=borough.child1.pk, category_slug="other", summary="Late", description="Late")

    with at(uk(2027, 1, 5, 12)):
        on_the_fifth = api.as_user(borough.head_of_service.user).get("/api/reports/age/").json()
    with at(uk(2027, 1, 6, 12)):
        on_the_sixth = api.as_user(borough.head_of_service.user).get("/api/reports/age/").json()

    assert on_the_fifth["overall"]["bands"] == bands(1, 0, 0, 0, 0)
    assert on_the_sixth["overall"]["bands"] == bands(0, 1, 0, 0, 0)


def test_escalations_report_counts_escalations_by_month_and_level(api, scenario):
    report = get_report(api, scenario.head, "escalations", **PERIOD)

    assert report["rows"] == [
        {"key": "2026-11", "label": "November 2026", "total": 4, "by_level": levels(4, 0, 0)},
        {"key": "2026-12", "label": "December 2026", "total": 17, "by_level": levels(8, 6, 3)},
    ]
    assert report["overall"] == {"key": "all", "label": "All months", "total": 21, "by_level": levels(12, 6, 3)}


def test_provision_report_groups_undelivered_provision_by_section_provider_and_first_word(api, scenario):
    report = get_report(api, scenario.head, "provision", **PERIOD)

    # A and F: speech and language therapy (A restored after 64 working hours, 8 working days; 10 calendar days
    # passed); D: occupational therapy, still waiting.
    assert report == {
        "keyword": None,
        "rows": [
            {"section": "F", "section_label": "F: special educational provision", "provider": "Community NHS Trust",
             "keyword": "speech", "cases": 2, "resolved": 1, "median_working_days_to_restore": 8.0},
            {"section": "G", "section_label": "G: health provision", "provider": "Riverside ICB",
             "keyword": "occupational", "cases": 1, "resolved": 0, "median_working_days_to_restore": None},
        ],
    }


def test_provision_report_can_look_for_a_keyword_anywhere_in_the_description(api, scenario):
    report = get_report(api, scenario.head, "provision", keyword="Therapy", **PERIOD)

    assert report["keyword"] == "therapy"
    assert [(row["section"], row["keyword"], row["cases"]) for row in report["rows"]] == [
        ("F", "therapy", 2), ("G", "therapy", 1)
    ]
    assert get_report(api, scenario.head, "provision", keyword="transport", **PERIOD)["rows"] == []


# --- CSV ----------------------------------------------------------------------------------------------


def get_csv(api, user, path, **params):
    with at(NOW):
        response = api.as_user(user).get(f"/api/reports/{path}/", {**params, "format": "csv"})
    assert response.status_code == 200, response.content
    return response


def parse_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def test_sla_csv_has_the_same_rows_and_numbers_as_the_json(api, scenario):
    report = get_report(api, scenario.head, "sla", group_by="category", **PERIOD)

    response = get_csv(api, scenario.head, "sla", group_by="category", **PERIOD)

    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="sla-report-category-2026-11-01-2026-12-31.csv"'
    lines = parse_csv(response)
    assert [line["key"] for line in lines] == [row["key"] for row in report["rows"]] + ["all"]
    for line, row in zip(lines, [*report["rows"], report["overall"]], strict=True):
        expected = {name: as_csv_text(row[name]) for name in (
            "label", "total", "met", "breached", "open_within", "open_breached", "compliance",
            "median_working_hours_to_acknowledge", "p90_working_hours_to_acknowledge",
            "median_working_hours_to_resolve", "p90_working_hours_to_resolve")}
        expected |= {f"{kind}_{name}": as_csv_text(value)
                     for kind, counts in row["clocks"].items() for name, value in counts.items()}
        assert {name: line[name] for name in expected} == expected
    assert lines[1]["compliance"] == "0.3333"
    assert lines[2]["compliance"] == ""


def test_accountability_csv_has_one_line_per_officer_with_the_json_figures(api, scenario):
    report = get_report(api, scenario.head, "accountability")

    response = get_csv(api, scenario.head, "accountability")

    assert response["Content-Disposition"] == 'attachment; filename="accountability-report-2026-12-18.csv"'
    assert parse_csv(response) == [
        {
            "officer_id": str(row["officer"]["id"]), "officer": row["officer"]["display_name"],
            "team": row["officer"]["team"], "active": as_csv_text(row["officer"]["active"]),
            "open": str(row["open"]), "breached_open": str(row["breached_open"]), "escalations": str(row["escalations"]),
            **{f"escalations_level_{level}": str(count) for level, count in row["escalations_by_level"].items()},
            "handovers_in": str(row["handovers_in"]), "handovers_out": str(row["handovers_out"]),
        }
        for row in report["rows"]
    ]


@pytest.mark.parametrize(
    ("path", "params", "columns"),
    [
        ("age", {}, ["key", "label", "0-5", "6-10", "11-20", "21-40", "over 40", "total"]),
        ("escalations", PERIOD, ["key", "label", "total", "level_1", "level_2", "level_3"]),
        ("provision", PERIOD, ["section", "section_label", "provider", "keyword", "cases", "resolved",
                               "median_working_days_to_restore"]),
    ],
)
def test_other_reports_come_as_csv_too(api, scenario, path, params, columns):
    report = get_report(api, scenario.head, path, **params)

    lines = parse_csv(get_csv(api, scenario.head, path, **params))

    assert list(lines[0]) == columns
    expected_lines = len(report["rows"]) + (1 if "overall" in report else 0)
    assert len(lines) == expected_lines


def test_csv_quotes_text_a_spreadsheet_would_run_as_a_formula(api, scenario):
    scenario.borough.north.name = "=HYPERLINK(\"http://example.com\")"
    scenario.borough.north.save()

    lines = parse_csv(get_csv(api, scenario.head, "sla", group_by="team", **PERIOD))

    assert lines[0]["label"] == "'=HYPERLINK(\"http://example.com\")"


# --- a fixed number of queries ------------------------------------------------------------------------

REPORTS = [
    ("sla", {"group_by": "officer", **PERIOD}),
    ("sla", {"group_by": "month", **PERIOD}),
    ("transition", {"group_by": "team", **PERIOD}),
    ("accountability", {}),
    ("age", {}),
    ("escalations", PERIOD),
    ("provision", PERIOD),
]


def queries_per_report(api, user) -> list[int]:
    counts = []
    for path, params in REPORTS:
        with at(NOW), CaptureQueriesContext(connection) as captured:
            response = api.as_user(user).get(f"/api/reports/{path}/", params)
        assert response.status_code == 200, response.content
        counts.append(len(captured))
    return counts


def log_many(borough, count):
    officer = borough.north.officers.filter(is_manager=False).first().user
    for number in range(count):
        child = borough.child1 if number % 2 else borough.child2
        with at(uk(2026, 11, 23 + number % 5, 9, number)):
            case = case_log(actor=officer, child_id=child.pk, category_slug=["transport", "other", "provision_not_delivered"][number % 3],
                            summary="Many", description="Many")
        if number % 2:
            with at(uk(2026, 11, 30, 10, number)):
                case_acknowledge(actor=case.accountable_officer.user, case=case)
                case_reassign(actor=borough.head_of_service.user, case=case,
                              officer=borough.north.officers.exclude(pk=case.accountable_officer_id).filter(is_manager=False).first(),
                              note="Moved")
    sweep(uk(2026, 12, 17, 17, 30))


def test_each_report_takes_the_same_number_of_queries_for_3_cases_as_for_30(api, borough):
    head = borough.head_of_service.user
    log_many(borough, 3)
    # The first reports after a start fill the cache of closure days (core.read_mostly).
    queries_per_report(api, head)
    with_three = queries_per_report(api, head)
    log_many(borough, 27)

    with_thirty = queries_per_report(api, head)

    assert with_thirty == with_three
    # The SLA reports: cases with running clocks, the tally, the groups' names and, on PostgreSQL, the memory
    # the tally's percentiles may use (core.database.report_memory).
    assert max(with_thirty) <= 5
