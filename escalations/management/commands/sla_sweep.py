from django.core.management.base import BaseCommand

from escalations.services import sla_sweep


class Command(BaseCommand):
    help = "Send every SLA reminder and escalation that has fallen due (what Celery beat runs every minute)."

    def handle(self, *args, **options):
        result = sla_sweep(say=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"{result.reminders} reminders and {result.escalations} escalations sent."))
