from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        # casework issues API tokens but may not import this app (the layers run one way): it keeps a list of
        # checks, and this app adds the second factor to it.
        from casework.sign_in import TOKEN_CHECKS

        from .two_factor import token_second_factor_errors

        if token_second_factor_errors not in TOKEN_CHECKS:
            TOKEN_CHECKS.append(token_second_factor_errors)
