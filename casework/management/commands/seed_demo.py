"""`python manage.py seed_demo [--password PASSWORD]`: the demo borough (`casework.demo`)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casework.demo.borough import DemoBorough, demo_logins, usernames_taken
from casework.demo.data import DEFAULT_PASSWORD, DEMO_ORGANISATION
from casework.demo.extras import DEMO_EXTRAS
from casework.models import Organisation


class Command(BaseCommand):
    help = "Make a fictional borough with staff, families, plans and a spread of cases, to try the service with."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"The password for every demo user (default: {DEFAULT_PASSWORD}).",
        )

    def handle(self, *args, password, **options):
        if not password.strip():
            # The sign-in page needs a password, so with a blank one nobody could sign in to the demo.
            raise CommandError("Give a --password that is not blank: every demo user signs in with it.")
        if Organisation.objects.filter(name=DEMO_ORGANISATION).exists():
            self.stdout.write(f"{DEMO_ORGANISATION} is already set up, so nothing has been changed.")
            self._print_logins(password=None)
            return
        taken = usernames_taken()
        if taken:
            raise CommandError(
                f"These usernames are already in use: {', '.join(taken)}. "
                "The demo needs a database without them."
            )
        with transaction.atomic():
            counts = DemoBorough(password=password).build()
            for add_to_the_demo in DEMO_EXTRAS:
                add_to_the_demo()
        self.stdout.write(self.style.SUCCESS(
            f"{DEMO_ORGANISATION} is ready: {counts['families']} families, {counts['children']} children "
            f"and {counts['cases']} cases."
        ))
        self._print_logins(password=password)

    def _print_logins(self, *, password):
        site = settings.SITE_URL.rstrip("/")
        lines = [
            "",
            "Where to sign in:",
            f"  The service:     {site}{settings.LOGIN_URL}",
            f"  The API:         get a token at {site}/api/auth/token/ (documentation: {site}/api/docs/)",
            f"  Administration:  {site}/admin/ (the council administrator, admin)",
            "",
        ]
        if password is None:
            lines.append(
                f"Every demo user has the password chosen when the demo was made ({DEFAULT_PASSWORD} unless "
                "--password was given)."
            )
        else:
            lines.append(f"Every demo user has the password: {password}")
        for heading, logins in demo_logins():
            lines += ["", heading, *(f"  {username:<20} {role}" for username, role in logins)]
        self.stdout.write("\n".join(lines))
