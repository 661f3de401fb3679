from django.apps import AppConfig


class StatutoryConfig(AppConfig):
    name = "statutory"
    verbose_name = "Statutory EHC process"

    def ready(self):
        # Casework may not import this app: it offers a registration point, filled in here, so that an
        # officer's statutory processes move with their cases when they leave, or are found orphaned.
        from casework.demo.extras import demo_extra
        from casework.staffing import staff_change_follow

        from .demo import seed_statutory_demo
        from .services import processes_hand_over, processes_reroute_orphans

        staff_change_follow(offboarding=processes_hand_over, safety_net=processes_reroute_orphans)
        demo_extra(seed_statutory_demo)
