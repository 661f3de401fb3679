from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # The layers run one way, so the token view and the demo borough may not import this app: each keeps
        # a list, and this app adds to it (the second factor before a token; a letter invitation to the demo).
        from casework.demo.extras import demo_extra
        from core.sign_in import TOKEN_CHECKS

        from .demo import seed_accounts_demo
        from .two_factor import token_second_factor_errors

        if token_second_factor_errors not in TOKEN_CHECKS:
            TOKEN_CHECKS.append(token_second_factor_errors)
        demo_extra(seed_accounts_demo)
