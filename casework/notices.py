"""Who hears about what happens to a case, in the words of the notification templates.

The notifications app knows nothing of cases; this module turns a case and
an event into recipients, a template key and a context of plain strings.
"""

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import F
from django.urls import reverse

from core.rows import USER_TOLD, Picked, instances
from core.time import describe_moment
from notifications.services import Telling, notification_enqueue_many

from .models import Case, CaseEvent, Child, Cover, FamilyMember, Officer
from .selectors import cover_in_force


@dataclass(frozen=True)
class CaseNews:
    """Something that happened to a case, as one template tells it: the event keys it, so it is told once."""

    case: Case
    event: CaseEvent
    template: str
    context: dict
    link: str | None = None


def case_link(case: Case) -> str:
    return f"/cases/{case.pk}/"


def family_of(child: Child) -> list[FamilyMember]:
    """The child's parents and carers, with their users: everyone `tell_family` tells.

    Those of the family who may see this child: members of the whole family, and members limited to some
    of its children who include this one. Hand-written (`core.rows`), as every concern logged reads them;
    their users come with what telling them needs (`USER_TOLD`).
    """
    with connection.cursor() as cursor:
        cursor.execute(_family_sql(), [child.family_id, child.pk])
        rows = cursor.fetchall()
    members = []
    for row in rows:
        member, user = instances(row, _MEMBER, _MEMBER_USER)
        member.user = user
        members.append(member)
    return members


_MEMBER = Picked(FamilyMember, "m")
_MEMBER_USER = Picked(User, "u", USER_TOLD)


@cache
def _family_sql() -> str:
    quote = connection.ops.quote_name
    members, users = quote(FamilyMember._meta.db_table), quote(User._meta.db_table)
    named = quote(FamilyMember.children.through._meta.db_table)
    return f"""
        SELECT {_MEMBER.columns}, {_MEMBER_USER.columns}
        FROM {members} m JOIN {users} u ON u.id = m.user_id
        WHERE m.family_id = %s
          AND (NOT EXISTS (SELECT 1 FROM {named} n WHERE n.familymember_id = m.id)
               OR EXISTS (SELECT 1 FROM {named} n WHERE n.familymember_id = m.id AND n.child_id = %s))
        ORDER BY m.id
    """


def tell(tellings: list[Telling], *, events_are_new: bool = False) -> None:
    """Write the outbox rows for all of these together: a few queries however many.

    `events_are_new` when every telling is news of an event written in this transaction (`notification_enqueue_many`).
    """
    notification_enqueue_many(tellings=tellings, events_are_new=events_are_new)


def tell_family(*, case: Case, event: CaseEvent, template: str, context: dict, link: str | None = None) -> None:
    """Every parent and carer of the child hears it, so nobody has to pass it on."""
    tell(family_tellings([CaseNews(case=case, event=event, template=template, context=context, link=link)]))


def tell_officer(*, officer: Officer, case: Case, event: CaseEvent, template: str, context: dict) -> None:
    tell([officer_telling(officer, CaseNews(case=case, event=event, template=template, context=context))])


def tell_named_officer(*, case: Case, event: CaseEvent, template: str, context: dict) -> None:
    """The case's named officer hears it, and so does whoever covers them while they are away.

    The family is told that the covering officer will pick up anything urgent,
    so what the family says, or a new case, must reach that officer, not wait for the named one.
    """
    news = CaseNews(case=case, event=event, template=template, context=context)
    tell(named_officer_tellings(case.accountable_officer, news))


def named_officer_tellings(officer: Officer, news: CaseNews) -> list[Telling]:
    """`news` for a case's named officer, and for whoever covers them now."""
    cover = cover_in_force(officer)
    told = [officer] if cover is None else [officer, cover.cover_officer]
    return [officer_telling(someone, news) for someone in told]


def family_tellings(news: list[CaseNews], members: list[FamilyMember] | None = None) -> list[Telling]:
    """Each parent and carer of each case's child, told that case's news; their members read in one query.

    Each case's child must be loaded with it. `members`, from `family_of`, when
    the caller read them already.
    """
    return [_telling(user, item) for user, item in _family_told(news, members)]


def family_new_officer_tellings(news: list[CaseNews]) -> list[Telling]:
    """Each parent and carer told once of every case of theirs that changed hands together.

    One case keeps its own message (`news`' template); several, as when an
    officer leaves or a manager moves a set of cases, make one message listing
    each case with its new named officer, not one message a case. Each case's
    child must be loaded with it; `news`' context names the new and previous officers.
    """
    news_of: dict = {}
    for user, item in _family_told(news, None):
        news_of.setdefault(user, []).append(item)
    return [
        _telling(user, items[0]) if len(items) == 1 else _cases_new_officers_telling(user, items)
        for user, items in news_of.items()
    ]


def _cases_new_officers_telling(recipient, items: list[CaseNews]) -> Telling:
    template = "family_cases_new_officers"
    lines = [
        f"{item.case.reference}: {item.context['officer_name']}, taking over from {item.context['previous_officer_name']}"
        for item in sorted(items, key=lambda item: item.case.reference)
    ]
    return Telling(
        recipient=recipient,
        template=template,
        context={"case_count": str(len(items)), "cases": "\n".join(lines)},
        link=reverse("family-concerns"),
        # Keyed by the recipient's first handover event: written once, however often the change is retried.
        dedupe_key=f"case-event:{min(item.event.pk for item in items)}:{template}",
    )


def _family_told(news: list[CaseNews], members: list[FamilyMember] | None) -> list[tuple]:
    """(user, news) for each parent and carer of each case's child who may see that child."""
    if members is None:
        # One row a member and child they are limited to (None: every child of the family), in one query.
        members = (
            FamilyMember.objects.filter(family_id__in={item.case.child.family_id for item in news})
            .annotate(limited_to=F("children"))
            .select_related("user")
            .order_by("pk")
        )
    by_family: dict[int, list[FamilyMember]] = {}
    for member in members:
        by_family.setdefault(member.family_id, []).append(member)
    return [
        (member.user, item)
        for item in news
        for member in _members_told(by_family.get(item.case.child.family_id, []), item.case.child_id)
    ]


def _members_told(members: list[FamilyMember], child_id: int) -> list[FamilyMember]:
    """Those of a family's members who may see this child, each once."""
    told, seen = [], set()
    for member in members:
        if getattr(member, "limited_to", None) in (None, child_id) and member.pk not in seen:
            seen.add(member.pk)
            told.append(member)
    return told


def officer_telling(officer: Officer, news: CaseNews) -> Telling:
    return _telling(officer.user, news)


def officer_handover_summary(
    *, officer: Officer, case_count: int, previous: Officer, note: str, first: CaseEvent, up_the_ladder: int = 0
) -> Telling:
    """One message telling a new named officer how many of a leaver's cases are now theirs, not one a case.

    `up_the_ladder` of them came to this officer from above the case's team,
    because nobody in it could take them: the message says so, and what to do.
    Keyed by the first handover event of theirs, so it is written once.
    """
    template = "officer_cases_handed_over"
    return Telling(
        recipient=officer.user,
        template=template,
        context={
            "case_count": str(case_count),
            "previous_officer_name": previous.display_name,
            "note": note,
            "up_the_ladder": str(up_the_ladder) if up_the_ladder else "",
        },
        link=reverse("staff-queue"),
        dedupe_key=f"case-event:{first.pk}:{template}",
    )


def cover_arranged_tellings(*, cover: Cover, cases: list[Case], now) -> list[Telling]:
    """Cover arranged: one message a person, however many cases. Each parent and carer with an open case
    of the officer away hears once, naming each of their cases; so do the covering officer and the
    officer away. Keyed by the cover, so each is written once. `cases`: the open cases, children loaded.
    """
    period = {"starts": describe_moment(cover.starts_at) if cover.starts_at > now else "",
              "ends": describe_moment(cover.ends_at)}
    names = {"officer_name": cover.officer.display_name, "cover_officer_name": cover.cover_officer.display_name}
    references_of: dict = {}
    members = FamilyMember.objects.filter(family_id__in={case.child.family_id for case in cases}).select_related("user")
    by_family: dict[int, list] = {}
    for member in members.order_by("pk"):
        by_family.setdefault(member.family_id, []).append(member.user)
    for case in sorted(cases, key=lambda case: case.pk):
        for user in by_family.get(case.child.family_id, []):
            references_of.setdefault(user, []).append(case.reference)
    queue, case_count = reverse("staff-queue"), str(len(cases))

    def keyed(recipient, template, context, link):
        return Telling(recipient=recipient, template=template, context=context, link=link,
                       dedupe_key=f"cover:{cover.pk}:{template}")

    return [
        *(
            keyed(user, "family_cover_arranged", {**names, **period, "references": "\n".join(references)},
                  reverse("family-concerns"))
            for user, references in references_of.items()
        ),
        keyed(cover.cover_officer.user, "officer_covering",
              {"officer_name": names["officer_name"], **period, "case_count": case_count}, queue),
        keyed(cover.officer.user, "officer_cover_arranged",
              {"cover_officer_name": names["cover_officer_name"], **period, "case_count": case_count}, queue),
    ]


def _telling(recipient, news: CaseNews) -> Telling:
    return Telling(
        recipient=recipient,
        template=news.template,
        context={"reference": news.case.reference, **news.context},
        link=news.link or case_link(news.case),
        dedupe_key=f"case-event:{news.event.pk}:{news.template}",
    )
