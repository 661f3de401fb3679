from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casework.models import Officer
from casework.staffing import officer_offboard
from core.exceptions import Conflict, NotAllowed


class Command(BaseCommand):
    help = "Hand every case of a leaving officer over (to a successor, or through routing), then deactivate them."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The leaving officer's username.")
        parser.add_argument("--successor", help="Username of the officer who takes every case. Omit to route each case.")
        parser.add_argument("--note", required=True, help="The handover note that goes with every case.")
        parser.add_argument(
            "--as", dest="actor", required=True,
            help="Username of the manager or council administrator doing this (for the audit trail).",
        )

    def handle(self, *args, username, successor, note, actor, **options):
        leaver = self._officer(username)
        acting = self._user(actor)
        try:
            result = officer_offboard(
                actor=acting, officer=leaver, successor=self._officer(successor) if successor else None, note=note
            )
        except Conflict as conflict:
            lines = [conflict.detail] + [f"  {c['case']}: {c['reason']}" for c in conflict.data.get("cases", [])]
            raise CommandError("\n".join(lines)) from None
        except (NotAllowed, ValidationError) as refused:
            raise CommandError(str(getattr(refused, "detail", None) or "; ".join(refused.messages))) from None
        self.stdout.write(self.style.SUCCESS(f"{leaver.display_name}: {result.detail}"))

    def _user(self, username):
        # Any sign-in: the council administrator has no officer record, and the service decides who may offboard.
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user with the username {username!r}.")
        return user

    def _officer(self, username) -> Officer:
        officer = Officer.objects.select_related("user", "team").filter(user__username=username).first()
        if officer is None:
            raise CommandError(f"No officer with the username {username!r}.")
        return officer
