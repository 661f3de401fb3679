"""Single sign-on against two real OpenID Connect providers on loopback (the npm `oidc-provider` package), not a
mocked token: one for families, asking for `private_key_jwt` as GOV.UK One Login does, and one for staff, as
the council's Entra ID would. Each door signs in only its own people; an address no account has is refused,
and no account is made for it; staff still give their second factor."""

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from jwt.algorithms import RSAAlgorithm

from .conftest import assert_accessible, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

PROVIDER_SCRIPT = Path(__file__).resolve().parents[1] / "accounts" / "oidc_provider.mjs"
PROVIDER_PACKAGE = Path(django_settings.BASE_DIR) / "node_modules" / "oidc-provider"
ONE_LOGIN, COUNCIL = "Sign in with GOV.UK One Login", "Sign in with your council account"


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


def service_key(folder: Path) -> tuple[Path, str]:
    """The service's private key for private_key_jwt, in a file as production keeps it, and its public JWK."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path = folder / "one-login-key.pem"
    path.write_bytes(pem)
    return path, RSAAlgorithm.to_jwk(key.public_key())


@pytest.fixture
def providers(live_server, settings, tmp_path):
    """Two providers on free loopback ports, and the service's two doors pointed at them."""
    node = shutil.which("node")
    if node is None or not PROVIDER_PACKAGE.exists():
        pytest.skip("needs Node.js and the npm package oidc-provider (`make install` puts it in node_modules)")
    key_file, public_jwk = service_key(tmp_path)
    processes = []
    try:
        for door, extra in (("FAMILIES", [public_jwk]), ("STAFF", [])):
            port = free_port()
            issuer = f"http://127.0.0.1:{port}"
            callback = f"{live_server.url}/sign-on/{door.lower()}/callback/"
            process = subprocess.Popen(
                [node, str(PROVIDER_SCRIPT), str(port), callback, *extra],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            processes.append(process)
            wait_until_up(f"{issuer}/.well-known/openid-configuration", process)
            for name, value in {
                "ENABLED": True,
                "RP_CLIENT_ID": "send-casework",
                "RP_CLIENT_SECRET": "" if extra else "send-casework-test-secret",
                "RP_CLIENT_PRIVATE_KEY_FILE": str(key_file) if extra else "",
                "OP_AUTHORIZATION_ENDPOINT": f"{issuer}/auth",
                "OP_TOKEN_ENDPOINT": f"{issuer}/token",
                "OP_USER_ENDPOINT": f"{issuer}/me",
                "OP_JWKS_ENDPOINT": f"{issuer}/jwks",
            }.items():
                setattr(settings, f"OIDC_{door}_{name}", value)
        yield
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def sign_on_as(page, email: str, button: str) -> None:
    """Through the provider's own development sign-in and consent pages, as a person would."""
    page.goto("/sign-in/")
    page.get_by_role("button", name=button).click()
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("anything")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if "/interaction/" in page.url:  # the provider's consent page, the first time this client is used
        page.locator("button[type=submit]").click()
        page.wait_for_load_state()


def test_a_family_member_signs_in_through_one_login_with_private_key_jwt(page, borough, providers):
    sign_on_as(page, borough.parent1.email, ONE_LOGIN)

    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("link", name="Your concerns").is_visible()


def test_a_member_of_staff_signs_in_with_their_council_account_and_still_gives_a_second_factor(
    page, borough, providers, settings
):
    settings.STAFF_TWO_FACTOR = True

    sign_on_as(page, borough.officer1.user.email, COUNCIL)

    assert "/two-factor/" in page.url
    assert page.get_by_role("heading", name="Set up your authenticator app").is_visible()


def test_a_staff_email_through_one_login_is_refused_in_plain_words(page, borough, providers):
    sign_on_as(page, borough.officer1.user.email, ONE_LOGIN)

    assert page.get_by_role("heading", name="We could not sign you in").is_visible()
    assert page.get_by_text("Signing in with GOV.UK One Login is for parents, carers and young people").is_visible()
    assert page.get_by_text(f'choose "{COUNCIL}"').is_visible()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible(page)
    screenshot(page, "sign-on-wrong-door")


def test_a_family_email_through_the_council_door_is_refused(page, borough, providers):
    sign_on_as(page, borough.parent1.email, COUNCIL)

    assert page.get_by_text("Signing in with your council account is for council staff").is_visible()
    assert not page.get_by_role("button", name="Sign out").is_visible()


def test_an_unknown_staff_email_is_refused_and_no_account_is_made(page, borough, providers):
    sign_on_as(page, "new.officer@council.example.gov.uk", COUNCIL)

    assert page.get_by_role("heading", name="We could not sign you in").is_visible()
    assert page.get_by_text("no account here has the verified email address").is_visible()
    assert not page.get_by_role("button", name="Sign out").is_visible()
    assert not get_user_model().objects.filter(email="new.officer@council.example.gov.uk").exists()
    assert_accessible(page)
    screenshot(page, "sign-on-refused")


def test_sign_on_is_off_unless_turned_on(client, borough):
    assert client.get("/sign-on/families/").status_code == 404
    assert client.get("/sign-on/staff/").status_code == 404
    assert "Sign in with" not in client.get("/sign-in/").content.decode()
