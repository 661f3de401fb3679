from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "provision"
    verbose_name = "Provision delivery"

    def ready(self):
        # casework cannot import this app, so it learns of provider staff through its registration point.
        from casework.demo.extras import demo_extra
        from casework.permissions import role_finders, role_relations

        from .demo import seed_provision_demo
        from .permissions import provider_role

        demo_extra(seed_provision_demo)
        if provider_role not in role_finders:
            role_finders.append(provider_role)
            role_relations.append("provider_staff")
