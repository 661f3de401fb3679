"""The queue's search, sorting and "due next" column (issue 23.1), and legal dates placed among the cases (18.5)."""

from datetime import date, timedelta

import pytest
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone

from casework.models import Case
from casework.services import case_acknowledge, case_message_add
from casework.web.staff.queue import QUEUE_PAGE_SIZE, CasesWithDuties, QueueDuty
from tests.casework.web.staff_pages import log, signed_in

pytestmark = pytest.mark.django_db


def references_in(html: str, cases) -> list[str]:
    """The references of `cases` in the order the page lists them."""
    found = [(html.index(case.reference), case.reference) for case in cases if case.reference in html]
    return [reference for _at, reference in sorted(found)]


def test_the_queue_finds_a_case_by_reference_childs_name_or_family_name(client, borough):
    mine = log(borough, summary="Therapy stopped")
    other_child = log(borough, child=borough.child2, summary="Bus late")
    signed_in(client, borough.north.manager.user)
    url = reverse("staff-team-queue")
    child = borough.child1

    for text in (mine.reference.lower(), child.first_name.upper(), f"{child.first_name} {child.last_name}",
                 child.family.name):
        page = client.get(url, {"q": text}).content.decode()
        assert mine.reference in page, text
        if other_child.child.family_id != child.family_id:
            assert other_child.reference not in page, text

    nothing = client.get(url, {"q": "Nobody-by-this-name"}).content.decode()
    assert "No cases match this search and these filters." in nothing


def test_search_and_sort_stay_in_the_page_links(client, borough):
    for _ in range(QUEUE_PAGE_SIZE + 2):
        log(borough)
    signed_in(client, borough.officer1.user)

    page = client.get(reverse("staff-queue"), {"q": borough.child1.first_name, "sort": "oldest"}).content.decode()

    assert f"q={borough.child1.first_name}&amp;sort=oldest&amp;page=2" in page


def test_the_queue_sorts_by_oldest_or_most_recently_active(client, borough):
    first, second, third = (log(borough) for _ in range(3))
    just_now = timezone.now() + timedelta(minutes=5)
    Case.objects.filter(pk=first.pk).update(updated_at=just_now)
    signed_in(client, borough.officer1.user)
    url = reverse("staff-queue")
    cases = [first, second, third]

    oldest = client.get(url, {"sort": "oldest"}).content.decode()
    active = client.get(url, {"sort": "active"}).content.decode()
    refused = client.get(url, {"sort": "sideways"})

    assert references_in(oldest, cases) == [first.reference, second.reference, third.reference]
    assert references_in(active, cases)[0] == first.reference
    assert refused.status_code == 400
    assert "Choose how to sort the queue from the list" in refused.content.decode()


def test_each_row_says_which_date_is_due_next_and_what_it_is_for(client, borough):
    case = log(borough)
    officer = borough.officer1.user
    signed_in(client, officer)
    url = reverse("staff-queue")

    assert ">Acknowledge</span>" in client.get(url).content.decode()
    case_acknowledge(actor=officer, case=case)
    assert ">First response</span>" in client.get(url).content.decode()
    case_message_add(actor=officer, case=case, text="The school has the therapist's dates.")
    assert ">Resolve</span>" in client.get(url).content.decode()


def test_legal_dates_take_their_place_among_the_cases_on_every_page(borough):
    for _ in range(30):
        log(borough)
    cases = Case.objects.filter(accountable_officer=borough.officer1).order_by("next_due_at", "id")
    dues = list(cases.values_list("next_due_at", flat=True))
    today = timezone.localdate()
    duties = [
        QueueDuty(due_on=due, child_name="Sam", text=f"Step {n}", link="/statutory/1/", late=due < today)
        for n, due in enumerate([date(2000, 1, 1), timezone.localdate(dues[12]), date(2100, 1, 1)])
    ]

    paginator = Paginator(CasesWithDuties(cases, duties), QUEUE_PAGE_SIZE)
    listed = [item for number in paginator.page_range for item in paginator.page(number).object_list]

    def due(item):
        return item.due_at if isinstance(item, QueueDuty) else item.next_due_at

    assert paginator.count == len(dues) + 3
    assert len(listed) == paginator.count
    assert [due(item) for item in listed] == sorted(due(item) for item in listed)
    assert listed[0] is duties[0] and listed[-1] is duties[2]
    assert len({item.pk for item in listed if isinstance(item, Case)}) == len(dues)


def test_a_page_of_the_queue_costs_the_same_queries_for_5_or_60_cases(client, borough, django_assert_max_num_queries):
    signed_in(client, borough.officer1.user)
    url = reverse("staff-queue")

    def page_two_queries(total):
        while Case.objects.filter(accountable_officer=borough.officer1).count() < total:
            log(borough)
        client.get(url)
        with django_assert_max_num_queries(20) as captured:
            response = client.get(url, {"q": borough.child1.first_name, "sort": "due", "page": "2"})
        assert response.status_code == 200
        return len(captured)

    assert page_two_queries(5) == page_two_queries(60)
