"""Provision delivery in a real browser: a provider fills in the week's register (a row wrong first, then put
right), and a parent reads their child's support and says a session did not happen. Checked with axe-core and
photographed (test-artefacts/screenshots/provision-*.png)."""

import pytest
import time_machine

from casework.models import Case
from provision.models import Delivery
from tests.escalations.conftest import uk
from tests.provision.conftest import bodies  # noqa: F401 - the fixture, shared with the provision tests

from .conftest import assert_accessible, screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def monday_7_december():
    with time_machine.travel(uk(2026, 12, 7, 10), tick=True):
        yield


def test_a_provider_fills_in_the_register_and_a_parent_disputes_a_session(page, borough, bodies):  # noqa: F811
    teaching, other = bodies.teaching, bodies.other_child_teaching

    sign_in(page, "outreach1")
    page.goto("/provision/register/?week=2026-11-30")
    page.locator(f"#status-{teaching.pk}").select_option("delivered")
    page.locator(f"#on-{teaching.pk}").select_option("2026-12-01")
    page.locator(f"#status-{other.pk}").select_option("missed")
    page.get_by_role("button", name="Record the week").click()
    page.wait_for_load_state()
    assert page.get_by_text("There is a problem: nothing has been recorded").is_visible()
    assert not Delivery.objects.exists()
    assert_accessible(page)
    screenshot(page, "provision-register-error")
    page.locator(f"#reason-{other.pk}").fill("The teacher was ill")
    page.get_by_role("button", name="Record the week").click()
    page.wait_for_load_state()
    assert page.get_by_text("2 sessions recorded.").is_visible()
    assert_accessible(page)
    screenshot(page, "provision-register")

    page.context.clear_cookies()
    sign_in(page, "parent1")
    page.goto("/provision/")
    assert page.get_by_text("must arrange this health care").is_visible()
    assert_accessible(page)
    screenshot(page, "provision-family")
    page.get_by_role("link", name=f"Specialist teaching for {borough.child1.display_name}").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="This did not happen on 1 December 2026").click()
    page.wait_for_load_state()
    page.get_by_label("What happened?").fill("Nobody came to school that day.")
    page.get_by_role("button", name="Send").click()
    page.wait_for_load_state()
    case = Case.objects.get(provision_item=teaching)
    assert page.get_by_text(f"We have raised a concern: {case.reference}.").is_visible()
