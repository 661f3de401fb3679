from django.apps import AppConfig


class EscalationsConfig(AppConfig):
    name = "escalations"

    def ready(self):
        from core.read_mostly import forget_when_changed

        from .models import ClosureDay, SlaPolicy

        forget_when_changed("sla-policies", SlaPolicy)
        forget_when_changed("closure-days", ClosureDay)
