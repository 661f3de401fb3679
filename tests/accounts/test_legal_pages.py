"""The accessibility statement, privacy notice and cookies page: open to anyone, naming the council from the
settings, and linked from the footer of every page. Families' footers leave out the API documentation."""

import pytest

pytestmark = pytest.mark.django_db

LEGAL_PAGES = {
    "/accessibility/": "Accessibility statement for SEND Casework",
    "/privacy/": "Privacy notice",
    "/cookies/": "Cookies",
}


@pytest.mark.parametrize("path,heading", LEGAL_PAGES.items())
def test_each_legal_page_answers_without_signing_in(client, path, heading):
    response = client.get(path)

    assert response.status_code == 200
    assert f"<h1 class=\"govuk-heading-l\">{heading}</h1>" in response.content.decode()


def test_the_council_name_and_contacts_come_from_the_settings(client, settings):
    settings.COUNCIL_NAME = "Riverside Borough Council"
    settings.COUNCIL_EMAIL = "send@riverside.example.gov.uk"
    settings.COUNCIL_DPO_EMAIL = "dpo@riverside.example.gov.uk"

    accessibility = client.get("/accessibility/").content.decode()
    privacy = client.get("/privacy/").content.decode()

    assert "Riverside Borough Council runs SEND Casework" in accessibility
    assert "mailto:send@riverside.example.gov.uk" in accessibility
    assert "Riverside Borough Council is the data controller" in privacy
    assert "dpo@riverside.example.gov.uk" in privacy


def test_the_accessibility_statement_has_what_the_regulations_require(client):
    page = client.get("/accessibility/").content.decode()

    # Regulation 8(4) of SI 2018/952: what is not accessible and why, how to report it, the enforcement procedure.
    assert "API documentation page" in page and "contrast" in page
    assert "Reporting accessibility problems" in page
    assert "Enforcement procedure" in page and "Equality Advisory and Support Service" in page


def test_the_privacy_notice_gives_the_lawful_bases_retention_and_rights(client):
    page = client.get("/privacy/").content.decode()

    for words in ("Article 6(1)(e)", "Article 9(2)(g)", "Article 15", "How long we keep it", "Information Commissioner"):
        assert words in page


@pytest.mark.parametrize("path", ["/sign-in/", "/password-reset/", "/privacy/"])
def test_pages_for_people_not_signed_in_link_to_every_legal_page_and_not_the_api_docs(client, path):
    page = client.get(path).content.decode()

    for legal in LEGAL_PAGES:
        assert f'class="govuk-footer__link" href="{legal}"' in page
    assert "/api/docs/" not in page


def test_a_familys_footer_has_no_api_documentation_link_but_stafs_does(client, borough):
    client.force_login(borough.parent1)
    family_page = client.get("/children/").content.decode()
    client.force_login(borough.officer1.user)
    staff_page = client.get("/queue/").content.decode()

    for legal in LEGAL_PAGES:
        assert f'href="{legal}"' in family_page and f'href="{legal}"' in staff_page
    assert "/api/docs/" not in family_page
    assert "/api/docs/" in staff_page


def test_the_beta_banner_links_to_feedback(client, settings):
    settings.FEEDBACK_URL = "https://forms.example.gov.uk/send-feedback"

    page = client.get("/sign-in/").content.decode()

    banner = page.split('class="govuk-phase-banner__text"')[1].split("</span>")[0]
    assert 'href="https://forms.example.gov.uk/send-feedback">feedback</a>' in banner


def test_without_a_feedback_address_the_banner_offers_an_email_to_the_council(client, settings):
    settings.FEEDBACK_URL = ""

    page = client.get("/sign-in/").content.decode()

    assert f"mailto:{settings.COUNCIL_EMAIL}?subject=Feedback" in page


def test_the_api_documentation_page_opens_only_for_staff(client, borough):
    assert client.get("/api/docs/").status_code in (401, 403)
    client.force_login(borough.parent1)
    assert client.get("/api/docs/").status_code == 403
    assert client.get("/api/schema/").status_code == 200  # clients still read the schema
    client.force_login(borough.officer1.user)
    assert client.get("/api/docs/").status_code == 200
