"""`python bench/seed.py --cases N`: a national data set of N cases in the bench database, in minutes.

153 councils, six teams each (as the demo borough has), officers in
proportion to each team's cases, families, children, EHCPs and provision.
Then N cases: 80% closed (72% closed, 8% resolved), 20% open across new,
acknowledged, in progress and waiting for the family. Every case carries the
rows the real services would have written over its life, in the same shapes:

- the case row, and one historical case row for each save (logging,
  acknowledging, starting, each sweep that reminded or escalated, handing over,
  waiting, resolving, asking if fixed, closing), with the reason and user;
- a CaseEvent for each timeline line, with the services' wording and data;
- three clocks, stopped, paused, reminded and breached as the sweep would have
  left them, with `next_check_at` for the ones still running;
- alerts for every reminder, escalation and climb of the ladder; pauses;
- outbox rows (in-app and email) for everyone each event told.

One open case in a hundred has a clock whose `next_check_at` fell due in the
minute before the seed's moment T0 (`bench_meta`), so a sweep at T0 has about
2,000 cases to act on at 1,000,000 cases. The largest council's SEND North
team holds a leaver with up to 5,000 open cases, for the offboarding benchmark.

Rows go in with COPY (psycopg `cursor.copy`), one connection a table, with
the tables' secondary indexes dropped first and rebuilt after. Columns come
from the models, so a field added later is filled with its default.
Deterministic: the same N gives the same data (T0 aside).
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time
from bisect import bisect_right
from datetime import UTC, date, datetime, timedelta
from operator import itemgetter

from common import applied_migrations, meta_put, setup_django

setup_django()

import psycopg  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from knox.crypto import hash_token  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from casework.models import (  # noqa: E402
    EHCP,
    Area,
    Case,
    CaseEvent,
    CaseReferenceCounter,
    Child,
    Cover,
    Family,
    FamilyMember,
    Officer,
    Organisation,
    ProvisionItem,
    RoutingRule,
    Team,
)
from casework.models.chain import GENESIS, CaseChain, content_digest, linked  # noqa: E402
from core.time import UK_TIME
from escalations.models import Alert, Clock, Pause, SlaPolicy  # noqa: E402
from escalations.working_days import WorkingCalendar  # noqa: E402
from notifications.models import Notification  # noqa: E402

User = get_user_model()
HistoricalCase = Case.history.model

ORGANISATIONS = 153
# The largest council has about 3.5% of all cases (Kent has about 3% of England's EHCPs).
LARGEST_SHARE = 0.035
TEAMS = [  # key, name, kind
    ("send_north", "SEND North", "send"),
    ("send_south", "SEND South", "send"),
    ("transport", "Home to school transport", "transport"),
    ("health", "Health (designated clinical officer)", "health"),
    ("social_care", "Social care", "social_care"),
    ("adulthood", "Preparing for adulthood", "adulthood"),
]
TEAM_INDEX = {key: index for index, (key, _name, _kind) in enumerate(TEAMS)}
# The demo borough's routing rules (seed_demo), for every council.
ROUTING = [
    {"category": "transport", "safeguarding": True, "team": "transport"},
    {"category": "transport", "team": "transport"},
    {"category": "health", "team": "health"},
    {"category": "social_care", "team": "social_care"},
    {"category": "transition", "team": "adulthood"},
    {"category": "provision_not_delivered", "min_age": 16, "max_age": 25, "team": "adulthood"},
    {"category": "process_delay", "min_age": 16, "max_age": 25, "team": "adulthood"},
    {"area": 0, "team": "send_north"},
    {"area": 1, "team": "send_south"},
    {"team": "send_north"},
]
CATEGORIES_UNDER_16 = ["provision_not_delivered", "provision_not_delivered", "process_delay", "no_response",
                       "transport", "placement", "inclusion", "health", "social_care", "panel_decision", "other"]
CATEGORIES_16_PLUS = ["provision_not_delivered", "provision_not_delivered", "transition", "process_delay",
                      "transport", "health", "social_care", "no_response"]
# Lifetime cases per case officer in the data set: about 50 open at any time.
CASES_PER_OFFICER = 250
CHILDREN_PER_CASE = 0.5
# (status, share): 80% closed, 20% open across every open state.
STATUS_MIX = [("closed", 0.72), ("resolved", 0.08), ("new", 0.03), ("acknowledged", 0.04),
              ("in_progress", 0.10), ("awaiting_parent", 0.03)]
OPEN = {"new", "acknowledged", "in_progress", "awaiting_parent"}
DUE_NOW_SHARE = 0.01
LEAVER_OPEN_CASES = 5000
HANDOVER_SHARE = 0.10
SAFEGUARDING_SHARE = 0.03
FIRST_NAMES = ["Sam", "Aisha", "Tom", "Megan", "Lucy", "Daniel", "Priya", "Gareth", "Joanne", "Amara", "Kieran",
               "Colin", "Rachel", "Sarah", "Imran", "Grace", "Oliver", "Chloe", "Yusuf", "Hannah", "Leon", "Zara"]
LAST_NAMES = ["Okafor", "Rahman", "Hartley", "Price", "Brennan", "Osei", "Raman", "Llewellyn", "Fitzgerald",
              "Nwosu", "Doyle", "Batty", "Kowalski", "Morgan", "Hussain", "Clarke", "Patel", "Evans", "Nowak"]
WORDING = {
    "provision_not_delivered": ("Speech and language therapy is not happening",
                                "The plan says weekly speech and language therapy in school. It has not happened "
                                "for weeks and nobody has told us why."),
    "transport": ("The school bus has not come this week",
                  "The transport booked for my child has not turned up for three days, so they have missed school."),
    "no_response": ("Nobody has answered my emails",
                    "I have emailed the SEND team four times about the annual review and had no reply."),
}
DEFAULT_WORDING = ("We need help with our child's support",
                   "Things agreed at the last review have not happened and we do not know who to ask.")
OUTCOME = "The provider has confirmed it starts again next week. The missed sessions will be made up."


def log(message: str) -> None:
    print(f"[seed {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- COPY, one connection a table ---------------------------------------------------------


class Stream:
    """COPY into one model's table, fed dicts keyed by column; missing columns take the field's default."""

    def __init__(self, conninfo: str, model, t0: str):
        self.model = model
        self.table = model._meta.db_table
        fields = model._meta.concrete_fields
        self.columns = [f.column for f in fields]
        self.defaults = {}
        self.required = set()
        for f in fields:
            if f.has_default():
                value = f.get_default()
                if isinstance(value, datetime):
                    value = t0
                elif isinstance(value, (dict, list)):
                    value = json.dumps(value)
                self.defaults[f.column] = value
            elif f.null:
                self.defaults[f.column] = None
            elif f.blank and f.get_internal_type() in ("CharField", "TextField"):
                # A text field the form may leave empty holds "" (Django's own empty value for text).
                self.defaults[f.column] = ""
            else:
                self.required.add(f.column)
        self.getter = itemgetter(*self.columns)
        self.conn = psycopg.connect(conninfo)
        self.conn.execute("SET session_replication_role = replica")
        self.conn.execute("SET synchronous_commit = off")
        self.cursor = self.conn.cursor()
        columns = ", ".join(f'"{c}"' for c in self.columns)
        self._copy_context = self.cursor.copy(f'COPY "{self.table}" ({columns}) FROM STDIN')
        self.copy = self._copy_context.__enter__()
        self.rows = 0
        self.checked = False

    def write(self, row: dict) -> None:
        if not self.checked:
            missing = self.required - row.keys()
            unknown = row.keys() - set(self.columns)
            if missing or unknown:
                raise SystemExit(f"{self.table}: the seeder does not fill {sorted(missing)}; "
                                 f"unknown columns {sorted(unknown)}. Update bench/seed.py to the model.")
            self.checked = True
        self.copy.write_row(self.getter(self.defaults | row))
        self.rows += 1

    def close(self) -> None:
        self._copy_context.__exit__(None, None, None)
        self.conn.commit()
        self.conn.close()


# --- working days, fast ----------------------------------------------------------------------


class Days:
    """England's working days around T0, on whole seconds since the epoch, and moments written as COPY text.

    Moments are ints in the seeder (datetime arithmetic and psycopg's datetime
    adaptation cost more than the rest of a row); `text` formats one in a table lookup.
    """

    def __init__(self, t0: int):
        calendar = WorkingCalendar()
        self.calendar = calendar
        self.first_day = (t0 - 6 * 366 * 86400) // 86400
        last_day = (t0 + 2 * 366 * 86400) // 86400
        self.day_text = [
            date.fromordinal(EPOCH_ORDINAL + day).isoformat() + " " for day in range(self.first_day, last_day + 1)
        ]
        self.second_text = [f"{h:02d}:{m:02d}:{sec:02d}+00" for h in range(24) for m in range(60) for sec in range(60)]
        # The UK offset for each hour, so the UK date of a moment is one lookup.
        self.offsets = []
        for hour in range((last_day + 1 - self.first_day) * 24):
            moment = datetime.fromtimestamp((self.first_day * 24 + hour) * 3600, UTC)
            self.offsets.append(int(moment.astimezone(UK_TIME).utcoffset().total_seconds()))
        self.working = []  # working days, as day numbers since the epoch
        self.starts, self.ends = [], []
        for day in range(self.first_day, last_day + 1):
            d = date.fromordinal(EPOCH_ORDINAL + day)
            if calendar.is_working_day(d):
                self.working.append(day)
                self.starts.append(int(datetime(d.year, d.month, d.day, 9, tzinfo=UK_TIME).timestamp()))
                self.ends.append(int(datetime(d.year, d.month, d.day, 17, tzinfo=UK_TIME).timestamp()))

    def text(self, moment: int | None) -> str | None:
        if moment is None:
            return None
        day, second = divmod(moment, 86400)
        return self.day_text[day - self.first_day] + self.second_text[second]

    def uk_day(self, moment: int) -> int:
        return (moment + self.offsets[moment // 3600 - self.first_day * 24]) // 86400

    def index_after(self, moment: int) -> int:
        """Index of the first working day after the UK date of `moment`."""
        return bisect_right(self.working, self.uk_day(moment))

    def add(self, moment: int, days: int) -> tuple[int, int]:
        """(due, remind): 17:00 UK on the `days`-th working day after `moment`, and 09:00 that day."""
        index = self.index_after(moment) + days - 1
        return self.ends[index], self.starts[index]

    def add_hours(self, moment: int, hours: int) -> tuple[int, int]:
        """(due, remind) of a clock counted in working hours: the real calendar, and one working hour before."""
        due = self.calendar.add_working_hours(datetime.fromtimestamp(moment, UTC), hours)
        return int(due.timestamp()), int(self.calendar.subtract_working_hours(due, 1).timestamp())

    def working_seconds(self, start: int, end: int) -> int:
        """Roughly the working time between two moments: whole working days between them, 8 hours each."""
        if end <= start:
            return 0
        whole = self.index_after(end) - self.index_after(start)
        return max(0, whole * 8 * 3600 + min(8 * 3600, (end - start) % 86400 // 3))


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


# --- the plan of the country -------------------------------------------------------------------


def organisation_weights(rng: random.Random) -> list[float]:
    weights = sorted((rng.lognormvariate(0, 0.6) for _ in range(ORGANISATIONS - 1)), reverse=True)
    rest = sum(weights)
    return [LARGEST_SHARE] + [(1 - LARGEST_SHARE) * w / rest for w in weights]


def route(category: str, safeguarding: bool, area: int, age: int) -> int:
    for rule in ROUTING:
        if "category" in rule and rule["category"] != category:
            continue
        if "area" in rule and rule["area"] != area:
            continue
        if "safeguarding" in rule and rule["safeguarding"] != safeguarding:
            continue
        if "min_age" in rule and not rule["min_age"] <= age <= rule["max_age"]:
            continue
        return TEAM_INDEX[rule["team"]]
    raise AssertionError("the last rule matches everything")


def token_key(user_id: int) -> str:
    return hashlib.sha1(f"send-casework-bench-{user_id}".encode()).hexdigest()


class Seeder:
    def __init__(self, cases: int, conninfo: str):
        self.n = cases
        self.conninfo = conninfo
        self.rng = random.Random(20260)
        self.t0 = int(time.time()) // 60 * 60
        self.days = Days(self.t0)
        self.t0_text = self.days.text(self.t0)
        self.policies = self._policies()
        self.ids = {}

    def next_id(self, key: str) -> int:
        self.ids[key] = self.ids.get(key, 0) + 1
        return self.ids[key]

    def _policies(self) -> dict:
        policies = {}
        for p in SlaPolicy.objects.all():
            key = "safeguarding" if p.safeguarding else (p.category_id or "default")
            policies[key] = (p.priority, p.acknowledge_within, p.acknowledge_unit, p.respond_within, p.resolve_within)
        return policies

    # --- reference data ---

    def reference_data(self, streams) -> None:
        rng, t0 = self.rng, self.t0
        users, orgs, areas, teams, officers = (streams[k] for k in ("user", "org", "area", "team", "officer"))
        self.weights = organisation_weights(rng)
        children_total = max(ORGANISATIONS * 10, int(self.n * CHILDREN_PER_CASE))
        joined = self.days.text(t0 - 6 * 365 * 86400)
        today = datetime.fromtimestamp(t0, UTC).date()

        def user(username, first, last, *, superuser=False, staff=False):
            uid = self.next_id("user")
            users.write({"id": uid, "password": "!bench-unusable", "last_login": None, "is_superuser": superuser,
                         "username": username, "first_name": first, "last_name": last,
                         "email": f"{username}@example.org", "is_staff": staff, "is_active": True,
                         "date_joined": joined})
            return uid

        self.superuser = user("bench-admin", "Bench", "Administrator", superuser=True, staff=True)
        # Families, parents and children, council by council.
        self.child_family, self.child_age, self.child_items = [0], [0], [None]  # 1-based by child id
        self.family_parents, self.family_area = [None], [0]
        self.org_children = []  # (first child id, last child id + 1)
        family_stream, member_stream, child_stream = streams["family"], streams["member"], streams["child"]
        ehcp_stream, item_stream = streams["ehcp"], streams["item"]
        sections = [("F", "Speech and language therapy from a speech and language therapist, in school",
                     "1 hour", "weekly", "Community Health NHS Trust"),
                    ("F", "Support from a teaching assistant in class", "15 hours", "weekly", "the school"),
                    ("G", "Physiotherapy programme, set and reviewed by a physiotherapist", "1 hour", "monthly",
                     "Community Health NHS Trust"),
                    ("H1", "Overnight short breaks", "2 nights", "monthly", "children with disabilities service"),
                    ("H2", "A place at an after-school short-break club", "3 hours", "weekly", "Play and Leisure")]
        for org in range(ORGANISATIONS):
            wanted = max(10, round(children_total * self.weights[org]))
            first_child = len(self.child_family)
            while len(self.child_family) - first_child < wanted:
                fid = self.next_id("family")
                area = rng.randrange(2)
                surname = rng.choice(LAST_NAMES)
                family_stream.write({"id": fid, "name": f"{surname} family {fid}", "area_id": org * 2 + area + 1,
                                     "organisation_id": org + 1})
                parents = []
                for _ in range(1 if rng.random() < 0.7 else 2):
                    uid = user(f"parent{fid}-{len(parents) + 1}", rng.choice(FIRST_NAMES), surname)
                    member_stream.write({"id": self.next_id("member"), "relationship": "parent",
                                         "family_id": fid, "user_id": uid})
                    parents.append(uid)
                self.family_parents.append(tuple(parents))
                self.family_area.append(area)
                for _ in range(1 if rng.random() < 0.75 else 2):
                    cid = self.next_id("child")
                    age = rng.randrange(2, 26)
                    dob = date(today.year - age, 1, 1) + timedelta(days=rng.randrange(365) - 400)
                    child_stream.write({"id": cid, "first_name": rng.choice(FIRST_NAMES), "last_name": surname,
                                        "date_of_birth": dob, "family_id": fid})
                    self.child_family.append(fid)
                    self.child_age.append(age)
                    items = None
                    if rng.random() < 0.85:
                        eid = self.next_id("ehcp")
                        ehcp_stream.write({"id": eid, "reference": f"EHCP-{org + 1:03d}-{eid:07d}",
                                           "issued_on": dob + timedelta(days=365 * max(1, age - 1)), "child_id": cid})
                        first_item = self.ids.get("item", 0) + 1
                        for section, description, amount, frequency, provider in rng.sample(sections, 3):
                            item_stream.write({"id": self.next_id("item"), "section": section,
                                               "description": description, "amount": amount, "frequency": frequency,
                                               "provider": provider, "per": "", "ehcp_id": eid})
                        items = (first_item, 3)
                    self.child_items.append(items)
            self.org_children.append((first_child, len(self.child_family)))
        self.user_fn = user
        self.orgs, self.areas, self.teams_stream, self.officers_stream = orgs, areas, teams, officers
        log(f"{len(self.child_family) - 1} children in {len(self.family_parents) - 1} families")

    def staff(self, team_case_counts: list[int]) -> None:
        """Officers in proportion to each team's cases; a manager per team; a head of service and director per council."""
        rng, user = self.rng, self.user_fn
        self.team_officers = []  # by team index (0-based): list of case officer ids
        self.team_manager, self.org_head, self.org_director = [], [], []

        def officer(username, title, team_id, manager):
            uid = user(username, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), staff=False)
            oid = self.next_id("officer")
            self.officers_stream.write({"id": oid, "job_title": title, "is_manager": manager, "active": True,
                                        "user_id": uid, "team_id": team_id})
            self.officer_user[oid] = uid
            return oid

        self.officer_user = {}
        for org in range(ORGANISATIONS):
            director = officer(f"director{org + 1}", "Director of Children's Services", None, True)
            head = officer(f"head{org + 1}", "Head of SEND Service", None, True)
            self.org_director.append(director)
            self.org_head.append(head)
            self.orgs.write({"id": org + 1, "name": f"Council {org + 1:03d}", "out_of_hours_phone": "020 7946 0999",
                             "director_id": director})
            for area, name in enumerate(("North", "South")):
                self.areas.write({"id": org * 2 + area + 1, "name": name, "organisation_id": org + 1})
            for index, (key, name, kind) in enumerate(TEAMS):
                team = org * len(TEAMS) + index
                manager = officer(f"manager{org + 1}-{key}", f"{name} manager", team + 1, True)
                count = max(2, round(team_case_counts[team] / CASES_PER_OFFICER))
                self.team_officers.append(
                    [officer(f"officer{org + 1}-{key}-{k + 1}", f"{name} officer", team + 1, False) for k in range(count)]
                )
                self.team_manager.append(manager)
                self.teams_stream.write({"id": team + 1, "name": name, "kind": kind, "organisation_id": org + 1,
                                         "manager_id": manager, "head_of_service_id": head})
        log(f"{len(self.officer_user)} staff in {ORGANISATIONS * len(TEAMS)} teams")

    def routing_rules(self, stream) -> None:
        rid = 0
        for org in range(ORGANISATIONS):
            for position, rule in enumerate(ROUTING, start=1):
                rid += 1
                stream.write({"id": rid, "organisation_id": org + 1, "position": position * 10,
                              "category_id": rule.get("category"),
                              "area_id": org * 2 + rule["area"] + 1 if "area" in rule else None,
                              "min_age": rule.get("min_age"), "max_age": rule.get("max_age"),
                              "safeguarding": rule.get("safeguarding"),
                              "team_id": org * len(TEAMS) + TEAM_INDEX[rule["team"]] + 1})

    # --- the cases ---

    def plan_cases(self) -> list[tuple]:
        """(created_at, status, org, child, category, safeguarding, team index), in the order they were logged."""
        rng, t0 = self.rng, self.t0
        statuses = [s for s, _ in STATUS_MIX]
        shares = [w for _, w in STATUS_MIX]
        cum_weights = []
        total = 0
        for w in self.weights:
            total += w
            cum_weights.append(total)
        plans = []
        for _ in range(self.n):
            status = rng.choices(statuses, shares)[0]
            org = min(bisect_right(cum_weights, rng.random() * total), ORGANISATIONS - 1)
            lo, hi = self.org_children[org]
            child = rng.randrange(lo, hi)
            age = self.child_age[child]
            category = rng.choice(CATEGORIES_16_PLUS if age >= 16 else CATEGORIES_UNDER_16)
            safeguarding = rng.random() < SAFEGUARDING_SHARE
            if status == "closed":
                created = t0 - int(DAY * rng.uniform(90, 3 * 365))
            elif status == "resolved":
                created = t0 - int(DAY * rng.uniform(30, 120))
            elif status == "new":
                created = t0 - int(HOUR * rng.uniform(0.2, 72))
            elif status == "acknowledged":
                created = t0 - int(DAY * rng.uniform(1, 14))
            else:
                created = t0 - int(DAY * (rng.expovariate(1 / 25) + 3))
            team = org * len(TEAMS) + route(category, safeguarding, self.family_area[self.child_family[child]], age)
            plans.append((created, status, org, child, category, safeguarding, team))
        plans.sort(key=itemgetter(0))
        return plans

    def run(self) -> dict:
        t_start = time.monotonic()
        stream_models = {
            "user": User, "org": Organisation, "area": Area, "team": Team, "officer": Officer, "family": Family,
            "member": FamilyMember, "child": Child, "ehcp": EHCP, "item": ProvisionItem, "rule": RoutingRule,
            "case": Case, "history": HistoricalCase, "event": CaseEvent, "clock": Clock, "alert": Alert,
            "pause": Pause, "notification": Notification, "token": AuthToken, "cover": Cover, "chain": CaseChain,
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM casework_case")
            if cursor.fetchone()[0]:
                raise SystemExit("The bench database already has cases: run.sh recreates it before seeding.")
        tables = [m._meta.db_table for m in stream_models.values()]
        recreate = drop_secondary_indexes(self.conninfo, tables)
        log(f"dropped {len(recreate)} secondary indexes and unique constraints for the load")
        streams = {key: Stream(self.conninfo, model, self.t0_text) for key, model in stream_models.items()}
        self.reference_data(streams)
        self.routing_rules(streams["rule"])
        plans = self.plan_cases()
        log(f"planned {len(plans)} cases")
        team_counts = [0] * (ORGANISATIONS * len(TEAMS))
        for plan in plans:
            team_counts[plan[6]] += 1
        self.staff(team_counts)
        self.assign_and_write(plans, streams)
        self.covers(streams["cover"])
        samples = self.samples(plans, streams["token"])
        for key, stream in streams.items():
            stream.close()
        rows = {stream.table: stream.rows for stream in streams.values()}
        log("rows: " + ", ".join(f"{t}={n}" for t, n in rows.items() if n))
        t_loaded = time.monotonic()
        finish(self.conninfo, recreate, tables)
        with connection.cursor() as cursor:
            for year, last in sorted(self.reference_numbers.items()):
                cursor.execute(
                    f'INSERT INTO "{CaseReferenceCounter._meta.db_table}" (year, last_number) VALUES (%s, %s)',
                    [year, last],
                )
            # New cases take their numbers from the sequence (casework.services.intake): past every seeded one.
            cursor.execute("SELECT setval('casework_case_reference', %s)", [max(self.reference_numbers.values())])
            meta = {
                "cases": self.n, "t0": datetime.fromtimestamp(self.t0, UTC).isoformat(), "rows": rows,
                "samples": samples,
                "migrations": applied_migrations(cursor),
                "seconds": {"load": round(t_loaded - t_start, 1), "indexes_and_analyze": round(time.monotonic() - t_loaded, 1)},
            }
            meta_put(cursor, meta)
        log(f"done in {time.monotonic() - t_start:.0f} s")
        return meta

    def assign_and_write(self, plans, streams) -> None:
        rng = self.rng
        # The leaver: an officer of the largest council's SEND North team, left holding its open cases.
        largest = 0
        leaver_team = largest * len(TEAMS) + TEAM_INDEX["send_north"]
        team_officers = self.team_officers
        if len(team_officers[leaver_team]) < 2:
            raise SystemExit("The leaver's team needs two officers: seed more cases.")
        self.leaver, self.successor = team_officers[leaver_team][0], team_officers[leaver_team][1]
        others = {team: officers[1:] if team == leaver_team else officers for team, officers in enumerate(team_officers)}
        leaver_left = LEAVER_OPEN_CASES
        self.reference_numbers = {}
        self.due_now = 0
        self.leaver_cases = 0
        writer = CaseWriter(self, streams)
        # 1% of open cases are due now; only new, acknowledged and in-progress cases have a running clock.
        open_share = sum(w for st, w in STATUS_MIX if st in OPEN)
        due_chance = DUE_NOW_SHARE * open_share / sum(w for st, w in STATUS_MIX if st in OPEN - {"awaiting_parent"})
        started = time.monotonic()
        for number, (created, status, org, child, category, safeguarding, team) in enumerate(plans, start=1):
            if status in OPEN and org == largest and leaver_left > 0:
                team, officer = leaver_team, self.leaver
                leaver_left -= 1
                self.leaver_cases += 1
            else:
                officer = rng.choice(others[team])
            first_officer = officer
            if rng.random() < HANDOVER_SHARE and status != "new" and len(team_officers[team]) > 1:
                first_officer = rng.choice([o for o in team_officers[team] if o != officer])
            year = datetime.fromtimestamp(created, UTC).year
            self.reference_numbers[year] = self.reference_numbers.get(year, 0) + 1
            reference = f"SEND-{year}-{self.reference_numbers[year]:06d}"
            force = 0
            if status in ("new", "acknowledged", "in_progress") and officer != self.leaver and rng.random() < due_chance:
                force = 1 if rng.random() < 0.6 else 2
                self.due_now += 1
            writer.case(created, status, org, child, category, safeguarding, team, officer,
                        first_officer, reference, force)
            if number % 100_000 == 0:
                log(f"{number} cases written ({number / (time.monotonic() - started):.0f}/s)")
        log(f"{self.due_now} cases due at T0; the leaver holds {self.leaver_cases} open cases")

    def covers(self, stream) -> None:
        """About 2% of case officers are away, covered by a colleague of the same team, now."""
        rng, t0 = self.rng, self.t0
        cid = 0
        for officers in self.team_officers:
            for officer in officers:
                if officer in (self.leaver, self.successor) or len(officers) < 2 or rng.random() > 0.02:
                    continue
                cover = rng.choice([o for o in officers if o != officer])
                cid += 1
                text = self.days.text
                stream.write({"id": cid, "officer_id": officer, "cover_officer_id": cover,
                              "starts_at": text(t0 - 3 * DAY), "ends_at": text(t0 + 7 * DAY),
                              "set_by_id": self.superuser, "created_at": text(t0 - 3 * DAY)})

    def samples(self, plans, tokens) -> dict:
        """Who the benchmarks act as, with API tokens: parents with their children, officers, managers."""
        rng = random.Random(7)
        parent_child = {}
        for created, status, org, child, *_ in rng.sample(plans, min(len(plans), 20_000)):
            parent = self.family_parents[self.child_family[child]][0]
            parent_child.setdefault(parent, child)
            if len(parent_child) >= 5000:
                break
        officers = [o for team, officers in enumerate(self.team_officers) for o in officers
                    if o not in (self.leaver, self.successor)]
        queue_officers = rng.sample(officers, min(200, len(officers)))
        largest_head = self.org_head[0]
        users = set(parent_child) | {self.officer_user[o] for o in queue_officers} | {
            self.superuser, self.officer_user[largest_head], self.officer_user[self.leaver]}
        # A year's life: a benchmark run days after seeding still signs in.
        expiry = datetime.fromtimestamp(self.t0 + 365 * 86400, UTC).isoformat()
        for uid in sorted(users):
            key = token_key(uid)
            tokens.write({"digest": hash_token(key), "token_key": key[:15], "created": self.t0_text,
                          "expiry": expiry, "user_id": uid})
        return {
            "parents": [[token_key(p), c] for p, c in parent_child.items()],
            "officers": [[token_key(self.officer_user[o]), o] for o in queue_officers],
            "superuser": {"user_id": self.superuser, "token": token_key(self.superuser)},
            "council_manager": {"officer_id": largest_head, "user_id": self.officer_user[largest_head],
                                "token": token_key(self.officer_user[largest_head])},
            "leaver": {"officer_id": self.leaver, "open_cases": self.leaver_cases,
                       "token": token_key(self.officer_user[self.leaver])},
            "successor": {"officer_id": self.successor},
            "due_now": self.due_now,
        }


class CaseWriter:
    """Writes one case and everything the services would have written about it over its life."""

    def __init__(self, seeder: Seeder, streams: dict):
        self.s = seeder
        self.rng = seeder.rng
        self.t0 = seeder.t0
        self.days = seeder.days
        self.st = streams

    def notify(self, at, recipients, template, dedupe, reference, case_id, subject):
        """The outbox rows of one event: in-app (the inbox) and email, for each recipient, long since sent."""
        write, text, next_id, random_ = self.st["notification"].write, self.days.text, self.s.next_id, self.rng.random
        context = f'{{"reference": "{reference}"}}'
        body = f"{subject}. Sign in to see the details and what happens next: /cases/{case_id}/"
        link = f"/cases/{case_id}/"
        at_text, redispatch = text(at), text(at + MINUTE)
        read = text(at + HOUR)
        for uid in recipients:
            for channel in ("in_app", "email"):
                write({"id": next_id("notification"), "channel": channel, "template": template,
                       "context": context, "subject": subject, "body": body, "link": link, "dedupe_key": dedupe,
                       "status": "sent", "attempts": 1 if channel == "email" else 0, "last_error": "", "claimed_by": "",
                       "redispatch_at": redispatch, "created_at": at_text, "updated_at": at_text, "sent_at": at_text,
                       "digest_id": None, "read_at": read if channel == "in_app" and random_() < 0.6 else None,
                       "recipient_id": uid})

    def case(self, created, status, org, child, category, safeguarding, team, officer, first_officer, reference, force):
        s, rng, t0, days = self.s, self.rng, self.t0, self.days
        text = days.text
        uniform = rng.uniform
        case_id = s.next_id("case")
        policy = s.policies["safeguarding" if safeguarding else category] if (
            safeguarding or category in s.policies) else s.policies["default"]
        priority, ack_n, ack_unit, respond_n, resolve_n = policy
        parents = s.family_parents[s.child_family[child]]
        parent = parents[0]
        officer_user = s.officer_user
        manager = s.team_manager[team]
        summary, description = WORDING.get(category, DEFAULT_WORDING)
        items = s.child_items[child]
        provision_item = items[0] + rng.randrange(items[1]) if items and category == "provision_not_delivered" else None
        # The clocks, as clock_plan and clocks_start make them: [kind, unit, due, remind].
        ack_due, ack_remind = days.add_hours(created, ack_n) if ack_unit == "hours" else days.add(created, ack_n)
        respond_due, respond_remind = days.add(created, respond_n)
        resolve_due, resolve_remind = days.add(created, resolve_n)
        # When each step of its life happened.
        ack_at = start_at = resolve_at = close_at = pause_at = handover_at = None
        if status != "new":
            ack_at = created + int((ack_due - created) * uniform(0.05, 1.12))
            if status == "acknowledged":
                ack_at = min(ack_at, t0 - 5 * MINUTE)
        if status in ("in_progress", "awaiting_parent", "resolved", "closed"):
            start_at = ack_at + int(HOUR * uniform(0.5, 30))
        if status in ("resolved", "closed"):
            resolve_at = max(start_at + HOUR, created + int((resolve_due - created) * uniform(0.25, 1.2)))
            if status == "resolved":
                resolve_at = t0 - int(DAY * uniform(0.5, 27))
                start_at = min(start_at, resolve_at - HOUR)
                ack_at = min(ack_at, start_at - MINUTE)
        close_kind = None
        if status == "closed":
            close_kind = rng.choices(("confirmed", "officer", "withdrawn"), (0.6, 0.3, 0.1))[0]
            if close_kind == "withdrawn":
                close_at, resolve_at = resolve_at, None
            elif close_kind == "confirmed":
                close_at = resolve_at + 28 * DAY + int(HOUR * uniform(1, 200))
            else:
                close_at = resolve_at + int(HOUR * uniform(1, 72))
        if status in ("in_progress", "awaiting_parent"):
            start_at = min(start_at, t0 - HOUR)
            ack_at = min(ack_at, start_at - MINUTE)
        if status == "awaiting_parent":
            pause_at = max(start_at + MINUTE, t0 - int(DAY * uniform(0.1, 12)))
        end = close_at or resolve_at or t0  # when the case stopped being open
        if first_officer != officer:
            begin = start_at or ack_at or created
            handover_at = begin + int((end - begin) * uniform(0.1, 0.8))
        # Stop, pause, or leave each clock running, as the services would.
        resolve_stop = resolve_at or close_at
        stops = (ack_at or resolve_stop, start_at or resolve_stop, resolve_stop)
        clock_rows = []
        for (kind, unit, due, remind), stopped in zip(
            (("acknowledge", ack_unit, ack_due, ack_remind), ("respond", "days", respond_due, respond_remind),
             ("resolve", "days", resolve_due, resolve_remind)), stops, strict=True
        ):
            paused = pause_at if pause_at and kind != "acknowledge" and stopped is None else None
            clock_rows.append({"id": s.next_id("clock"), "kind": kind, "unit": unit, "started_at": created,
                               "due_at": due, "remind_at": remind, "reminded_at": None, "stopped_at": stopped,
                               "paused_at": paused, "breached_at": None, "next_check_at": None, "extensions": 0,
                               # No seeded case is reopened or chased, so each clock is its case's current one.
                               "superseded_at": None, "case_id": case_id})
        forced = None
        if force:
            forced = next(c for c in clock_rows if c["stopped_at"] is None and c["paused_at"] is None)
            moment = t0 - rng.randrange(60)
            if force == 1:  # its reminder is due now
                forced.update(remind_at=moment, due_at=moment + 8 * HOUR, next_check_at=moment)
            else:  # its due moment is now
                forced.update(due_at=moment, remind_at=moment - 8 * HOUR, next_check_at=moment)
        saves = []  # (at, reason, user id, changes)
        events = []  # (at, kind, actor, text, internal, data, notify: ((recipients, template, subject), ...), alert)
        alerts = []
        officer_name = f"officer {officer}"
        first_user = officer_user[first_officer]
        saves.append((created, "Concern logged", parent, None))
        events.append((created, "logged", parent, f"Concern logged. officer {first_officer} is the named officer.",
                       False, f'{{"officer_id": {first_officer}, "team_id": {team + 1}}}',
                       ((parents, "case_logged", f"We have your concern {reference}"),
                        ((first_user,), "officer_case_assigned", f"New case {reference}")), None))
        level_now = 0
        first_breached = None
        if safeguarding:
            alert = self.alert(alerts, "safeguarding", 1, manager, "team_manager", first_officer, created, case_id,
                               clock_rows[0]["id"])
            events.append((created, "escalated", None, f"Escalated to manager {manager}, team manager, because a "
                           "child may be at risk.", False, f'{{"alert_id": {alert}, "level": 1}}',
                           (((officer_user[manager],), "manager_safeguarding_alert", f"Safeguarding: {reference}"),),
                           alert))
            saves.append((created, "Safeguarding: the team manager was alerted at once", parent,
                          {"escalation_level": 1}))
            level_now = 1
        # What the sweep did: a reminder before each due moment, an escalation at each breach, the ladder above.
        breaches = []
        for clock in clock_rows:
            if clock is forced and force == 1:
                continue
            until = clock["stopped_at"] or clock["paused_at"] or t0
            remind, due = clock["remind_at"], clock["due_at"]
            if remind < due and remind <= until and remind + SWEEP_LAG <= t0:
                at = clock["reminded_at"] = remind + SWEEP_LAG
                alert = self.alert(alerts, "reminder", 0, first_officer, "officer", first_officer, at, case_id,
                                   clock["id"])
                events.append((at, "reminder", None, f"Reminder sent: {clock['kind']} due soon.", True,
                               f'{{"alert_id": {alert}}}',
                               (((first_user,), "officer_reminder", f"Reminder: {reference}"),), alert))
                saves.append((at, "SLA sweep", None, None))
            if clock is forced:
                continue
            if due < until and due + SWEEP_LAG <= t0:
                clock["breached_at"] = due + SWEEP_LAG
                breaches.append(clock)
            elif clock["stopped_at"] is None and clock["paused_at"] is None:
                clock["next_check_at"] = remind if clock["reminded_at"] is None and remind < due else due
        breaches.sort(key=itemgetter("due_at"))
        escalation_due = None
        for clock in breaches:
            at = clock["breached_at"]
            level_now = max(level_now, 1)
            alert = self.alert(alerts, "escalation", 1, manager, "team_manager", first_officer, at, case_id,
                               clock["id"])
            events.append((at, "escalated", None, f"Escalated to manager {manager}, team manager, because the "
                           f"{clock['kind']} date was missed.", False, f'{{"alert_id": {alert}, "level": 1}}',
                           (((officer_user[manager],), "manager_escalation", f"Escalation: {reference}"),), alert))
            changes = {"escalation_level": level_now}
            if first_breached is None:
                first_breached = clock["due_at"]
                escalation_due = days.add(first_breached, 5)[0]
                changes.update(first_breached_at=first_breached, escalation_due_at=escalation_due)
            saves.append((at, "SLA sweep", None, changes))
        if breaches:
            for level, working_days, role, recipient in ((2, 5, "head_of_service", s.org_head[org]),
                                                         (3, 10, "director", s.org_director[org])):
                at = days.add(first_breached, working_days)[0] + SWEEP_LAG
                if at > min(end, t0):
                    escalation_due = at - SWEEP_LAG if end == t0 else None
                    break
                alert = self.alert(alerts, "escalation", level, recipient, role, first_officer, at, case_id,
                                   breaches[0]["id"])
                events.append((at, "escalated", None, f"Escalated to {role.replace('_', ' ')} {recipient}.", False,
                               f'{{"alert_id": {alert}, "level": {level}}}',
                               (((officer_user[recipient],), "manager_escalation", f"Escalation: {reference}"),), alert))
                escalation_due = days.add(first_breached, 10)[0] if level == 2 else None
                saves.append((at, "Escalation ladder", None, {"escalation_level": level,
                                                              "escalation_due_at": escalation_due}))
                level_now = level
        # The people's steps.
        if ack_at:
            saves.append((ack_at, "Acknowledged", first_user, {"status": "acknowledged", "acknowledged_at": ack_at}))
            events.append((ack_at, "acknowledged", first_user, f"officer {first_officer} has your concern.", False,
                           "{}", ((parents, "case_acknowledged", f"{reference}: we are looking at it"),), None))
        if start_at:
            saves.append((start_at, "Work started", first_user, {"status": "in_progress"}))
            events.append((start_at, "started", first_user, "Work on this concern has started.", False, "{}", None,
                           None))
        if handover_at:
            new_user = officer_user[officer]
            saves.append((handover_at, f"Named officer changed from officer {first_officer} to {officer_name}",
                          first_user, {"accountable_officer_id": officer, "owner_count": 2}))
            kind = "reassigned" if rng.random() < 0.5 else "handover"
            events.append((handover_at, kind, first_user, f"{officer_name} is now the named officer, taking over "
                           f"from officer {first_officer}.", False,
                           f'{{"from_officer_id": {first_officer}, "to_officer_id": {officer}}}',
                           ((parents, "case_new_officer", f"{reference}: your new named officer"),
                            ((new_user,), "officer_case_handed_over", f"Handed over: {reference}")), None))
            events.append((handover_at, "note", first_user, "Handover note: the family prefer email.", True, "{}",
                           None, None))
        owner_user = officer_user[officer]
        if pause_at:
            saves.append((pause_at, "Waiting for the family", owner_user, {"status": "awaiting_parent"}))
            events.append((pause_at, "awaiting_parent", owner_user, "Please send the latest school report.", False,
                           "{}", ((parents, "case_awaiting_parent", f"{reference}: we need something from you"),),
                           None))
            self.st["pause"].write({"id": s.next_id("pause"), "started_at": text(pause_at),
                                    "started_by_id": owner_user, "reason": "Please send the latest school report.",
                                    "ends_by_itself_at": text(days.add(pause_at, 10)[0]), "ended_at": None,
                                    "ended_by_id": None, "working_seconds": 0, "case_id": case_id})
        if resolve_at:
            saves.append((resolve_at, "Resolved", owner_user,
                          {"status": "resolved", "resolved_at": resolve_at, "outcome": OUTCOME,
                           "follow_up_due_at": resolve_at + 28 * DAY, "escalation_due_at": None}))
            events.append((resolve_at, "resolved", owner_user, OUTCOME, False, "{}",
                           ((parents, "case_resolved", f"{reference} is resolved"),), None))
        if close_kind == "confirmed":
            asked = resolve_at + 28 * DAY + 10 * MINUTE
            saves.append((asked, "Asked the family whether the problem is still fixed", None,
                          {"follow_up_sent_at": asked}))
            events.append((asked, "follow_up", None, "We asked whether the problem is still fixed.", False, "{}",
                           ((parents, "case_was_it_fixed", f"Is it still fixed? {reference}"),), None))
            saves.append((close_at, "The family confirmed the problem is fixed", parent,
                          {"status": "closed", "closed_at": close_at, "follow_up_due_at": None}))
            events.append((close_at, "confirmed", parent, "The family told us the problem is still fixed. "
                           "Case closed.", False, "{}", None, None))
        elif close_kind:
            outcome = OUTCOME if close_kind == "officer" else "The family withdrew the concern."
            saves.append((close_at, "Closed", owner_user,
                          {"status": "closed", "closed_at": close_at, "outcome": outcome, "escalation_due_at": None}))
            events.append((close_at, "closed", owner_user, outcome, False, "{}", None, None))
        # Clocks, with the working time each stopped one took; the case's next due moment.
        clock_write = self.st["clock"].write
        for clock in clock_rows:
            stopped = clock["stopped_at"]
            if stopped:
                clock["working_seconds_taken"] = days.working_seconds(created, stopped)
            for key in CLOCK_MOMENTS:
                clock[key] = text(clock[key])
            clock_write(clock)
        running = [c["due_at"] for c in clock_rows if c["stopped_at"] is None and c["paused_at"] is None]
        next_due = min(running) if running else None  # already text, which sorts as time does
        # The case now, and one history row per save, in time order.
        saves.sort(key=itemgetter(0))
        events.sort(key=itemgetter(0))
        is_open = status in OPEN
        current = {
            "status": "new", "acknowledged_at": None, "resolved_at": None, "closed_at": None, "outcome": "",
            "follow_up_due_at": None, "follow_up_sent_at": None, "accountable_officer_id": first_officer,
            "team_id": team + 1, "owner_count": 1, "escalation_level": 0, "first_breached_at": None,
            "escalation_due_at": None, "next_due_at": min(c["due_at"] for c in clock_rows), "updated_at": None,
        }
        base = {
            "id": case_id, "reference": reference, "summary": summary, "description": description,
            "priority": priority, "safeguarding": safeguarding, "logged_on_behalf": False, "contact_method": "online",
            "created_at": text(created), "logged_by_id": parent, "category_id": category, "child_id": child,
            "organisation_id": org + 1, "provision_item_id": provision_item,
        }
        history = self.st["history"].write
        last = len(saves) - 1
        for index, (at, reason, user, changes) in enumerate(saves):
            if changes:
                for key, value in changes.items():
                    current[key] = text(value) if key in CASE_MOMENTS else value
            current["updated_at"] = at_text = text(at)
            if index == last:
                current["next_due_at"] = next_due
                current["escalation_due_at"] = text(escalation_due) if is_open and first_breached else None
                if first_breached:
                    current["first_breached_at"] = text(first_breached)
            history(base | current | {"history_id": s.next_id("history"), "history_date": at_text,
                                      "history_change_reason": reason, "history_type": "~" if index else "+",
                                      "history_user_id": user})
        self.st["case"].write(base | current)
        event_write = self.st["event"].write
        # Each event linked into the case's hash chain as `CaseEvent.objects.record` links it.
        previous, head = GENESIS, GENESIS
        for seq, (at, kind, actor, words, internal, data, notify, alert) in enumerate(events, 1):
            event_id = s.next_id("event")
            content = {"record": "casework.caseevent", "case": case_id, "at": datetime.fromtimestamp(at, UTC),
                       "kind": kind, "actor": actor, "text": words, "internal": internal, "message": None, "data": data}
            previous, head = head, linked(head, content_digest(content))
            event_write({"id": event_id, "at": text(at), "kind": kind, "text": words, "internal": internal,
                         "data": data, "actor_id": actor, "case_id": case_id, "message_id": None,
                         "chain_seq": seq, "chain_prev": previous, "chain_hash": head})
            for recipients, template, subject in notify or ():
                dedupe = f"alert:{alert}" if alert else f"case-event:{event_id}:{template}"
                self.notify(at, recipients, template, dedupe, reference, case_id, subject)
        if events:
            self.st["chain"].write({"case_id": case_id, "length": len(events), "previous": previous, "head": head})
        alert_write = self.st["alert"].write
        for row in alerts:
            row["created_at"] = text(row["created_at"])
            alert_write(row)

    def alert(self, alerts, kind, level, recipient, role, owner, at, case_id, clock_id) -> int:
        alert_id = self.s.next_id("alert")
        alerts.append({"id": alert_id, "kind": kind, "level": level, "recipient_role": role, "created_at": at,
                       "case_id": case_id, "owner_id": owner, "recipient_id": recipient, "clock_id": clock_id})
        return alert_id


CLOCK_MOMENTS = ("started_at", "due_at", "remind_at", "reminded_at", "stopped_at", "paused_at", "breached_at",
                 "next_check_at")
CASE_MOMENTS = {"acknowledged_at", "resolved_at", "closed_at", "follow_up_due_at", "follow_up_sent_at",
                "first_breached_at", "escalation_due_at", "next_due_at"}


MINUTE = 60
HOUR = 3600
DAY = 86400
SWEEP_LAG = 20


# --- indexes: off for the load, back on after ----------------------------------------------------


def drop_secondary_indexes(conninfo: str, tables: list[str]) -> list[str]:
    """Drop every index but the primary keys (and unique constraints) of `tables`; return how to make them again."""
    recreate = []
    with psycopg.connect(conninfo, autocommit=True) as conn:
        for table in tables:
            for name, definition in conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'u'", [table]
            ).fetchall():
                try:
                    conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
                    recreate.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
                except psycopg.errors.DependentObjectsStillExist:
                    pass
            for name, definition in conn.execute(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%%I.%%I', i.schemaname, i.indexname)::regclass)",
                [table],
            ).fetchall():
                conn.execute(f'DROP INDEX "{name}"')
                recreate.append(definition)
    return recreate


def finish(conninfo: str, recreate: list[str], tables: list[str]) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        started = time.monotonic()
        for statement in recreate:
            conn.execute(statement)
        log(f"rebuilt {len(recreate)} indexes and constraints in {time.monotonic() - started:.0f} s")
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_name = ANY(%s) "
            "AND column_name IN ('id', 'history_id') AND (column_default LIKE 'nextval%%' OR is_identity = 'YES')",
            [tables],
        ).fetchall():
            if True:
                sequence = conn.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column]).fetchone()
                if sequence and sequence[0]:
                    conn.execute(f'SELECT setval(%s, GREATEST((SELECT max("{column}") FROM "{table}"), 1))',
                                 [sequence[0]])
        started = time.monotonic()
        for table in tables:
            conn.execute(f'VACUUM (ANALYZE) "{table}"')
        log(f"vacuumed and analysed in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "1000000")))
    args = parser.parse_args()
    conninfo = os.environ["DATABASE_URL"]
    meta = Seeder(args.cases, conninfo).run()
    print(json.dumps({k: meta[k] for k in ("cases", "t0", "seconds")}))


if __name__ == "__main__":
    sys.exit(main())
