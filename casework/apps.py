from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self):
        from core.database import send_lists_in_binary
        from core.read_mostly import forget_when_changed

        from .models import Category, RoutingRule, Team

        connection_created.connect(send_lists_in_binary, dispatch_uid="send_lists_in_binary")
        forget_when_changed("categories", Category)
        # A rule's team is cached with it: a team's manager or head of service decides who takes a case nobody else can.
        forget_when_changed("routing", RoutingRule, Team)
