"""The demo borough as data: its staff, its plans' provision, its families and the stories of their concerns."""

from dataclasses import dataclass

from ..models import Case, FamilyMember, Team

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
