from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "aftersales.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        # The kinds this app knows; other apps register theirs from their own ready().
        from aftersales.exports import kinds  # noqa: F401
