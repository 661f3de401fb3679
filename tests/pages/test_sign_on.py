"""Single sign-on against a real OpenID Connect provider on loopback (the npm `oidc-provider` package), not a
mocked token: a family member signs in with their verified email; an address no account has is refused, and
no account is made for it."""

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER_SCRIPT = Path(__file__).resolve().parents[1] / "accounts" / "oidc_provider.mjs"
PROVIDER_PACKAGE = Path(django_settings.BASE_DIR) / "node_modules" / "oidc-provider"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen) -> None:
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"the OpenID provider stopped: {process.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the OpenID provider did not start within 10 seconds")


@pytest.fixture
def provider(live_server, settings):
    """The provider on a free loopback port, and the service pointed at it."""
    node = shutil.which("node")
    if node is None or not PROVIDER_PACKAGE.exists():
        pytest.skip("needs Node.js and the npm package oidc-provider (`make install` puts it in node_modules)")
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [node, str(PROVIDER_SCRIPT), str(port), f"{live_server.url}/sign-on/callback/"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until_up(f"{issuer}/.well-known/openid-configuration", process)
        settings.OIDC_ENABLED = True
        settings.OIDC_PROVIDER_NAME = "the test provider"
        settings.OIDC_RP_CLIENT_ID = "send-casework"
        settings.OIDC_RP_CLIENT_SECRET = "send-casework-test-secret"
        settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
        settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
        settings.OIDC_OP_USER_ENDPOINT = f"{issuer}/me"
        settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
        yield issuer
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_on_as(page, email: str) -> None:
    """Through the provider's own development sign-in and consent pages, as a person would."""
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in with the test provider").click()
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if "/interaction/" in page.url:  # the provider's consent page, the first time this client is used
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()


def test_a_family_member_signs_in_with_their_verified_email(page, borough, provider):
    sign_on_as(page, borough.parent1.email)

    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("link", name="Your concerns").is_visible()


def test_an_unknown_staff_email_is_refused_and_no_account_is_made(page, borough, provider):
    sign_on_as(page, "new.officer@council.example.gov.uk")

    assert page.get_by_role("heading", name="We could not sign you in").is_visible()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    assert not get_user_model().objects.filter(email="new.officer@council.example.gov.uk").exists()
    assert_accessible(page)
    screenshot(page, "sign-on-refused")


def test_sign_on_is_off_unless_turned_on(client, borough):
    assert client.get("/sign-on/").status_code == 404
    assert "Sign in with" not in client.get("/sign-in/").content.decode()
