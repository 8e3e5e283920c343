from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "aftersales.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from aftersales.accounts.services import roles_sync

        def _sync(sender, using="default", **kwargs):
            # Once every app's permissions exist: on the last app's signal. (On accounts' own
            # signal, the apps after it, customers and cases among them, have none yet.)
            with_models = [c for c in apps.get_app_configs() if c.models_module is not None]
            if sender is with_models[-1]:
                roles_sync(using=using)

        post_migrate.connect(_sync, weak=False, dispatch_uid="accounts.roles_sync")
