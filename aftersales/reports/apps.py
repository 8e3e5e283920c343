from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "aftersales.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The Excel export of the dashboard's reports (aftersales.exports).
        from aftersales.reports import exports  # noqa: F401 (registers its kind)
