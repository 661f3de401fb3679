"""A clock that starts again (a reopened case's resolve date, a second chase) supersedes the one before it.

The reports judge each case by its current clocks, read from `superseded_at`. Cases are logged on
Monday 23 November 2026 at 09:15 (provision not delivered: acknowledge by Wednesday 25 November).
"""

import importlib

from django.apps import apps as django_apps

from casework.services import case_acknowledge, case_chase, case_message_add, case_reopen, case_resolve, case_start
from escalations.models import Clock, ClockKind

from .conftest import at, log_case, sweep, uk

REOPENED_AT = uk(2026, 12, 2, 10)


def resolved_and_reopened(borough):
    case = log_case(borough, when=uk(2026, 11, 23, 9, 15))
    officer = case.accountable_officer.user
    with at(uk(2026, 11, 23, 11)):
        case = case_acknowledge(actor=officer, case=case)
    with at(uk(2026, 11, 24, 10)):
        case = case_start(actor=officer, case=case)
        case_message_add(actor=officer, case=case, text="I have asked the provider what went wrong and will put it right.")
    with at(uk(2026, 12, 1, 10)):
        case = case_resolve(actor=officer, case=case, outcome="Therapy restarted.")
    with at(REOPENED_AT):
        case_reopen(actor=borough.parent1, case=case, reason="The therapist stopped coming again.")
    return case


def clocks_of(case, kind) -> list[Clock]:
    return list(Clock.objects.filter(case=case, kind=kind).order_by("started_at", "pk"))


def test_reopening_supersedes_the_old_resolve_date_from_the_moment_of_reopening(borough):
    case = resolved_and_reopened(borough)

    old, new = clocks_of(case, ClockKind.RESOLVE)

    assert old.superseded_at == REOPENED_AT
    assert new.started_at == REOPENED_AT
    assert new.superseded_at is None
    assert Clock.objects.filter(case=case, kind__in=[ClockKind.ACKNOWLEDGE, ClockKind.RESPOND],
                                superseded_at__isnull=True).count() == 2


def test_a_second_chase_supersedes_the_first(borough):
    case = log_case(borough, when=uk(2026, 11, 23, 9, 15))
    sweep(uk(2026, 11, 25, 17, 1))
    with at(uk(2026, 11, 26, 10)):
        case_chase(actor=borough.parent1, case=case)
    with at(uk(2026, 12, 3, 17)):
        case_chase(actor=borough.parent1, case=case)

    first, second = clocks_of(case, ClockKind.CHASE)

    assert first.superseded_at == uk(2026, 12, 3, 17)
    assert second.superseded_at is None


def test_the_migration_marks_each_clock_followed_by_a_later_one_of_its_kind(borough):
    case = resolved_and_reopened(borough)
    with at(uk(2026, 12, 8, 10)):
        case_resolve(actor=case.accountable_officer.user, case=case, outcome="Therapy restarted for good.")
    with at(uk(2026, 12, 9, 10)):
        case_reopen(actor=borough.parent1, case=case, reason="It stopped once more.")
    untouched = log_case(borough, when=uk(2026, 11, 24, 9))
    first, second, third = clocks_of(case, ClockKind.RESOLVE)
    # Before the column nothing was marked, but only one clock of a kind may be unmarked at a time:
    # the first is, the second has a wrong mark, and the latest one a mark the migration must leave.
    set_aside = uk(2030, 1, 1)
    Clock.objects.filter(pk__in=[second.pk, third.pk]).update(superseded_at=set_aside)
    Clock.objects.filter(pk=first.pk).update(superseded_at=None)

    migration = importlib.import_module("escalations.migrations.0007_clock_superseded")
    migration.mark_superseded_clocks(django_apps, None)

    assert [clock.superseded_at for clock in clocks_of(case, ClockKind.RESOLVE)] == [
        REOPENED_AT,
        uk(2026, 12, 9, 10),
        set_aside,
    ]
    assert not Clock.objects.filter(case=case).exclude(kind=ClockKind.RESOLVE).exclude(superseded_at=None).exists()
    assert not Clock.objects.filter(case=untouched).exclude(superseded_at=None).exists()
