"""`python manage.py seed_demo [--password PASSWORD]`: a fictional borough to try the service with.

The London Borough of Wexley is made up, and so is everyone in it. Staff,
families, children, plans and routing rules are reference data, written
directly because administrators keep them in the admin. Every case, though,
is logged and moved only through `casework.services`, by the person who would
really do it, with the clock set back to when it happened, and the SLA sweep
runs as the days go by: the history, timeline, reminders, escalations and
notifications are exactly what the product itself writes.

Everything is fixed or drawn from a seeded random generator, so two runs on
the same day give the same borough. Running it again once the borough exists
changes nothing.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from casework import services
from casework.models import (
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
from escalations.services import sla_sweep
from escalations.working_days import UK_TIME, WorkingCalendar
from provision.demo import seed_provision_demo

DEMO_ORGANISATION = "London Borough of Wexley"
DEFAULT_PASSWORD = "casework-demo"
RANDOM_SEED = 2026
# Ofcom keeps 020 7946 0000 to 0999 for drama, so this number can never ring anyone.
OUT_OF_HOURS_PHONE = "020 7946 0999"
EMAIL_DOMAIN = "example.org"
ADMIN_USERNAME = "admin"
DIRECTOR = "director1"
HEAD_OF_SERVICE = "manager1"

# --- staff ------------------------------------------------------------------------

TEAMS = [
    ("send_north", "SEND North", Team.Kind.SEND),
    ("send_south", "SEND South", Team.Kind.SEND),
    ("transport", "Home to school transport", Team.Kind.TRANSPORT),
    ("health", "Health (designated clinical officer)", Team.Kind.HEALTH),
    ("social_care", "Social care", Team.Kind.SOCIAL_CARE),
    ("adulthood", "Preparing for adulthood", Team.Kind.ADULTHOOD),
]


@dataclass(frozen=True)
class StaffMember:
    username: str
    first_name: str
    last_name: str
    job_title: str
    team: str | None = None
    is_manager: bool = False


# A manager with a team is that team's manager; the two without one sit above every team.
STAFF = [
    StaffMember(DIRECTOR, "Margaret", "Oyelaran", "Director of Children's Services", is_manager=True),
    StaffMember(HEAD_OF_SERVICE, "David", "Thornbury", "Head of SEND Service", is_manager=True),
    StaffMember("officer1", "Sam", "Okafor", "SEND Case Officer", "send_north"),
    StaffMember("officer3", "Tom", "Hartley", "SEND Case Officer", "send_north"),
    StaffMember("manager2", "Priya", "Raman", "SEND Team Manager (North)", "send_north", is_manager=True),
    StaffMember("officer4", "Aisha", "Rahman", "SEND Case Officer", "send_south"),
    StaffMember("officer5", "Megan", "Price", "Senior SEND Case Officer", "send_south"),
    StaffMember("manager3", "Gareth", "Llewellyn", "SEND Team Manager (South)", "send_south", is_manager=True),
    StaffMember("officer2", "Lucy", "Brennan", "Travel Assistance Officer", "transport"),
    StaffMember("manager4", "Joanne", "Fitzgerald", "Travel Assistance Manager", "transport", is_manager=True),
    StaffMember("manager5", "Amara", "Nwosu", "Designated Clinical Officer", "health", is_manager=True),
    StaffMember("officer7", "Kieran", "Doyle", "Social Worker, Children with Disabilities", "social_care"),
    StaffMember(
        "manager6", "Colin", "Batty", "Team Manager, Children with Disabilities", "social_care", is_manager=True
    ),
    StaffMember("officer6", "Daniel", "Osei", "Transition Officer", "adulthood"),
    StaffMember("manager7", "Rachel", "Kowalski", "Preparing for Adulthood Manager", "adulthood", is_manager=True),
]

# --- plans --------------------------------------------------------------------------

SCHOOL = "the child's school"  # replaced by the name of each child's own school


@dataclass(frozen=True)
class Provision:
    section: str
    short: str
    description: str
    amount: str
    frequency: str
    provider: str


NHS_TRUST = "Wexley Community Health NHS Trust"
PROVISION = {
    "salt": Provision(
        "F", "Speech and language therapy",
        "Speech and language therapy from a speech and language therapist, in school",
        "1 hour", "weekly", NHS_TRUST,
    ),
    "ta": Provision(
        "F", "Teaching assistant support",
        "Support from a teaching assistant in class, for learning and personal care",
        "15 hours", "weekly", SCHOOL,
    ),
    "ot": Provision(
        "F", "Occupational therapy",
        "Occupational therapy programme for fine motor skills and sensory needs",
        "45 minutes", "fortnightly", NHS_TRUST,
    ),
    "literacy": Provision(
        "F", "Small-group literacy teaching",
        "Small-group literacy teaching with a specialist teacher",
        "30 minutes", "daily", SCHOOL,
    ),
    "hearing": Provision(
        "F", "Specialist teacher for hearing impairment",
        "Advice and a visit from a specialist teacher for hearing impairment",
        "1 visit", "every half term", "Wexley Sensory Support Service",
    ),
    "job_coach": Provision(
        "F", "Job coach on a supported internship",
        "Support from a job coach on a supported internship",
        "10 hours", "weekly", "Wexley College",
    ),
    "college_support": Provision(
        "F", "Learning support in college",
        "A learning support assistant in college lessons",
        "12 hours", "weekly", "Wexley College",
    ),
    "travel_training": Provision(
        "F", "Independent travel training",
        "Independent travel training, building up to travelling to college alone",
        "2 sessions", "weekly for one term", "Wexley Travel Training Team",
    ),
    "physio": Provision(
        "G", "Physiotherapy",
        "Physiotherapy programme, set and reviewed by a physiotherapist",
        "1 hour", "monthly", NHS_TRUST,
    ),
    "paediatrician": Provision(
        "G", "Paediatrician review",
        "Review by a community paediatrician",
        "1 appointment", "every 6 months", NHS_TRUST,
    ),
    "camhs": Provision(
        "G", "Mental health support (CAMHS)",
        "Sessions with the child and adolescent mental health service (CAMHS)",
        "1 hour", "fortnightly", "North Thames Partnership NHS Trust",
    ),
    "short_breaks": Provision(
        "H1", "Overnight short breaks",
        "Overnight short breaks at Birchfield House",
        "2 nights", "monthly", "Wexley Council children with disabilities service",
    ),
    "personal_assistant": Provision(
        "H1", "Personal assistant hours",
        "A personal assistant, paid for with a direct payment",
        "6 hours", "weekly", "the family, through a direct payment",
    ),
    "after_school": Provision(
        "H2", "After-school short-break club",
        "A place at an after-school short-break club",
        "3 hours", "weekly", "Wexley Play and Leisure",
    ),
    "holiday_scheme": Provision(
        "H2", "Holiday play scheme",
        "Places at a holiday play scheme",
        "10 days", "each summer holiday", "Wexley Play and Leisure",
    ),
}
EDUCATION_UNDER_16 = ["salt", "ta", "ot", "literacy", "hearing"]
EDUCATION_16_PLUS = ["job_coach", "college_support", "travel_training"]
HEALTH_AND_CARE = ["physio", "paediatrician", "camhs", "short_breaks", "personal_assistant", "after_school",
                   "holiday_scheme"]

SCHOOLS = {
    ("North", "early"): "Little Acorns Nursery",
    ("South", "early"): "Southmere Children's Centre Nursery",
    ("North", "primary"): "Northgate Primary School",
    ("South", "primary"): "St Aidan's CofE Primary School",
    ("North", "secondary"): "Wexley Hill Academy",
    ("South", "secondary"): "Southmere Academy",
}
SPECIAL_SCHOOL = "Beechwood School"
COLLEGE = "Wexley College"

# --- families -------------------------------------------------------------------------


@dataclass(frozen=True)
class Parent:
    username: str
    first_name: str
    last_name: str
    relationship: str = FamilyMember.Relationship.PARENT


@dataclass(frozen=True)
class ChildSpec:
    key: str
    first_name: str
    last_name: str
    age: int
    school: str
    provision: tuple[str, ...]
    # How long ago the last birthday was, so every age is exact on the day the demo is made.
    days_past_birthday: int = 100


@dataclass(frozen=True)
class FamilySpec:
    name: str
    area: str
    parents: tuple[Parent, ...]
    children: tuple[ChildSpec, ...]


# The families the walkthrough is about; the rest are made by `_generated_families`.
NAMED_FAMILIES = [
    FamilySpec(
        "Morgan family", "North", (Parent("parent1", "Sarah", "Morgan"),),
        (
            ChildSpec("jacob", "Jacob", "Morgan", 14, "Wexley Hill Academy", ("salt", "ta", "paediatrician")),
            ChildSpec("ella", "Ella", "Morgan", 8, "Northgate Primary School", ("ot", "literacy", "after_school")),
        ),
    ),
    FamilySpec(
        "Hussain family", "South", (Parent("parent2", "Imran", "Hussain"),),
        (
            ChildSpec(
                "zara", "Zara", "Hussain", 10, "St Aidan's CofE Primary School",
                ("ta", "salt", "physio", "short_breaks"),
            ),
        ),
    ),
    FamilySpec(
        "Adeyemi family", "South", (Parent("parent3", "Grace", "Adeyemi"),),
        (
            ChildSpec(
                "tobi", "Tobi", "Adeyemi", 12, SPECIAL_SCHOOL,
                ("ta", "ot", "physio", "personal_assistant", "holiday_scheme"),
            ),
        ),
    ),
    FamilySpec(
        "Kowalczyk family", "North",
        (Parent("parent4", "Ewa", "Kowalczyk"), Parent("parent5", "Piotr", "Kowalczyk")),
        (ChildSpec("lena", "Lena", "Kowalczyk", 17, COLLEGE, ("job_coach", "travel_training", "camhs")),),
    ),
    FamilySpec(
        "Walsh family", "North",
        (Parent("parent6", "Bernadette", "Walsh", FamilyMember.Relationship.GUARDIAN),),
        (ChildSpec("connor", "Connor", "Walsh", 6, "Northgate Primary School", ("literacy", "salt")),),
    ),
]

SURNAMES = [
    "Ahmed", "Baker", "Campbell", "Chen", "Clarke", "Davies", "Edwards", "Evans", "Fletcher", "Green",
    "Hughes", "Iqbal", "Jones", "Kaur", "Khan", "Mensah", "Murphy", "Nowak", "O'Brien", "Patel",
    "Roberts", "Shah", "Taylor", "Thompson", "Wright",
]
PARENT_FIRST_NAMES = [
    "Amy", "Ben", "Chloe", "Deborah", "Emma", "Farah", "Gemma", "Hannah", "Jade", "Karen", "Laura", "Mark",
    "Nadia", "Olu", "Paul", "Rebecca", "Sophie", "Tariq", "Victoria", "Yasmin", "Claire", "James", "Natalie",
    "Rob", "Shanice",
]
CHILD_FIRST_NAMES = [
    "Alfie", "Amelia", "Archie", "Ava", "Ayaan", "Charlie", "Daisy", "Ethan", "Evie", "Freddie", "Grace",
    "Harry", "Isla", "Jack", "Kai", "Leo", "Lily", "Maya", "Mia", "Noah", "Oliver", "Oscar", "Poppy", "Reuben",
    "Rosie", "Sofia", "Theo", "Yusuf", "Zainab", "Elijah", "Hana", "Kayden", "Nia", "Ruby", "Sami", "Willow",
]

# --- cases ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One thing that happens to a case: on the `day`-th working day after it was logged, at `at` UK time.

    `by` is "owner" (the named officer at that moment), "manager" (the case
    team's manager) or "family" (the child's first parent or carer); `to` is
    the username a "reassign" step hands the case to.
    """

    day: int
    at: str
    action: str
    text: str = ""
    by: str = "owner"
    to: str = ""


@dataclass(frozen=True)
class Concern:
    """A concern logged `days_ago` at `at` UK time, with what happens to it afterwards.

    The child's first parent or carer logs it, unless `logged_by` names an
    officer taking it on the family's behalf. `provision` is the key of the
    line of the child's plan it is about.
    """

    child: str
    days_ago: int
    at: str
    category: str
    summary: str
    description: str
    steps: tuple[Step, ...] = ()
    provision: str | None = None
    safeguarding: bool = False
    logged_by: str = "family"


NAMED_CONCERNS = [
    Concern(
        "jacob", 33, "20:40", "provision_not_delivered",
        "Speech and language therapy has not happened since half term",
        "Jacob's EHCP says he gets an hour of speech and language therapy every week in school. "
        "He has not had a session since the October half term. The school says the therapist has left. "
        "Nobody has told us when it will start again.",
        provision="salt",
        steps=(
            Step(1, "09:40", "acknowledge"),
            Step(2, "11:15", "start"),
            Step(2, "11:20", "note", "Checked with the NHS trust: the therapist left in October and no cover "
                 "was arranged. Raised with their service manager."),
            Step(3, "14:00", "message", "I have spoken to the NHS trust. They agree Jacob should have had his "
                 "sessions. Can you tell me which weeks he missed, as far as you know?"),
            Step(4, "19:30", "message", "He has missed six sessions, every week since half term.", by="family"),
            Step(6, "10:05", "message", "Thank you. The trust will send a new therapist from next month and "
                 "will make up the six missed sessions."),
            Step(9, "15:30", "await_parent", "Please send us a copy of the school's latest report on Jacob's "
                 "speech and language, so the new therapist can plan the catch-up sessions."),
        ),
    ),
    Concern(
        "jacob", 21, "13:05", "process_delay",
        "Annual review was in September but there is no amended plan",
        "We had Jacob's annual review meeting in September. We were told the amended plan would come within "
        "four weeks. It has been much longer and we have heard nothing.",
        steps=(
            Step(1, "10:30", "acknowledge"),
            Step(3, "09:50", "start"),
            Step(3, "10:10", "message", "The review paperwork reached us late from the school. I am writing the "
                 "draft amended plan now and will send it to you within two weeks."),
        ),
    ),
    Concern(
        "ella", 27, "08:50", "transport",
        "Taxi keeps arriving 40 minutes late",
        "Ella's taxi has arrived between 30 and 40 minutes late most mornings for two weeks. She misses the "
        "start of the school day and gets very upset.",
        steps=(
            Step(1, "10:00", "acknowledge"),
            Step(1, "10:30", "start"),
            Step(2, "12:15", "message", "I have spoken to the taxi company. A new driver is covering the route "
                 "and is collecting another child first. We are looking at the route."),
            Step(5, "16:00", "resolve", "The taxi company has changed the route so Ella is picked up first, "
                 "at 8:05. We will check the arrival times every day for the next two weeks."),
            Step(8, "18:45", "message", "Thank you, it has been on time every day this week.", by="family"),
        ),
    ),
    Concern(
        "ella", 1, "21:10", "inclusion",
        "Ella is being sent home at lunchtime",
        "For the last three weeks the school has phoned me most days to collect Ella at lunchtime. "
        "They say they do not have the staff to support her in the afternoons.",
    ),
    Concern(
        "zara", 24, "10:30", "provision_not_delivered",
        "Teaching assistant hours cut to 8 a week",
        "Zara's plan says 15 hours a week of teaching assistant support. Since September the school has only "
        "given 8 hours because they say they do not have the money.",
        provision="ta",
        steps=(
            Step(1, "11:00", "acknowledge"),
            Step(2, "09:30", "start"),
            Step(2, "09:45", "note", "School says the funding for Zara's top-up has not been paid this term. "
                 "Checking with the finance team."),
            Step(3, "12:00", "reassign", "Megan knows the school and the funding history well.", by="manager",
                 to="officer5"),
            Step(5, "14:30", "message", "The top-up funding for Zara's support was not paid this term, which is "
                 "our mistake. It is being paid this week and the school has agreed to go back to 15 hours."),
            Step(7, "20:15", "message", "Thank you. Please can you confirm when the 15 hours will start?",
                 by="family"),
        ),
    ),
    Concern(
        "zara", 40, "09:15", "no_response",
        "Nobody has answered my emails about a short breaks assessment",
        "I have emailed three times since the summer asking for Zara's short breaks to be reviewed. "
        "I have had no reply at all.",
        steps=(
            Step(1, "09:30", "acknowledge"),
            Step(2, "10:00", "start"),
            Step(6, "15:00", "resolve", "Your emails went to an old inbox. I am sorry. The social care team "
                 "has booked the short breaks review for Zara with you."),
            Step(20, "11:00", "close", "The review took place and the family did not reopen the concern."),
        ),
    ),
    Concern(
        "tobi", 9, "16:20", "transport",
        "Tobi was left alone in the taxi outside school",
        "Today the driver left Tobi on his own in the taxi outside school for about 20 minutes while he went "
        "to a shop. Tobi cannot undo his seat belt or call for help. The driver was new and I do not think "
        "he had the right checks.",
        safeguarding=True,
        steps=(
            Step(0, "16:45", "acknowledge"),
            Step(0, "16:50", "start"),
            Step(0, "17:05", "note", "Spoke to the operator. Driver stood down while checks are made. "
                 "LADO informed by phone."),
            Step(1, "09:30", "message", "The driver is not working on council transport while we look into this. "
                 "From tomorrow Tobi will have a different driver and a passenger assistant."),
        ),
    ),
    Concern(
        "lena", 18, "11:40", "transition",
        "No plan yet for Lena's support at college next year",
        "Lena finishes her course in the summer. Nobody has talked to us about what happens next or what "
        "support she will have.",
        steps=(
            Step(2, "10:00", "acknowledge"),
            Step(4, "14:00", "start"),
            Step(6, "11:30", "await_parent", "Please tell us which courses or supported internships Lena has "
                 "applied for, so we can plan her support with the college."),
            Step(8, "19:00", "message", "She has applied for the supported internship at Wexley Hospital and "
                 "the horticulture course at the college.", by="family"),
        ),
    ),
    Concern(
        "lena", 12, "08:30", "provision_not_delivered",
        "No job coach on Lena's supported internship",
        "Lena started her supported internship four weeks ago and still has no job coach, although her plan "
        "says 10 hours a week.",
        provision="job_coach",
        steps=(Step(3, "15:20", "acknowledge"),),
    ),
    Concern(
        "connor", 15, "11:00", "placement",
        "Connor has no school place after moving to Wexley",
        "Connor's grandmother phoned. The family moved into the borough in October and Connor has not had a "
        "school place since. His plan names a mainstream primary school with small-group support.",
        logged_by="officer1",
        steps=(
            Step(0, "11:30", "reassign", "Sam took the call and already knows the family.", by="manager",
                 to="officer1"),
            Step(0, "11:45", "acknowledge"),
            Step(1, "10:00", "start"),
            Step(5, "15:00", "resolve", "Northgate Primary School has agreed a place for Connor from Monday "
                 "1 December."),
            Step(7, "10:20", "reopen", "The school now says it cannot take Connor until January.", by="family"),
        ),
    ),
]

# Words for the cases made up for the other families: (summary, description, officer's update, outcome).
CONCERN_WORDING = {
    "process_delay": (
        "Still waiting for the draft plan after the assessment",
        "The needs assessment finished more than six weeks ago and we still have not had a draft plan.",
        "I have chased the educational psychologist's advice, which is the last piece we need.",
        "The draft plan was sent to you with a date to meet and go through it.",
    ),
    "no_response": (
        "No reply to my emails about the annual review",
        "I have emailed the SEND team three times since the start of term and had no reply.",
        "I am sorry nobody replied. I am your named officer now and will answer within two working days.",
        "We answered every question in your emails and agreed a date for the annual review.",
    ),
    "transport": (
        "Taxi did not turn up twice this week",
        "The taxi did not come on Monday or Tuesday, so my child missed two days of school.",
        "I have spoken to the taxi company and asked them to explain the missed journeys in writing.",
        "The company has a new driver on the route and has been on time for two weeks.",
    ),
    "placement": (
        "No specialist school place agreed for September",
        "The annual review agreed my child needs a specialist school, but no school has been named yet.",
        "I have asked three specialist schools for a place and will tell you what they say.",
        "Beechwood School has offered a place from September and the plan has been amended.",
    ),
    "inclusion": (
        "Kept on a part-time timetable since September",
        "The school has kept my child on mornings only since September. Nobody has said when it will end.",
        "I have asked the school for its plan to get your child back to full-time within four weeks.",
        "Your child is back at school full-time with extra support at lunchtime.",
    ),
    "health": (
        "Physiotherapy appointments keep being cancelled",
        "The last three physiotherapy appointments were cancelled by the hospital at short notice.",
        "I have raised this with the NHS trust's therapy manager.",
        "The NHS trust has booked the next six appointments and named a physiotherapist.",
    ),
    "social_care": (
        "Short breaks stopped without notice",
        "Our overnight short breaks stopped last month. Nobody told us why.",
        "The short-break centre had a staffing problem. I am finding out when the breaks can start again.",
        "Overnight short breaks start again this month, and the missed nights will be added by Easter.",
    ),
    "panel_decision": (
        "Not told what the panel decided",
        "The panel met about extra support for my child a month ago but nobody has told us the decision.",
        "I have asked for the panel's decision letter and will send it to you.",
        "The panel agreed the extra support. The decision letter has been sent to you.",
    ),
    "other": (
        "Letters about my child go to the wrong address",
        "Letters about my child's plan are still going to our old address, even though I told you we moved.",
        "I have updated your address and asked for copies of the letters you missed.",
        "Your address is now correct everywhere and the missed letters have been sent again.",
    ),
    "transition": (
        "Nobody has talked to us about moving on at 16",
        "My child finishes school next summer and we have had no help planning what comes next.",
        "I have booked a preparing for adulthood review and will send you the date.",
        "The review took place and a plan for college, with support, has been agreed.",
    ),
}
FAMILY_THANKS = [
    "Thank you for letting me know.",
    "Thanks. Please keep me updated.",
    "Thank you, that is a relief.",
]
WAITING_FOR_FAMILY = [
    "Please send us the latest letter from the school so we can check what support is in place.",
    "Please tell us some dates in the next two weeks when you could meet us.",
    "Please send a copy of the hospital letter you mentioned.",
]
STAFF_NOTES = [
    "Discussed at the team meeting. No other families at this school have raised the same problem.",
    "Checked the file: the family has raised this before, in the spring.",
]
# Each final state a made-up case ends in, and how many days ago it may have begun.
STATE_AGES = {
    Case.Status.NEW: (0, 9),
    Case.Status.ACKNOWLEDGED: (5, 20),
    Case.Status.IN_PROGRESS: (8, 40),
    Case.Status.AWAITING_PARENT: (8, 35),
    Case.Status.RESOLVED: (14, 30),
    Case.Status.CLOSED: (32, 42),
}


class Command(BaseCommand):
    help = "Make a fictional borough with staff, families, plans and a spread of cases, to try the service with."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"The password for every demo user (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password, **options):
        if not password.strip():
            # The sign-in page needs a password, so with a blank one nobody could sign in to the demo.
            raise CommandError("Give a --password that is not blank: every demo user signs in with it.")
        if Organisation.objects.filter(name=DEMO_ORGANISATION).exists():
            self.stdout.write(f"{DEMO_ORGANISATION} is already set up, so nothing has been changed.")
            self._print_logins(password=None)
            return
        taken = _usernames_taken()
        if taken:
            raise CommandError(
                f"These usernames are already in use: {', '.join(taken)}. "
                "The demo needs a database without them."
            )
        with transaction.atomic():
            counts = DemoBorough(password=password).build()
            seed_provision_demo(council=Organisation.objects.get(name=DEMO_ORGANISATION), password=password, today=timezone.localdate(timezone=UK_TIME))  # noqa: E501
        self.stdout.write(self.style.SUCCESS(
            f"{DEMO_ORGANISATION} is ready: {counts['families']} families, {counts['children']} children "
            f"and {counts['cases']} cases."
        ))
        self._print_logins(password=password)

    def _print_logins(self, *, password):
        site = settings.SITE_URL.rstrip("/")
        lines = [
            "",
            "Where to sign in:",
            f"  The service:     {site}{settings.LOGIN_URL}",
            f"  The API:         get a token at {site}/api/auth/token/ (documentation: {site}/api/docs/)",
            f"  Administration:  {site}/admin/ (the council administrator, admin)",
            "",
        ]
        if password is None:
            lines.append(
                f"Every demo user has the password chosen when the demo was made ({DEFAULT_PASSWORD} unless "
                "--password was given)."
            )
        else:
            lines.append(f"Every demo user has the password: {password}")
        for heading, logins in _logins():
            lines += ["", heading, *(f"  {username:<20} {role}" for username, role in logins)]
        self.stdout.write("\n".join(lines))


def _logins() -> list[tuple[str, list[tuple[str, str]]]]:
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


def _usernames_taken() -> list[str]:
    usernames = [ADMIN_USERNAME, *(member.username for member in STAFF)]
    usernames += [parent.username for family in family_specs() for parent in family.parents]
    return sorted(get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True))


# --- the made-up families and their cases (pure functions of the seed) -----------------------


def family_specs() -> list[FamilySpec]:
    """The named families, then one more for each surname, drawn from a fixed seed."""
    rng = random.Random(RANDOM_SEED)
    child_names = iter(rng.sample(CHILD_FIRST_NAMES, len(CHILD_FIRST_NAMES)))
    parent_names = rng.sample(PARENT_FIRST_NAMES, len(PARENT_FIRST_NAMES))
    next_number = 1 + sum(len(family.parents) for family in NAMED_FAMILIES)
    families = list(NAMED_FAMILIES)
    for index, surname in enumerate(SURNAMES):
        area = "North" if index % 2 == 0 else "South"
        parents = [Parent(f"parent{next_number}", parent_names[index], surname)]
        next_number += 1
        if index % 8 == 3:
            # Some families have a second parent or carer, who hears about every case too.
            parents.append(Parent(f"parent{next_number}", parent_names[-1 - index], surname,
                                  FamilyMember.Relationship.CARER))
            next_number += 1
        children = []
        for _ in range(2 if index % 5 == 2 else 1):
            first_name = next(child_names)
            # Most children with a plan are of school age; about a quarter are 16 to 24.
            age = rng.randint(16, 24) if rng.random() < 0.25 else rng.randint(3, 15)
            children.append(ChildSpec(
                key=f"{first_name}-{surname}".lower(),
                first_name=first_name,
                last_name=surname,
                age=age,
                school=_school_for(age, area, rng),
                provision=_provision_for(age, rng),
                days_past_birthday=rng.randint(0, 364),
            ))
        families.append(FamilySpec(f"{surname} family", area, tuple(parents), tuple(children)))
    return families


def _school_for(age: int, area: str, rng: random.Random) -> str:
    if age >= 16:
        return COLLEGE
    if rng.random() < 0.2:
        return SPECIAL_SCHOOL
    stage = "early" if age < 5 else "primary" if age < 11 else "secondary"
    return SCHOOLS[(area, stage)]


def _provision_for(age: int, rng: random.Random) -> tuple[str, ...]:
    """Two to five lines, always some education (section F) and usually health or care (G, H1, H2)."""
    education = EDUCATION_16_PLUS if age >= 16 else EDUCATION_UNDER_16
    count = rng.randint(2, 5)
    from_education = rng.randint(1, min(2, count))
    return tuple(rng.sample(education, from_education) + rng.sample(HEALTH_AND_CARE, count - from_education))


def generated_concerns(families: list[FamilySpec]) -> list[Concern]:
    """Four cases ending in each state, for children of the families without a named walkthrough."""
    rng = random.Random(RANDOM_SEED)
    children = [child for family in families[len(NAMED_FAMILIES):] for child in family.children]
    states = list(STATE_AGES) * 4
    concerns = []
    for state, child in zip(states, children, strict=False):
        category = rng.choice(
            ["provision_not_delivered", "provision_not_delivered", "transition", "process_delay", "transport",
             "health", "social_care", "no_response"]
            if child.age >= 16
            else ["provision_not_delivered", "provision_not_delivered", "process_delay", "no_response",
                  "transport", "placement", "inclusion", "health", "social_care", "panel_decision", "other"]
        )
        provision = None
        if category == "provision_not_delivered":
            provision = rng.choice(child.provision)
            line = PROVISION[provision]
            provider = child.school if line.provider == SCHOOL else line.provider
            summary = f"{line.short} is not happening"
            description = (
                f"The plan says: {line.description}, {line.amount} {line.frequency}. "
                "It has not happened for weeks and nobody has told us why."
            )
            update = f"I have asked {provider} why this stopped and when it will start again."
            outcome = f"{provider} has confirmed it starts again next week. The missed sessions will be made up."
        else:
            summary, description, update, outcome = CONCERN_WORDING[category]
        low, high = STATE_AGES[state]
        concerns.append(Concern(
            child=child.key,
            days_ago=rng.randint(low, high),
            at=rng.choice(["08:20", "09:35", "12:50", "16:10", "20:30", "22:05"]),
            category=category,
            summary=summary,
            description=description,
            provision=provision,
            steps=_steps_to(state, update=update, outcome=outcome, rng=rng),
        ))
    return concerns


def _steps_to(state: str, *, update: str, outcome: str, rng: random.Random) -> tuple[Step, ...]:
    """What the named officer and the family do to bring a new case to `state`."""
    if state == Case.Status.NEW:
        return ()
    if state == Case.Status.ACKNOWLEDGED:
        return (Step(rng.choice([1, 2, 4]), "10:15", "acknowledge"),)
    under_way = (
        Step(1, "09:45", "acknowledge"),
        Step(2, "11:00", "start"),
        Step(3, "14:20", "message", update),
    )
    if state == Case.Status.IN_PROGRESS:
        return (*under_way, Step(3, "14:30", "note", rng.choice(STAFF_NOTES)))
    if state == Case.Status.AWAITING_PARENT:
        return (*under_way, Step(4, "10:40", "await_parent", rng.choice(WAITING_FOR_FAMILY)))
    if state == Case.Status.RESOLVED:
        return (
            *under_way,
            Step(4, "19:10", "message", rng.choice(FAMILY_THANKS), by="family"),
            Step(8, "15:45", "resolve", outcome),
        )
    return (
        *under_way,
        Step(7, "16:00", "resolve", outcome),
        Step(18, "10:00", "close", "Resolved, and the family did not reopen it."),
    )


# How `_play` tells its entries apart: a concern being logged, and a sweep (sorted first at any moment).
LOG = -1
SWEEP = -2

# --- writing it all -------------------------------------------------------------------------


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
        match step.action:
            case "acknowledge":
                services.case_acknowledge(actor=actor, case=case, note=step.text)
            case "start":
                services.case_start(actor=actor, case=case, note=step.text)
            case "await_parent":
                services.case_await_parent(actor=actor, case=case, note=step.text)
            case "resolve":
                services.case_resolve(actor=actor, case=case, outcome=step.text)
            case "close":
                services.case_close(actor=actor, case=case, outcome=step.text)
            case "reopen":
                services.case_reopen(actor=actor, case=case, reason=step.text)
            case "message":
                services.case_message_add(actor=actor, case=case, text=step.text)
            case "note":
                services.case_message_add(actor=actor, case=case, text=step.text, internal=True)
            case "reassign":
                officer = self.officers[step.to]
                # Routing may already have chosen this officer; the story reads the same either way.
                if officer.pk != case.accountable_officer_id:
                    services.case_reassign(actor=actor, case=case, officer=officer, note=step.text)
            case _:
                raise ValueError(f"Unknown demo step: {step.action}")


def _uk(day: date, at: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(at), tzinfo=UK_TIME)
