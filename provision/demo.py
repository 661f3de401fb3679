"""Demo data for provision delivery, added to the demo borough by `seed_demo` (one call, after the borough).

An Integrated Care Board with its own Designated Clinical Officer team, an NHS trust's therapy service and the
council's outreach service deliver the demo children's provision; `provider1` works for the therapy service.
Jacob Morgan's speech and language therapy was delivered each week of this term until the last two, which
were missed, so the gap sweep has raised a concern; Ella Morgan's outreach teaching ends next month.
"""

from datetime import date, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from casework.demo.data import ADMIN_USERNAME, DEMO_ORGANISATION
from casework.models import Officer, Organisation, ProvisionItem, RoutingRule, Team

from . import services
from .gaps import provision_gap_sweep
from .models import Delivery, DeliveryCheck, ProviderStaff
from .terms import TermCalendar

ICB = "Wexley and Thames Integrated Care Board"
TRUST = "Wexley Community Health NHS Trust: Children's Therapy Service"
OUTREACH = "Wexley Learning Outreach Service"
PROVIDER_USERNAME = "provider1"
Per = ProvisionItem.Per


def seed_provision_demo() -> None:
    """Add the bodies, their staff, the plans' amounts, a term of sessions, one gap and one ending.

    Registered with `casework.demo.extras`, so it runs once the demo borough is built. Its people sign in with
    the password every demo user has: their password hash is the demo administrator's.
    """
    today = services.uk_today()
    council = Organisation.objects.get(name=DEMO_ORGANISATION)
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    users = _Users(admin.password)
    icb = _icb(users)
    trust = Organisation.objects.create(name=TRUST, kind=Organisation.Kind.NHS_TRUST)
    outreach = Organisation.objects.create(name=OUTREACH, kind=Organisation.Kind.OUTREACH)
    provider = users.make(PROVIDER_USERNAME, "Chloe", "Brennan")
    ProviderStaff.objects.create(user=provider, organisation=trust, job_title="Speech and language therapist")
    term_start = TermCalendar(council.pk).term_start(today) or today - timedelta(weeks=12)

    def structure(child, description, *, body, by, sessions, per, minutes=None, term_time_only=True, ends_on=None):
        item = ProvisionItem.objects.get(
            ehcp__child__first_name=child,
            ehcp__child__family__organisation=council,
            description__startswith=description,
        )
        return services.provision_obligation_set(
            actor=admin,
            item=item,
            responsible_body=body,
            provider_organisation=by,
            sessions=sessions,
            minutes=minutes,
            per=per,
            term_time_only=term_time_only,
            starts_on=term_start,
            ends_on=ends_on,
        )

    therapy = structure(
        "Jacob", "Speech and language therapy", body=council, by=trust, sessions=1, per=Per.WEEK, minutes=60
    )
    structure(
        "Jacob",
        "Review by a community paediatrician",
        body=icb,
        by=trust,
        sessions=2,
        per=Per.YEAR,
        term_time_only=False,
    )
    structure(
        "Zara",
        "Physiotherapy programme",
        body=icb,
        by=trust,
        sessions=12,
        per=Per.YEAR,
        minutes=60,
        term_time_only=False,
    )
    outreach_teaching = structure(
        "Ella",
        "Small-group literacy teaching",
        body=council,
        by=outreach,
        sessions=1,
        per=Per.WEEK,
        minutes=30,
        ends_on=today + timedelta(days=35),
    )
    weeks = _teaching_days_each_week(council, term_start, today)
    _record(therapy, provider, weeks[:-2], Delivery.Status.DELIVERED)
    _record(therapy, provider, weeks[-2:], Delivery.Status.MISSED, "The therapist was off sick and there was no cover.")
    _record(outreach_teaching, admin, weeks, Delivery.Status.DELIVERED)
    # The weekly check of Jacob's therapy is due now, so the sweep finds the gap and raises its concern.
    DeliveryCheck.objects.filter(item=therapy).update(due_on=today)
    # With the clock standing still, as `seed_demo` logs every case: the concern's logging, history and
    # timeline share one moment.
    with time_machine.travel(timezone.now(), tick=False):
        provision_gap_sweep(today=today)


class _Users:
    def __init__(self, password_hash: str):
        self.password_hash = password_hash

    def make(self, username, first_name, last_name):
        return get_user_model().objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.org",
            password=self.password_hash,
        )


def _icb(users: _Users) -> Organisation:
    icb = Organisation.objects.create(name=ICB, kind=Organisation.Kind.ICB)
    team = Team.objects.create(organisation=icb, name="Designated Clinical Officer service", kind=Team.Kind.HEALTH)
    manager = Officer.objects.create(
        user=users.make("icbmanager1", "Marcus", "Webb"),
        team=team,
        is_manager=True,
        job_title="Designated Clinical Officer team manager",
    )
    Officer.objects.create(
        user=users.make("icb1", "Dana", "Clarke"), team=team, job_title="Designated Clinical Officer"
    )
    team.manager = manager
    team.save()
    RoutingRule.objects.create(organisation=icb, position=100, team=team)
    return icb


def _teaching_days_each_week(council: Organisation, start: date, today: date) -> list[date]:
    """The first teaching day of each whole week from `start` to last Sunday: when a weekly session was due."""
    calendar = TermCalendar(council.pk)
    last_sunday = today - timedelta(days=today.weekday() + 1)
    days, day = [], start
    while day <= last_sunday:
        week = [day + timedelta(days=n) for n in range(7 - day.weekday())]
        teaching = [d for d in week if d <= last_sunday and calendar.is_teaching_day(d)]
        if teaching:
            days.append(teaching[0])
        day = week[-1] + timedelta(days=1)
    return days


def _record(item, by, days, status, reason=""):
    for day in days:
        services.delivery_record(actor=by, item=item, on=day, status=status, reason=reason)
