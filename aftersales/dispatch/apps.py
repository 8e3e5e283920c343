from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "aftersales.dispatch"
    label = "dispatch"
    verbose_name = _("Field service")

    def ready(self) -> None:
        from aftersales.dispatch import checks, presenters  # noqa: F401 (checks register)

        presenters.register()
