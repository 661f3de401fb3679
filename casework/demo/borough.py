"""Writing the demo borough: reference data directly, every case through the services as it happened."""

from datetime import date, datetime, time, timedelta

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from core.time import UK_TIME
from escalations.services import sla_sweep
from escalations.working_days import WorkingCalendar

from .. import services
from ..actions import CASE_ACTIONS
from ..models import (
    EHCP,
    Area,
    Case,
    Category,
    Child,
    Family,
    FamilyMember,
    Officer,
    Organisation,
    ProvisionItem,
    RoutingRule,
    Team,
)
from .data import (
    ADMIN_USERNAME,
    DEMO_ORGANISATION,
    DIRECTOR,
    EMAIL_DOMAIN,
    HEAD_OF_SERVICE,
    NAMED_CONCERNS,
    NAMED_FAMILIES,
    OUT_OF_HOURS_PHONE,
    PROVISION,
    SCHOOL,
    STAFF,
    TEAMS,
    ChildSpec,
    Concern,
    FamilySpec,
    Step,
)
from .stories import LOG, SWEEP, family_specs, generated_concerns


class DemoBorough:
    """Writes the borough. Call `build` inside a transaction."""

    def __init__(self, *, password: str):
        # Every demo user shares one password, so it is hashed once rather than once a user:
        # a deliberately slow hash over fifty users would take most of a minute.
        self.password_hash = make_password(password)
        self.calendar = WorkingCalendar()
        self.now = timezone.now()
        self.today = timezone.localdate(self.now, UK_TIME)
        self.users = {}
        self.officers = {}
        self.children = {}
        self.provision = {}
        self.first_parent = {}

    def build(self) -> dict[str, int]:
        self.admin = self._user(ADMIN_USERNAME, "Council", "Administrator", is_staff=True, is_superuser=True)
        organisation = Organisation.objects.create(name=DEMO_ORGANISATION, out_of_hours_phone=OUT_OF_HOURS_PHONE)
        areas = {name: Area.objects.create(organisation=organisation, name=name) for name in ("North", "South")}
        teams = self._teams_and_staff(organisation)
        self._routing_rules(organisation, areas, teams)
        families = family_specs()
        for family in families:
            self._family(family, organisation, areas)
        concerns = NAMED_CONCERNS + generated_concerns(families)
        self._play(concerns)
        return {"families": len(families), "children": len(self.children), "cases": len(concerns)}

    # Reference data ----------------------------------------------------------------------

    def _user(self, username, first_name, last_name, **flags):
        user = get_user_model().objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@{EMAIL_DOMAIN}",
            password=self.password_hash,
            **flags,
        )
        self.users[username] = user
        return user

    def _save(self, obj):
        # django-simple-history reads these: the history says the administrator set the demo up.
        obj._history_user = self.admin
        obj._change_reason = "Demo data"
        obj.save()
        return obj

    def _teams_and_staff(self, organisation) -> dict[str, Team]:
        teams = {
            key: self._save(Team(organisation=organisation, name=name, kind=kind)) for key, name, kind in TEAMS
        }
        for member in STAFF:
            user = self._user(member.username, member.first_name, member.last_name)
            self.officers[member.username] = self._save(Officer(
                user=user, team=teams.get(member.team), job_title=member.job_title, is_manager=member.is_manager
            ))
        organisation.director = self.officers[DIRECTOR]
        organisation.save()
        for key, team in teams.items():
            team.manager = next(
                self.officers[member.username] for member in STAFF if member.team == key and member.is_manager
            )
            team.head_of_service = self.officers[HEAD_OF_SERVICE]
            self._save(team)
        return teams

    def _routing_rules(self, organisation, areas, teams) -> None:
        categories = Category.objects.in_bulk()
        rules = [
            {"category": "transport", "safeguarding": True, "team": "transport"},
            {"category": "transport", "team": "transport"},
            {"category": "health", "team": "health"},
            {"category": "social_care", "team": "social_care"},
            {"category": "transition", "team": "adulthood"},
            {"category": "provision_not_delivered", "min_age": 16, "max_age": 25, "team": "adulthood"},
            {"category": "process_delay", "min_age": 16, "max_age": 25, "team": "adulthood"},
            {"area": "North", "team": "send_north"},
            {"area": "South", "team": "send_south"},
            # Anything the rules above miss, such as a family with no area yet, still reaches a team.
            {"team": "send_north"},
        ]
        for position, rule in enumerate(rules, start=1):
            self._save(RoutingRule(
                organisation=organisation,
                position=position * 10,
                category=categories[rule["category"]] if "category" in rule else None,
                area=areas[rule["area"]] if "area" in rule else None,
                min_age=rule.get("min_age"),
                max_age=rule.get("max_age"),
                safeguarding=rule.get("safeguarding"),
                team=teams[rule["team"]],
            ))

    def _family(self, spec: FamilySpec, organisation, areas) -> None:
        family = Family.objects.create(organisation=organisation, area=areas[spec.area], name=spec.name)
        for parent in spec.parents:
            user = self._user(parent.username, parent.first_name, parent.last_name)
            FamilyMember.objects.create(family=family, user=user, relationship=parent.relationship)
        for child_spec in spec.children:
            child = self._save(Child(
                family=family,
                first_name=child_spec.first_name,
                last_name=child_spec.last_name,
                date_of_birth=self._born(child_spec),
            ))
            number = len(self.children) + 1
            ehcp = self._save(EHCP(
                child=child,
                reference=f"EHCP-WX-{number:05d}",
                # Plans are a few months to a few years old, and never older than the child less two years.
                issued_on=self.today - timedelta(days=min(60 + number * 97 % 1000, (child_spec.age - 2) * 365)),
            ))
            for key in child_spec.provision:
                line = PROVISION[key]
                self.provision[(child_spec.key, key)] = self._save(ProvisionItem(
                    ehcp=ehcp,
                    section=line.section,
                    description=line.description,
                    amount=line.amount,
                    frequency=line.frequency,
                    provider=child_spec.school if line.provider == SCHOOL else line.provider,
                ))
            self.children[child_spec.key] = child
            self.first_parent[child_spec.key] = self.users[spec.parents[0].username]

    def _born(self, spec: ChildSpec) -> date:
        last_birthday = self.today - timedelta(days=spec.days_past_birthday)
        # A child born on 29 February has their birthday on the 28th in other years.
        day = min(last_birthday.day, 28) if last_birthday.month == 2 else last_birthday.day
        return date(last_birthday.year - spec.age, last_birthday.month, day)

    # Cases ------------------------------------------------------------------------------------

    def _play(self, concerns: list[Concern]) -> None:
        """Log every concern and take every step in the order they happened, each at its own moment.

        Playing all the cases in one time order, rather than case by case, means
        routing sees each officer's caseload as it was at that moment.
        """
        entries = []
        for number, concern in enumerate(concerns):
            logged_at, *step_moments = self._schedule(concern)
            entries.append((logged_at, number, LOG))
            entries += [(moment, number, index) for index, moment in enumerate(step_moments)]
        entries += [(moment, SWEEP, SWEEP) for moment in self._sweep_times(since=min(entries)[0])]
        case_ids = {}
        for moment, number, index in sorted(entries):
            with time_machine.travel(moment, tick=False):
                if number == SWEEP:
                    sla_sweep(now=moment)
                elif index == LOG:
                    case_ids[number] = self._log(concerns[number]).pk
                else:
                    concern = concerns[number]
                    self._take(concern.steps[index], case_id=case_ids[number], concern=concern)

    def _sweep_times(self, *, since: datetime) -> list[datetime]:
        """When the SLA sweep runs while the demo is played: on the hour through each working day, and now.

        In the product Celery beat sweeps every minute. Sweeping as the days go
        by puts each reminder and escalation on the timeline when it would
        really have happened, rather than all at once on the first sweep after
        the demo is made. Deadlines and reminders fall in working hours, so
        hourly is close enough, and keeps the demo quick to make.
        """
        moments = [self.now]
        day = timezone.localdate(since, UK_TIME)
        while day <= self.today:
            if self.calendar.is_working_day(day):
                moments += [
                    moment for hour in range(9, 18) if since < (moment := _uk(day, f"{hour:02d}:00")) < self.now
                ]
            day += timedelta(days=1)
        return moments

    def _schedule(self, concern: Concern) -> list[datetime]:
        """When the concern is logged and when each step happens, all in the past.

        A case whose last step would still be to come today starts a working
        day earlier, so each one reaches its intended state whatever day the
        demo is made.
        """
        logged_on = self.today - timedelta(days=concern.days_ago)
        if not self.calendar.is_working_day(logged_on):
            logged_on = self.calendar.previous_working_day(logged_on)
        while True:
            moments = [_uk(logged_on, concern.at)]
            for step in concern.steps:
                day = logged_on
                for _ in range(step.day):
                    day = self.calendar.next_working_day(day)
                moments.append(max(_uk(day, step.at), moments[-1] + timedelta(minutes=5)))
            if moments[-1] < self.now:
                return moments
            logged_on = self.calendar.previous_working_day(logged_on)

    def _log(self, concern: Concern) -> Case:
        by_family = concern.logged_by == "family"
        item = self.provision[(concern.child, concern.provision)] if concern.provision else None
        return services.case_log(
            actor=self.first_parent[concern.child] if by_family else self.users[concern.logged_by],
            child_id=self.children[concern.child].pk,
            category_slug=concern.category,
            summary=concern.summary,
            description=concern.description,
            provision_item_id=item.pk if item else None,
            safeguarding=concern.safeguarding,
        )

    def _take(self, step: Step, *, case_id: int, concern: Concern) -> None:
        case = Case.objects.select_related("accountable_officer__user", "team__manager__user").get(pk=case_id)
        if step.by == "owner":
            actor = case.accountable_officer.user
        elif step.by == "manager":
            actor = case.team.manager.user
        else:
            actor = self.first_parent[concern.child]
        if step.action == "reassign":
            officer = self.officers[step.to]
            # Routing may already have chosen this officer; the story reads the same either way.
            if officer.pk != case.accountable_officer_id:
                CASE_ACTIONS["reassign"].perform(actor, case, {"officer": officer, "note": step.text})
        elif step.action == "note":
            CASE_ACTIONS["message"].perform(actor, case, {"text": step.text, "internal": True})
        else:
            action = CASE_ACTIONS[step.action]
            action.perform(actor, case, {action.text_field: step.text})


def _uk(day: date, at: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(at), tzinfo=UK_TIME)


def demo_logins() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each username with who they are, in plain words, under a heading for staff and one for families."""
    team_names = {key: name for key, name, _kind in TEAMS}
    staff = [(ADMIN_USERNAME, "Council administrator: runs the administration site and can see everything")]
    for member in STAFF:
        who = f"{member.first_name} {member.last_name}, {member.job_title}"
        if member.username == DIRECTOR:
            staff.append((member.username, f"{who}: the director, at the top of the escalation ladder"))
        elif member.username == HEAD_OF_SERVICE:
            staff.append((member.username, f"{who}: head of service over every team, so sees every case"))
        elif member.is_manager:
            staff.append((member.username, f"{who}: manager of {team_names[member.team]}"))
        else:
            staff.append((member.username, f"{who}: officer in {team_names[member.team]}"))
    families = []
    for family in NAMED_FAMILIES:
        children = " and ".join(child.first_name for child in family.children)
        for parent in family.parents:
            relationship = FamilyMember.Relationship(parent.relationship).label.lower()
            families.append((parent.username, f"{parent.first_name} {parent.last_name}: {relationship} of {children}"))
    first_other, *_rest, last_other = [
        parent.username for family in family_specs()[len(NAMED_FAMILIES):] for parent in family.parents
    ]
    families.append((f"{first_other} to {last_other}", "the other parents and carers in the borough"))
    return [("Council staff:", staff), ("Families:", families)]


def usernames_taken() -> list[str]:
    usernames = [ADMIN_USERNAME, *(member.username for member in STAFF)]
    usernames += [parent.username for family in family_specs() for parent in family.parents]
    return sorted(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))
