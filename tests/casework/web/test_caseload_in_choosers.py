"""Hand-over, cover and offboarding lists show each officer's open caseload (issue 23.6)."""

import pytest
from django.urls import reverse

from tests.casework.web.staff_pages import log, north_officers, signed_in

pytestmark = pytest.mark.django_db


def test_handover_cover_and_offboarding_lists_show_each_officers_open_cases(client, borough):
    case = log(borough)
    log(borough)
    holder = case.accountable_officer
    colleague = next(officer for officer in north_officers(borough) if officer.pk != holder.pk)
    signed_in(client, borough.north.manager.user)

    holder_line = f"{holder.display_name} ({holder.team.name}): 2 open cases</option>"
    colleague_line = f"{colleague.display_name} ({colleague.team.name}): 0 open cases</option>"

    assert colleague_line in client.get(reverse("staff-case", args=[case.pk])).content.decode()
    assert holder_line in client.get(reverse("manager-cover", args=[colleague.pk])).content.decode()
    assert holder_line in client.get(reverse("manager-offboard", args=[colleague.pk])).content.decode()
