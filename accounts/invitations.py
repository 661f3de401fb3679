"""Families join by invitation: staff invite one person to one child's record, by email or by a printed letter.

The rules: an invitation is one-time and expires (INVITATION_DAYS); only a digest of its code is stored, so the
code exists only in the email or letter; accepting sets a password (or uses the family account already signed
in) and makes the person a member of that child's family record; a young person aged 16 to 25 is invited in
their own right (Children and Families Act 2014, s67 and SEND Code of Practice 8.13: decisions pass to them at
the end of compulsory school age). Every invitation, acceptance and withdrawal is kept, with who and when, on
the child's record (the staff page "People who can see this record" and the invitation's history).
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casework.models import Child, FamilyMember
from core.exceptions import Conflict, NotAllowed

from .models import Attempt, Invitation, code_digest
from .permissions import councils_invitable_by, is_staff_account
from .throttling import attempt_record, key_digest, refuse_if_client_over_limit

logger = logging.getLogger(__name__)

# Days an invitation can be accepted: an email arrives at once; a letter needs the post and a few days more.
INVITATION_DAYS = {Invitation.Delivery.EMAIL: 14, Invitation.Delivery.LETTER: 28}
# 12 characters from 32 that cannot be mistaken for one another (no 0/O, 1/I/L): 60 bits, typed from a letter.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
# Wrong codes one client may type in an hour.
CODE_LIMIT_PER_CLIENT = 20
YOUNG_PERSON_AGES = range(16, 26)
UNUSABLE = "This invitation cannot be used. It may have been used already or withdrawn. Ask the council for a new one."


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation just made, with its code: the only moment the code is known to the service."""

    invitation: Invitation
    code: str

    @property
    def link(self) -> str:
        return f"{settings.SITE_URL.rstrip('/')}{reverse('join-accept', args=[self.code])}"


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def require_may_invite(actor, child: Child) -> None:
    councils = councils_invitable_by(actor)
    if councils is not None and child.family.organisation_id not in councils:
        raise NotAllowed("Only staff of the child's council may invite people to the child's record.")


def _check_who(*, child: Child, kind: str, relationship: str, delivery: str, email: str) -> str:
    """The relationship the invited person will have; raises ValidationError with field errors otherwise."""
    errors = {}
    if kind == Invitation.Kind.YOUNG_PERSON:
        if child.age_on(timezone.localdate()) not in YOUNG_PERSON_AGES:
            errors["kind"] = f"{child.first_name} is not aged 16 to 25, so cannot be invited in their own right"
        relationship = FamilyMember.Relationship.YOUNG_PERSON
    elif relationship not in {choice for choice in FamilyMember.Relationship.values} - {"young_person"}:
        errors["relationship"] = "Select who they are to the child"
    if delivery == Invitation.Delivery.EMAIL and not email:
        errors["email"] = "Enter their email address, or choose a printed letter instead"
    if errors:
        raise ValidationError(errors)
    return relationship


@transaction.atomic
def invitation_create(
    *, actor, child: Child, kind: str, relationship: str, first_name: str, last_name: str, delivery: str, email: str
) -> IssuedInvitation:
    """Invite one person to one child's record. Atomic; the caller emails it (`invitation_email_send`) or prints
    the letter, the only two places the code ever appears.

    Raises NotAllowed for staff of another council, ValidationError with field errors for bad input.
    """
    require_may_invite(actor, child)
    relationship = _check_who(child=child, kind=kind, relationship=relationship, delivery=delivery, email=email)
    code = new_code()
    invitation = Invitation(
        child=child,
        kind=kind,
        relationship=relationship,
        first_name=first_name,
        last_name=last_name,
        delivery=delivery,
        email=email if delivery == Invitation.Delivery.EMAIL else "",
        code_digest=code_digest(code),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS[delivery]),
    )
    invitation._history_user = actor
    invitation.save()
    return IssuedInvitation(invitation=invitation, code=code)


def invitation_email_send(*, issued: IssuedInvitation) -> bool:
    """Email an invitation just made; False if the mail server refused it (the invitation stays, to withdraw or
    to follow with a letter). Called after the invitation is committed. Sent by the web server, not through the
    outbox, which keeps what it sends: the code must exist only in the person's inbox."""
    invitation = issued.invitation
    context = {
        "invitation": invitation,
        "link": issued.link,
        "code": issued.code,
        "days": INVITATION_DAYS[invitation.delivery],
        "council_name": settings.COUNCIL_NAME,
    }
    try:
        send_mail(
            subject=f"{settings.COUNCIL_NAME} has invited you to SEND Casework",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    except OSError:  # smtplib's errors and a refused connection alike
        logger.exception("The invitation %s could not be emailed.", invitation.pk)
        return False
    return True


def invitation_for_code(*, code: str, client_address: str | None) -> Invitation | None:
    """The invitation with this code, in whatever state, or None. Raises TooManyAttempts after too many wrong
    codes from one client, so codes cannot be guessed."""
    door = Attempt.Door.INVITATION_CODE
    refuse_if_client_over_limit(door=door, client_address=client_address, limit=CODE_LIMIT_PER_CLIENT)
    invitation = Invitation.objects.select_related("child").filter(code_digest=code_digest(code)).first()
    if invitation is None:
        attempt_record(door=door, client_address=client_address, digest=key_digest(door, code))
    return invitation


@dataclass(frozen=True)
class NewAccount:
    username: str
    first_name: str
    last_name: str
    email: str
    password: str


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user=None, new_account: NewAccount | None = None):
    """Accept an invitation: link its child, and only its child's family record, to the person. Returns the user.

    Either `user` (a family account already signed in) or `new_account` (a password set now). Raises Conflict if
    the invitation was used, withdrawn or has expired (checked under a lock, so two tabs cannot both use it);
    NotAllowed for a staff account, which must never be a member of a family.
    """
    invitation = Invitation.objects.select_for_update().select_related("child").get(pk=invitation.pk)
    if invitation.state != Invitation.State.WAITING:
        raise Conflict(UNUSABLE if invitation.state != Invitation.State.EXPIRED else expired_message())
    if user is None:
        user = _account_create(new_account)
    elif is_staff_account(user):
        raise NotAllowed("A council staff account cannot join a family. Sign out, then accept the invitation.")
    _link_only_this_child(user=user, invitation=invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation._history_user = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


def _link_only_this_child(*, user, invitation: Invitation) -> None:
    """Make the person a member of the child's family who sees this child only; someone who already sees every
    child of the family keeps that, and someone limited to other children of it gains this one too."""
    member, created = FamilyMember.objects.get_or_create(
        family_id=invitation.child.family_id, user=user, defaults={"relationship": invitation.relationship}
    )
    if created or member.children.exists():
        member.children.add(invitation.child)


def expired_message() -> str:
    return "This invitation has expired. Ask the council to send you a new one."


def _account_create(account: NewAccount):
    users = get_user_model().objects
    if users.filter(username__iexact=account.username).exists():
        raise ValidationError({"username": "That username is taken. Choose another"})
    return users.create_user(
        username=account.username,
        password=account.password,
        first_name=account.first_name,
        last_name=account.last_name,
        email=account.email,
    )


@transaction.atomic
def invitation_withdraw(*, actor, invitation: Invitation) -> Invitation:
    """Stop an invitation being used. Raises Conflict if it was already accepted, withdrawn or has expired."""
    invitation = Invitation.objects.select_for_update().select_related("child__family").get(pk=invitation.pk)
    require_may_invite(actor, invitation.child)
    if invitation.state != Invitation.State.WAITING:
        raise Conflict(f"This invitation is {invitation.state.label.lower()}: there is nothing to withdraw.")
    invitation.withdrawn_at = timezone.now()
    invitation.withdrawn_by = actor
    invitation._history_user = actor
    invitation.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return invitation
