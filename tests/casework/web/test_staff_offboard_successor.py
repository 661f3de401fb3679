"""The offboarding page acts on the successor its form says when it is sent. A successor changed since
the preview is refused, with the preview shown again for the new choice; the success message names who
got the cases."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from casework.models import Case
from tests.casework.web.staff_pages import log, north_officers, shown, signed_in

pytestmark = pytest.mark.django_db


def owners(cases):
    return {Case.objects.get(pk=case.pk).accountable_officer for case in cases}


def test_the_successor_select_is_part_of_the_form_that_hands_the_cases_over(client, borough):
    leaver = borough.officer1
    log(borough)
    signed_in(client, borough.north.manager.user)

    html = client.get(reverse("manager-offboard", args=[leaver.pk])).content.decode()

    confirm = re.search(r"<form method=\"post\" novalidate>.*?</form>", html, re.S).group(0)
    assert '<select' in confirm and 'name="successor"' in confirm
    assert 'name="previewed" value=""' in confirm


def test_a_successor_chosen_but_not_previewed_is_refused_and_the_preview_shown_for_them(client, borough):
    leaver, colleague = north_officers(borough)
    cases = [log(borough), log(borough)]
    chosen = borough.officer2  # Transport: routing would never send these cases there
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    # The page was previewed with routing's choice; the manager then picked someone in the list, wrote a
    # note and pressed the hand-over button without pressing "Show where the cases would go".
    response = client.post(url, {"previewed": "", "successor": chosen.pk, "note": "Leaving"})

    html = response.content.decode()
    assert response.status_code == 409
    assert "You changed who should take the cases" in html
    assert html.count(f'<td class="govuk-table__cell" data-label="Would go to">{shown(chosen.display_name)}</td>') == 2
    assert f'name="previewed" value="{chosen.pk}"' in html
    assert "Leaving" in html  # the note is kept
    assert owners(cases) == {leaver}
    leaver.refresh_from_db()
    assert leaver.active


def test_confirming_after_the_preview_gives_every_case_to_the_successor_shown_and_says_so(client, borough):
    leaver = borough.officer1
    cases = [log(borough), log(borough)]
    chosen = borough.officer2
    signed_in(client, borough.north.manager.user)
    url = reverse("manager-offboard", args=[leaver.pk])

    response = client.post(url, {"previewed": chosen.pk, "successor": chosen.pk, "note": "All to transport"})

    assert response.status_code == 302
    assert owners(cases) == {chosen}
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert message == f"{leaver.display_name}: 2 cases handed over to {chosen.display_name}."


def test_back_to_routing_after_a_preview_with_a_successor_is_refused_too(client, borough):
    leaver = borough.officer1
    cases = [log(borough)]
    signed_in(client, borough.north.manager.user)

    response = client.post(
        reverse("manager-offboard", args=[leaver.pk]),
        {"previewed": borough.officer2.pk, "successor": "", "note": "Leaving"},
    )

    assert response.status_code == 409
    assert owners(cases) == {leaver}


def test_pressing_show_where_the_cases_would_go_previews_without_handing_anything_over(client, borough):
    leaver = borough.officer1
    cases = [log(borough)]
    chosen = borough.officer2
    signed_in(client, borough.north.manager.user)

    response = client.post(
        reverse("manager-offboard", args=[leaver.pk]),
        {"previewed": "", "successor": chosen.pk, "note": "Half written", "preview": ""},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<td class="govuk-table__cell" data-label="Would go to">{shown(chosen.display_name)}</td>' in html
    assert f'name="previewed" value="{chosen.pk}"' in html
    assert "Half written" in html
    assert "There is a problem" not in html
    assert owners(cases) == {leaver}


def test_through_routing_the_success_message_names_each_officer_and_how_many_each_got(client, borough):
    leaver, colleague = north_officers(borough)
    cases = [log(borough), log(borough)]
    signed_in(client, borough.north.manager.user)

    response = client.post(
        reverse("manager-offboard", args=[leaver.pk]), {"previewed": "", "successor": "", "note": "Leaving"}
    )

    assert response.status_code == 302
    [new_owner] = owners(cases)
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert message == f"{leaver.display_name}: 2 cases handed over to {new_owner.display_name}."
