from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "aftersales.feedback"
    label = "feedback"
    verbose_name = _("Surveys, revisits and complaints")

    def ready(self) -> None:
        from aftersales.feedback import presenters

        presenters.register()
