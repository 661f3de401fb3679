"""Two-factor sign-in for staff: no staff page, admin page or staff API token on a password alone when it is on
(as in production); set-up with the key as text and a QR code; backup codes that work once."""

import re

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from casework.web import urls as casework_pages
from reports.web import urls as report_pages
from tests.config.test_settings import production, run_python

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_TWO_FACTOR = True


def staff_paths() -> list[str]:
    """Every staff page, with 1 for each id: a session without its second factor must reach none of them."""
    paths = []
    for pattern in [*casework_pages.staff, *report_pages.urlpatterns]:
        assert isinstance(pattern, URLPattern)
        paths.append("/" + re.sub(r"<int:\w+>", "1", str(pattern.pattern)))
    return [*paths, "/admin/", "/admin/casework/case/", "/"]


def app_code(device, *, at=None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (at or timezone.now()).timestamp()
    return f"{totp.token():06d}"


def set_up_app(client, user) -> tuple[TOTPDevice, list[str]]:
    """Go through the set-up page as a member of staff would; returns the app's device and the backup codes."""
    client.force_login(user)
    page = client.get("/two-factor/set-up/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/two-factor/set-up/", {"code": app_code(device), "next": "/queue/"})
    assert done.status_code == 200, done.content.decode()
    assert page.status_code == 200
    return TOTPDevice.objects.get(user=user, confirmed=True), done.context["codes"]


def test_production_settings_turn_two_factor_on(tmp_path):
    result = run_python(
        "import django; django.setup(); from django.conf import settings; print(settings.STAFF_TWO_FACTOR)",
        settings="config.settings.production",
        tmp_path=tmp_path,
        **production(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "True"


def test_in_production_a_password_alone_opens_no_staff_page_nor_the_admin(tmp_path):
    result = run_python(
        """
        import django
        django.setup()
        from django.core.management import call_command
        from django.contrib.auth.models import User
        from django.test import Client
        from casework.models import Officer

        call_command("migrate", verbosity=0)
        user = User.objects.create_user("officer", password="pw", first_name="Sam", last_name="Officer",
                                        is_staff=True, is_superuser=True)
        Officer.objects.create(user=user, team=None, is_manager=True)
        client = Client()
        client.force_login(user)
        for path in ("/queue/", "/dashboard/", "/admin/", "/api/cases/"):
            response = client.get(path, secure=True, HTTP_HOST="send.example.gov.uk")
            print(path, response.status_code, response.headers.get("Location", ""))
        """,
        settings="config.settings.production",
        tmp_path=tmp_path,
        **production(tmp_path),
    )

    assert result.returncode == 0, result.stderr
    answers = dict((line.split(" ", 1) for line in result.stdout.strip().splitlines()))
    assert answers["/queue/"] == "302 /two-factor/?next=/queue/"
    assert answers["/dashboard/"] == "302 /two-factor/?next=/dashboard/"
    assert answers["/admin/"] == "302 /two-factor/?next=/admin/"
    assert answers["/api/cases/"].startswith("403")


def test_a_staff_member_without_a_second_factor_reaches_no_staff_page_or_admin(client, borough, required):
    manager = borough.north.manager.user
    manager.is_staff = True
    manager.save()
    client.force_login(manager)

    answers = {path: client.get(path) for path in staff_paths()}

    assert {path: answer.status_code for path, answer in answers.items()} == {path: 302 for path in answers}
    assert all(answer.url.startswith("/two-factor/?next=") for answer in answers.values())
    assert client.get("/api/cases/").status_code == 403


def test_without_an_app_the_staff_member_is_sent_to_set_one_up_showing_the_key_as_text_and_a_qr_code(
    client, borough, required
):
    client.force_login(borough.officer1.user)

    first = client.get("/two-factor/?next=/queue/")
    page = client.get(first.url)

    assert first.url == "/two-factor/set-up/?next=/queue/"
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=borough.officer1.user, confirmed=False)
    assert two_factor.key_as_text(device) in html
    assert 'src="data:image/svg+xml' in html
    assert client.get("/two-factor/set-up/").context["key"] == two_factor.key_as_text(device)


def test_after_set_up_every_staff_page_opens(client, borough, required):
    set_up_app(client, borough.officer1.user)

    assert client.get("/queue/").status_code == 200
    assert client.get("/api/cases/").status_code == 200


def test_a_wrong_code_at_set_up_is_refused_and_confirms_nothing(client, borough, required):
    client.force_login(borough.officer1.user)
    client.get("/two-factor/set-up/")

    response = client.post("/two-factor/set-up/", {"code": "000000"})

    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=borough.officer1.user, confirmed=True).exists()
    assert client.get("/queue/").status_code == 302


def test_next_time_the_app_code_signs_the_staff_member_in(client, borough, required):
    device, _ = set_up_app(client, borough.officer1.user)
    client.logout()
    client.force_login(borough.officer1.user)
    assert client.get("/queue/").status_code == 302

    later = timezone.now() + timezone.timedelta(seconds=60)
    with time_machine.travel(later):
        response = client.post("/two-factor/?next=/queue/", {"code": app_code(device, at=later), "next": "/queue/"})

        assert response.status_code == 302 and response.url == "/queue/"
        assert client.get("/queue/").status_code == 200


def test_a_backup_code_works_once(client, borough, required):
    _, codes = set_up_app(client, borough.officer1.user)
    client.logout()

    client.force_login(borough.officer1.user)
    first = client.post("/two-factor/", {"code": codes[0], "next": "/queue/"})
    client.logout()
    client.force_login(borough.officer1.user)
    second = client.post("/two-factor/", {"code": codes[0], "next": "/queue/"})

    assert first.status_code == 302 and first.url == "/queue/"
    assert second.status_code == 400
    assert "The code is not right" in second.content.decode()
    assert two_factor.backup_codes_left(borough.officer1.user) == 9


def test_a_family_is_never_asked_for_a_second_factor(client, borough, required):
    client.force_login(borough.parent1)

    assert client.get("/children/").status_code == 200


def test_a_family_member_cannot_open_the_staff_set_up_page(client, borough, required):
    client.force_login(borough.parent1)

    assert client.get("/two-factor/set-up/").status_code == 403


def test_a_staff_api_token_needs_the_code_too(api, borough, required):
    user = borough.officer1.user
    _, codes = set_up_app(Client(), user)
    sign_in = {"username": user.username, "password": "password"}

    without = api.post("/api/auth/token/", sign_in, format="json")
    wrong = api.post("/api/auth/token/", {**sign_in, "otp": "123"}, format="json")
    # Each wrong code makes the next wait longer (django-otp's throttling): come back after the wait.
    with time_machine.travel(timezone.now() + timezone.timedelta(seconds=5)):
        right = api.post("/api/auth/token/", {**sign_in, "otp": codes[1]}, format="json")

    assert without.status_code == 400 and "otp" in without.json()
    assert wrong.status_code == 400 and wrong.json()["otp"] == [two_factor.WRONG_CODE]
    assert right.status_code == 200 and right.json()["token"]


def test_wrong_codes_in_a_row_make_the_staff_member_wait(client, borough, required):
    _, codes = set_up_app(client, borough.officer1.user)
    client.logout()
    client.force_login(borough.officer1.user)

    client.post("/two-factor/", {"code": "wrong-code"})
    at_once = client.post("/two-factor/", {"code": codes[0]})

    assert at_once.status_code == 400
    assert "Too many wrong codes" in at_once.content.decode()


def test_a_familys_api_token_needs_no_code(api, borough, required):
    response = api.post("/api/auth/token/", {"username": "parent1", "password": "password"}, format="json")

    assert response.status_code == 200
