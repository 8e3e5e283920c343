from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "aftersales.knowledge"
    label = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from django.utils.translation import gettext

        from aftersales.cases.choices import EntryKind
        from aftersales.cases.presenters import register_summary
        from aftersales.knowledge.documents import article_documents
        from aftersales.knowledge.models import Article
        from aftersales.search.backends import ARTICLES
        from aftersales.search.registry import Index, register

        register_summary(
            EntryKind.ARTICLE_LINKED,
            lambda d: (
                gettext("Knowledge article linked: %(title)s") % {"title": d.get("title", "")}
            ),
        )
        register(
            Index(
                name="articles",
                table=ARTICLES,
                source_table=Article._meta.db_table,
                ids=lambda: Article.objects.order_by("pk").values_list("pk", flat=True),
                documents=article_documents,
            )
        )
