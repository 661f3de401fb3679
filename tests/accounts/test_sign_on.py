"""Which account sign-on may sign in: the one active account with the provider's verified email, and only through
its own door (families through GOV.UK One Login, staff through the council's), or none. The whole flow, against
two real providers, is in tests/pages/test_sign_on.py."""

import pytest
from django.test import RequestFactory

from accounts.sign_on import FAMILIES, NO_ACCOUNT, STAFF, WRONG_DOOR, FamiliesSignOnBackend, sign_on_match

pytestmark = pytest.mark.django_db


def verified(email: str) -> dict:
    return {"email": email, "email_verified": True}


def test_a_verified_email_matches_its_one_account_whatever_its_case(borough):
    assert sign_on_match(verified(borough.parent1.email.upper()), FAMILIES) == (borough.parent1, "")


def test_an_unverified_email_matches_nobody(borough):
    assert sign_on_match({"email": borough.parent1.email, "email_verified": False}, FAMILIES) == (None, NO_ACCOUNT)
    assert sign_on_match({"email": borough.parent1.email}, FAMILIES) == (None, NO_ACCOUNT)


def test_an_email_two_accounts_share_matches_neither(borough):
    borough.parent2.email = borough.parent1.email
    borough.parent2.save()

    assert sign_on_match(verified(borough.parent1.email), FAMILIES) == (None, NO_ACCOUNT)


def test_a_switched_off_account_is_not_signed_in(borough):
    borough.parent1.is_active = False
    borough.parent1.save()

    assert sign_on_match(verified(borough.parent1.email), FAMILIES) == (None, NO_ACCOUNT)


def test_each_door_signs_in_only_its_own_people(borough, stranger):
    officer = borough.officer1.user

    assert sign_on_match(verified(officer.email), STAFF) == (officer, "")
    assert sign_on_match(verified(officer.email), FAMILIES) == (None, WRONG_DOOR)
    assert sign_on_match(verified(borough.parent1.email), STAFF) == (None, WRONG_DOOR)
    # Someone on no child's record is not a family's account, whatever their password lets them see.
    assert sign_on_match(verified(stranger.email), FAMILIES) == (None, WRONG_DOOR)


def test_sign_on_never_makes_an_account(borough):
    assert FamiliesSignOnBackend().create_user(verified("someone@example.org")) is None


def test_a_door_that_is_off_signs_nobody_in_even_on_its_callback(borough, settings):
    request = RequestFactory().get("/sign-on/families/callback/", {"code": "a", "state": "b"})

    assert settings.OIDC_FAMILIES_ENABLED is False
    assert FamiliesSignOnBackend().authenticate(request) is None
