from django.core.management.base import BaseCommand

from escalations.services import tally_rebuild


class Command(BaseCommand):
    help = "Write the clock tally the SLA reports read again from the clocks (after a restore or a bulk load)."

    def handle(self, *args, **options):
        rows = tally_rebuild()
        self.stdout.write(self.style.SUCCESS(f"The clock tally has {rows} rows, written from the clocks."))
