"""The accounts part of the demo borough (`manage.py seed_demo`): a letter invitation waiting to be accepted,
with a code printed in the README, so anyone trying the service can join as a new carer."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from casework.demo.data import DEMO_ORGANISATION
from casework.models import Child, FamilyMember, Officer, Organisation

from .models import Invitation, code_digest

# A fixed code, for the fictional demo borough only: real codes are random and shown once.
DEMO_INVITATION_CODE = "DEMO-JXNS-2026"


@transaction.atomic
def seed_accounts_demo() -> None:
    """A grandparent invited by letter to the first child of the demo council. Running it twice changes nothing."""
    organisation = Organisation.objects.filter(name=DEMO_ORGANISATION).first()
    if organisation is None or Invitation.objects.filter(code_digest=code_digest(DEMO_INVITATION_CODE)).exists():
        return
    child = Child.objects.filter(family__organisation=organisation).order_by("pk").first()
    officer = Officer.objects.filter(team__organisation=organisation, active=True).order_by("pk").first()
    if child is None or officer is None:
        return
    Invitation.objects.create(
        child=child,
        kind=Invitation.Kind.PARENT_CARER,
        relationship=FamilyMember.Relationship.CARER,
        first_name="Pat",
        last_name="Grandparent",
        delivery=Invitation.Delivery.LETTER,
        code_digest=code_digest(DEMO_INVITATION_CODE),
        created_by=officer.user,
        expires_at=timezone.now() + timedelta(days=365),
    )
