from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # The layers run one way, so the demo borough may not import this app: it keeps a list, and this app
        # adds a letter invitation to it.
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_login_failed
        from django.db.models.signals import post_save

        from casework.demo.extras import demo_extra

        from .demo import seed_accounts_demo
        from .sign_in import wrong_password_record
        from .tokens import revoke_tokens_on_new_password

        demo_extra(seed_accounts_demo)
        post_save.connect(
            revoke_tokens_on_new_password, sender=get_user_model(), dispatch_uid="revoke_tokens_on_new_password"
        )
        user_login_failed.connect(wrong_password_record, dispatch_uid="wrong_password_record")
