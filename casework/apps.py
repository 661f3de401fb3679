from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = "Casework"

    def ready(self):
        from core.database import send_lists_in_binary

        connection_created.connect(send_lists_in_binary, dispatch_uid="send_lists_in_binary")
