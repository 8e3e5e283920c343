from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "aftersales.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from aftersales.cases.models import Case
        from aftersales.search.backends import CASES
        from aftersales.search.documents import case_documents
        from aftersales.search.registry import Index, register

        register(
            Index(
                name="cases",
                table=CASES,
                source_table=Case._meta.db_table,
                ids=lambda: Case.objects.order_by("pk").values_list("pk", flat=True),
                documents=case_documents,
            )
        )
