from django.apps import AppConfig


class StatutoryConfig(AppConfig):
    name = "statutory"
    verbose_name = "Statutory EHC process"

    def ready(self):
        # Casework may not import this app: it offers registration points, filled in here, so that an
        # officer's statutory processes move with their cases when they leave (or are found orphaned),
        # the demo borough has processes, and a coordinator's legal dates are on their queue.
        from casework.demo.extras import demo_extra
        from casework.staffing import staff_change_follow
        from casework.web.staff.queue import queue_duties_from

        from .demo import seed_statutory_demo
        from .services import processes_hand_over, processes_reroute_orphans
        from .views import queue_duties_of

        staff_change_follow(offboarding=processes_hand_over, safety_net=processes_reroute_orphans)
        demo_extra(seed_statutory_demo)
        queue_duties_from(queue_duties_of)
