"""What a family reads (issue 23.7): each concern's next date with a "Late" tag, the unread messages counted in the
menu, a confirmation that does not promise to say who is dealing with it, and no staff wording on their pages."""

from datetime import timedelta
from html import unescape

from django.utils import timezone

from casework import services
from casework.models import Case
from core.time import describe_moment
from escalations.models import Clock, ClockKind
from tests.casework.web.family_pages import log, named_officer, text_of


def test_the_list_shows_each_concerns_next_date_and_tags_a_late_one(parent, borough, django_assert_max_num_queries):
    on_time = log(borough.parent1, borough.child1, summary="On time")
    late = log(borough.parent1, borough.child1, summary="Late one", category="transport")
    Clock.objects.filter(case=late, kind=ClockKind.ACKNOWLEDGE).update(due_at=timezone.now() - timedelta(hours=1))
    acknowledge = Clock.objects.get(case=on_time, kind=ClockKind.ACKNOWLEDGE)

    with django_assert_max_num_queries(16):
        page = unescape(text_of(parent.get("/concerns/")))

    rows = {summary: page[page.index(summary):][:1500] for summary in ("On time", "Late one")}
    assert f"Confirm your named officer has read it by {describe_moment(acknowledge.due_at)}" in rows["On time"]
    assert ">Late</strong>" in rows["Late one"].split("</tr>")[0]
    assert ">Late</strong>" not in rows["On time"].split("</tr>")[0]


def test_a_resolved_concern_has_no_next_date(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    services.case_acknowledge(actor=officer, case=Case.objects.get(pk=case.pk))
    services.case_start(actor=officer, case=Case.objects.get(pk=case.pk))
    services.case_resolve(actor=officer, case=Case.objects.get(pk=case.pk), outcome="Therapy restarted")

    page = text_of(parent.get("/concerns/"))

    assert 'data-label="Next date">No date</td>' in page


def test_the_menu_counts_the_familys_unread_messages(parent, borough):
    case = log(borough.parent1, borough.child1)
    services.case_message_add(actor=named_officer(case), case=case, text="I have called the school.")

    page = text_of(parent.get("/concerns/"))
    parent.post("/inbox/read-all/")
    read = text_of(parent.get("/concerns/"))

    assert '<span class="govuk-visually-hidden"> unread</span>' in page
    assert '<span class="govuk-visually-hidden"> unread</span>' not in read


def test_the_confirmation_names_the_officer_and_does_not_promise_to_say_who_is_dealing_with_it(parent, borough):
    case = log(borough.parent1, borough.child1)

    page = unescape(text_of(parent.get(f"/concerns/{case.pk}/sent/")))

    assert "who is dealing with it" not in page
    assert f"confirm {case.accountable_officer.display_name} has read your concern by" in page


def test_the_timeline_speaks_to_the_family_never_of_them(parent, borough):
    case = log(borough.parent1, borough.child1)
    officer = named_officer(case)
    case = Case.objects.get(pk=case.pk)
    services.case_acknowledge(actor=officer, case=case)
    services.case_start(actor=officer, case=case)
    services.case_await_parent(actor=officer, case=case, note="Please send the school's letter.")
    Clock.objects.filter(case=case).update(due_at=timezone.now() - timedelta(hours=1))
    services.case_chase(actor=borough.parent1, case=Case.objects.get(pk=case.pk))

    page = unescape(text_of(parent.get(f"/concerns/{case.pk}/")))

    assert "Waiting for you" in page and "Chased" in page
    for staff_wording in ("Waiting for the family", "The family chased", "Chased by the family", "Family confirmed"):
        assert staff_wording not in page
