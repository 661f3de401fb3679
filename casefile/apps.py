from django.apps import AppConfig


class CasefileConfig(AppConfig):
    name = "casefile"
    verbose_name = "Evidence and the case file"

    def ready(self):
        from casework.demo.extras import demo_extra

        from .demo import add_demo_evidence

        demo_extra(add_demo_evidence)
