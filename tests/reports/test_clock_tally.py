"""The clock tally the SLA reports read (issue 24): exact, whatever happens to the clocks.

Every path that stops, restarts, re-times or re-owns a clock leaves the tally
kept in its transaction equal to one written again from the clocks; and the
SLA and transition reports read from it answer exactly what counting every
clock answers, for every grouping and clock, nationally and for one council.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.contrib.admin import AdminSite
from django.core.management import call_command
from django.db.models import F, Min, Q

from accounts.retention import retention_review_approve, retention_review_list
from casework.admin.families import ChildAdmin
from casework.models import Case, Child, RoutingRule
from casework.services import (
    case_acknowledge,
    case_await_parent,
    case_chase,
    case_close,
    case_extend,
    case_log,
    case_reassign,
    case_reopen,
    case_resolve,
    case_resume,
    case_start,
)
from casework.staffing import officer_offboard
from escalations.models import Clock, ClockKind, ClockTally
from escalations.selectors import SHOWN_KINDS
from escalations.services import tally_rebuild
from reports.selectors import SlaScope, logged_between, sla_scope_of, transition_cases
from reports.sla import (
    CLOCK,
    SECONDS_PER_HOUR,
    SLA_GROUPINGS,
    _sla_row,
    clock_state_counts,
    sla_report,
    with_latest_clocks,
)
from reports.sql import Percentile, display_name, month_key, month_label, seconds_in, uk_month
from tests.escalations.conftest import at, log_case, sweep, uk
from tests.factories import ChildFactory, OrganisationFactory, UserFactory, make_parent, make_team
from tests.reports.test_reports import NOW, build_scenario

pytestmark = pytest.mark.django_db


def tally_now() -> set[tuple]:
    return set(ClockTally.objects.values_list("day", "month", "team", "officer", "category", "kind", "young_person",
                                              "met", "minutes", "clocks"))


def assert_tally_exact():
    """The tally kept so far is what a rebuild from the clocks writes, row for row, with no row left at zero."""
    kept = tally_now()
    tally_rebuild()
    assert kept == tally_now()
    assert all(row[-1] > 0 for row in kept)


def second_council():
    """A second council: one team taking every concern, one family with a child aged 17."""
    council = OrganisationFactory(name="Other Shire")
    team = make_team(council, "Other SEND", officers=2)
    RoutingRule.objects.create(organisation=council, position=100, team=team)
    child = ChildFactory(family__organisation=council, first_name="Dev", date_of_birth=date(2009, 6, 1))
    return team, child, make_parent(child, username="other-parent")


def log_in(child, parent, when, category="other"):
    with at(when):
        case = case_log(actor=parent, child_id=child.pk, category_slug=category, summary="S", description="D")
    return Case.objects.get(pk=case.pk)


def act(service, case, when, actor=None, **kwargs):
    with at(when):
        service(actor=actor or case.accountable_officer.user, case=Case.objects.get(pk=case.pk), **kwargs)
    return Case.objects.get(pk=case.pk)


def closed_by_manager(case, when, **kwargs):
    """Nobody has answered the family yet, so only a manager may close (issue 23.4)."""
    return act(case_close, case, when, actor=case.accountable_officer.team.manager.user, **kwargs)


# --- every path that changes a clock keeps the tally exact ---------------------------------------


def acknowledged(borough):
    case = log_case(borough, when=uk(2026, 11, 23, 9))
    return act(case_acknowledge, case, uk(2026, 11, 23, 11))


def resolved(borough):
    case = acknowledged(borough)
    return act(case_resolve, case, uk(2026, 11, 26, 10), outcome="Sessions restarted.")


def closed_with_clocks_running(borough):
    case = log_case(borough, when=uk(2026, 11, 23, 9))
    return closed_by_manager(case, uk(2026, 11, 24, 10), outcome="The family moved away.")


def resolved_late_before_the_sweep_saw_it(borough):
    case = acknowledged(borough)
    case = act(case_resolve, case, uk(2026, 12, 30, 10), outcome="Sorted at last.")
    sweep(uk(2026, 12, 30, 11))
    return case


def reopened(borough):
    case = resolved(borough)
    return act(case_reopen, case, uk(2026, 11, 27, 10), actor=borough.parent1, reason="It stopped again.")


def reopened_and_resolved_again(borough):
    case = reopened(borough)
    return act(case_resolve, case, uk(2026, 12, 2, 10), outcome="Back on track.")


def paused_then_resolved(borough):
    case = acknowledged(borough)
    case = act(case_start, case, uk(2026, 11, 24, 9))
    case = act(case_await_parent, case, uk(2026, 11, 24, 10), note="Please send the letter.")
    case = act(case_resume, case, uk(2026, 11, 26, 10))
    return act(case_resolve, case, uk(2026, 11, 27, 15), outcome="Done.")


def resolved_while_waiting_on_the_family(borough):
    case = acknowledged(borough)
    case = act(case_start, case, uk(2026, 11, 24, 9))
    case = act(case_await_parent, case, uk(2026, 11, 24, 10), note="Please send the letter.")
    return act(case_resolve, case, uk(2026, 11, 25, 12), outcome="Done while we waited.")


def extended_then_resolved(borough):
    case = acknowledged(borough)
    case = act(case_extend, case, uk(2026, 11, 24, 9), working_days=5, reason="A new route is being tendered.")
    return act(case_resolve, case, uk(2026, 12, 22, 15), outcome="Done.")


def chased(borough):
    case = acknowledged(borough)
    sweep(uk(2026, 12, 23, 9))
    return act(case_chase, case, uk(2026, 12, 23, 10), actor=borough.parent1)


def handed_over_after_acknowledging(borough):
    case = acknowledged(borough)
    other = borough.north.officers.exclude(pk=case.accountable_officer_id).filter(is_manager=False).first()
    return act(case_reassign, case, uk(2026, 11, 24, 9), actor=borough.north.manager.user, officer=other, note="Cover.")


def moved_to_another_team(borough):
    case = resolved(borough)
    other = borough.transport.officers.filter(is_manager=False).first()
    return act(case_reassign, case, uk(2026, 11, 27, 9), actor=borough.head_of_service.user, officer=other, note="Move.")


def offboarded(borough):
    case = acknowledged(borough)
    leaver = case.accountable_officer
    successor = borough.north.officers.exclude(pk=leaver.pk).filter(is_manager=False).first()
    with at(uk(2026, 11, 24, 9)):
        officer_offboard(actor=borough.north.manager.user, officer=leaver, successor=successor, note="Leaving.")
    return case


def child_file_removed_by_retention(borough):
    kept = resolved(borough)
    child = borough.child2
    child.date_of_birth = date(1995, 12, 7)
    child.save()
    gone = log_case(borough, when=uk(2026, 11, 23, 9), child=child, category="other")
    closed_by_manager(act(case_acknowledge, gone, uk(2026, 11, 23, 10)), uk(2026, 11, 23, 12), outcome="Done.")
    administrator = UserFactory(username="records-admin", is_superuser=True, is_staff=True)
    with at(uk(2026, 12, 7, 12)):
        retention_review_approve(review=retention_review_list(today=date(2026, 12, 7)), actor=administrator)
    assert not Case.objects.filter(pk=gone.pk).exists()
    return kept


def birth_date_corrected_in_the_admin(borough):
    case = resolved(borough)
    child = borough.child1
    child.date_of_birth = date(2009, 6, 1)
    request = SimpleNamespace(user=UserFactory(username="records-admin", is_superuser=True, is_staff=True))
    ChildAdmin(Child, AdminSite()).save_model(request, child, SimpleNamespace(changed_data=["date_of_birth"]), True)
    assert ClockTally.objects.filter(young_person=True).exists()
    return case


PATHS = [
    acknowledged,
    resolved,
    closed_with_clocks_running,
    resolved_late_before_the_sweep_saw_it,
    reopened,
    reopened_and_resolved_again,
    paused_then_resolved,
    resolved_while_waiting_on_the_family,
    extended_then_resolved,
    chased,
    handed_over_after_acknowledging,
    moved_to_another_team,
    offboarded,
    child_file_removed_by_retention,
    birth_date_corrected_in_the_admin,
]


@pytest.mark.parametrize("path", PATHS, ids=[path.__name__ for path in PATHS])
def test_each_path_that_changes_a_clock_keeps_the_tally_equal_to_a_rebuild(borough, path):
    case = path(borough)

    assert ClockTally.objects.exists() or not Clock.objects.filter(case=case, stopped_at__isnull=False).exists()
    assert_tally_exact()


def test_a_handover_moves_the_cases_stopped_clocks_to_the_new_officer(borough):
    case = handed_over_after_acknowledging(borough)

    [row] = ClockTally.objects.all()
    assert (row.officer_id, row.kind, row.met, row.minutes, row.clocks) == (
        case.accountable_officer_id, ClockKind.ACKNOWLEDGE, True, 120, 1
    )


def test_a_reopened_case_counts_its_new_resolve_clock_and_not_the_old_one(borough):
    case = reopened_and_resolved_again(borough)

    resolve_rows = ClockTally.objects.filter(kind=ClockKind.RESOLVE)
    assert [(row.clocks, row.minutes) for row in resolve_rows] == [(1, 3 * 8 * 60)]
    assert Clock.objects.filter(case=case, kind=ClockKind.RESOLVE).count() == 2


def test_the_rebuild_command_writes_the_tally_the_services_kept(borough, capsys):
    build_scenario(borough)
    kept = tally_now()
    ClockTally.objects.all().delete()

    call_command("clock_tally_rebuild")

    assert tally_now() == kept
    assert f"The clock tally has {len(kept)} rows" in capsys.readouterr().out


# --- the reports read from the tally answer what counting every clock answers ---------------------


def clock_based_sla_report(*, cases, group_by: str, clock: str, now) -> dict:
    """The SLA report counted from every clock of every case, as it was before the tally: the yardstick."""
    path = {
        "category": (F("category_id"), F("category__name"), F("category__position")),
        "team": (F("team_id"), F("team__name"), F("team__name")),
        "officer": (F("accountable_officer_id"), display_name("accountable_officer__user"),
                    display_name("accountable_officer__user")),
        "month": (uk_month("created_at"),) * 3,
    }[group_by]
    clocks = with_latest_clocks(cases)
    stopped = Q(**{f"{CLOCK}stopped_at__isnull": False, f"{CLOCK}kind__in": [ClockKind.ACKNOWLEDGE, ClockKind.RESOLVE]})
    figures = {
        **clock_state_counts(now),
        "median_working_seconds": Percentile(f"{CLOCK}working_seconds_taken", 0.5, filter=stopped),
        "p90_working_seconds": Percentile(f"{CLOCK}working_seconds_taken", 0.9, filter=stopped),
    }
    per_group = (
        clocks.values(group_key=path[0], kind=F(f"{CLOCK}kind"))
        .annotate(group_label=Min(path[1]), group_order=Min(path[2]), **figures)
        .order_by("group_order", "group_key", "kind")
    )
    rows: dict = {}
    for row in per_group:
        key, label = (month_key(row["group_key"]), month_label(row["group_key"])) if group_by == "month" else (
            str(row["group_key"]), row["group_label"])
        rows.setdefault(key, {"label": label, "by_kind": {}})["by_kind"][row["kind"]] = row
    overall = clocks.values(kind=F(f"{CLOCK}kind")).annotate(**figures).order_by("kind")
    return {
        "group_by": group_by,
        "clock": clock,
        "rows": [_sla_row(key, row["label"], row["by_kind"], clock) for key, row in rows.items()],
        "overall": _sla_row("all", "All cases", {row["kind"]: row for row in overall}, clock),
    }


@pytest.fixture
def two_councils(borough):
    """test_reports.py's borough, plus a second council whose cases are met, breached, open, paused, extended,
    reopened, handed over and closed, some about a young person of 17."""
    scenario = build_scenario(borough)
    team, child, parent = second_council()
    officers = list(team.officers.filter(is_manager=False).order_by("pk"))
    met = log_in(child, parent, uk(2026, 11, 24, 9), "transport")
    met = act(case_acknowledge, met, uk(2026, 11, 24, 10, 30))
    act(case_resolve, met, uk(2026, 11, 30, 14, 15), outcome="Fixed.")
    late = log_in(child, parent, uk(2026, 11, 25, 9))
    late = act(case_acknowledge, late, uk(2026, 11, 30, 16))
    late = act(case_reassign, late, uk(2026, 12, 1, 9), actor=team.manager.user,
               officer=[o for o in officers if o.pk != late.accountable_officer_id][0], note="Balance.")
    paused = log_in(child, parent, uk(2026, 12, 1, 10), "transition")
    paused = act(case_acknowledge, paused, uk(2026, 12, 1, 12))
    paused = act(case_start, paused, uk(2026, 12, 2, 9))
    act(case_await_parent, paused, uk(2026, 12, 3, 9), note="Please send the form.")
    again = log_in(child, parent, uk(2026, 12, 2, 9))
    again = act(case_acknowledge, again, uk(2026, 12, 2, 9, 45))
    again = act(case_resolve, again, uk(2026, 12, 4, 10), outcome="Fixed.")
    again = act(case_reopen, again, uk(2026, 12, 7, 10), actor=parent, reason="It broke again.")
    act(case_extend, again, uk(2026, 12, 8, 10), working_days=3, reason="Waiting for the panel.")
    closed = log_in(child, parent, uk(2026, 12, 3, 9))
    closed_by_manager(closed, uk(2026, 12, 3, 15), outcome="Withdrawn by the family.")
    sweep(NOW)
    return scenario, team


GROUPINGS = list(SLA_GROUPINGS)


@pytest.mark.parametrize("transition", [False, True], ids=["sla", "transition"])
def test_the_reports_from_the_tally_equal_counting_every_clock_for_every_grouping_and_clock(two_councils, transition):
    scenario, _team = two_councils
    superuser = UserFactory(username="national", is_superuser=True)
    first, last = date(2026, 11, 1), date(2026, 12, 31)
    for user in (superuser, scenario.head):
        scope = sla_scope_of(user, first, last, transition=transition)
        cases = scope.cases()
        for group_by in GROUPINGS:
            for clock in SHOWN_KINDS:
                with at(NOW):
                    from_tally = sla_report(scope=scope, group_by=group_by, clock=clock, now=NOW)
                    from_clocks = clock_based_sla_report(cases=cases, group_by=group_by, clock=clock, now=NOW)
                assert from_tally == from_clocks, (user.username, group_by, clock)
    assert_tally_exact()


def test_the_national_report_covers_both_councils_and_a_councils_only_its_own(two_councils):
    scenario, team = two_councils
    superuser = UserFactory(username="national", is_superuser=True)
    first, last = date(2026, 11, 1), date(2026, 12, 31)

    national = sla_report(scope=sla_scope_of(superuser, first, last), group_by="team", clock="resolve", now=NOW)
    council = sla_report(scope=sla_scope_of(scenario.head, first, last), group_by="team", clock="resolve", now=NOW)

    assert str(team.pk) in [row["key"] for row in national["rows"]]
    assert str(team.pk) not in [row["key"] for row in council["rows"]]
    assert national["overall"]["total"] == council["overall"]["total"] + 5


def test_a_percentile_of_the_tally_is_exact_to_the_minute(borough):
    # 10 minutes and 20 seconds to acknowledge: the tally holds 10 whole minutes.
    case = log_case(borough, when=uk(2026, 11, 23, 9))
    act(case_acknowledge, case, uk(2026, 11, 23, 9, 10).replace(second=20))
    scope = SlaScope(teams=None, first_day=date(2026, 11, 1), last_day=date(2026, 11, 30))

    report = sla_report(scope=scope, group_by="category", clock="acknowledge", now=NOW)

    assert Clock.objects.get(case=case, kind=ClockKind.ACKNOWLEDGE).working_seconds_taken == 620
    assert report["overall"]["median_working_hours_to_acknowledge"] == seconds_in(600, SECONDS_PER_HOUR) == 0.2


def test_the_sla_report_takes_five_queries_however_many_cases(two_councils, django_assert_max_num_queries):
    superuser = UserFactory(username="national", is_superuser=True)
    scope = sla_scope_of(superuser, date(2026, 11, 1), date(2026, 12, 31))
    for group_by in GROUPINGS:
        # Running clocks, stopped ones, their percentiles (with, on PostgreSQL, the memory that query may use),
        # and the groups' names.
        with django_assert_max_num_queries(5):
            sla_report(scope=scope, group_by=group_by, clock="resolve", now=NOW)


def test_the_transition_report_counts_the_category_and_young_people_aged_16_to_25(two_councils):
    superuser = UserFactory(username="national", is_superuser=True)
    first, last = date(2026, 11, 1), date(2026, 12, 31)
    scope = sla_scope_of(superuser, first, last, transition=True)

    assert set(scope.cases()) == set(transition_cases(logged_between(Case.objects.all(), first, last)))
    assert scope.tallies().exists()
    assert not scope.tallies().exclude(Q(category_id="transition") | Q(young_person=True)).exists()
