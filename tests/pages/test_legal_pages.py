"""The legal pages in a real browser: reachable from the footer without signing in, and accessible."""

import pytest

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "link,slug", [("Accessibility statement", "accessibility"), ("Privacy notice", "privacy"), ("Cookies", "cookies")]
)
def test_each_legal_page_is_reached_from_the_footer_and_accessible(page, link, slug):
    page.goto("/sign-in/")
    page.locator(".govuk-footer").get_by_role("link", name=link).click()
    page.wait_for_load_state()

    assert page.url.endswith(f"/{slug}/")
    assert_accessible(page)
    screenshot(page, f"legal-{slug}")
