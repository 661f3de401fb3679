"""Which account sign-on may sign in: the one active account with the provider's verified email, or none.
(The whole flow, against a real provider, is in tests/pages/test_sign_on.py.)"""

import pytest

from accounts.sign_on import SignOnBackend

pytestmark = pytest.mark.django_db


def accounts_for(claims) -> list:
    return list(SignOnBackend().filter_users_by_claims(claims))


def test_a_verified_email_matches_its_one_account_whatever_its_case(borough):
    assert accounts_for({"email": borough.parent1.email.upper(), "email_verified": True}) == [borough.parent1]


def test_an_unverified_email_matches_nobody(borough):
    assert accounts_for({"email": borough.parent1.email, "email_verified": False}) == []
    assert accounts_for({"email": borough.parent1.email}) == []


def test_an_email_two_accounts_share_matches_neither(borough):
    borough.parent2.email = borough.parent1.email
    borough.parent2.save()

    assert accounts_for({"email": borough.parent1.email, "email_verified": True}) == []


def test_a_switched_off_account_is_not_signed_in(borough):
    borough.parent1.is_active = False
    borough.parent1.save()

    assert accounts_for({"email": borough.parent1.email, "email_verified": True}) == []


def test_sign_on_never_makes_an_account(borough):
    assert SignOnBackend().create_user({"email": "someone@example.org", "email_verified": True}) is None
