"""What an article says, as a search document. A public article: A title, B problem, cause
and solution, C the asset models and vendors. An internal article puts everything in D, the
part customers never match."""

from collections import defaultdict

from aftersales.knowledge.choices import Audience
from aftersales.knowledge.models import Article
from aftersales.search.backends import Document
from aftersales.search.text import tokens


def article_documents(ids: list[int]) -> dict[int, Document]:
    models = defaultdict(list)
    through = Article.asset_models.through.objects.filter(article_id__in=ids).values_list(
        "article_id", "assetmodel__name", "assetmodel__vendor__name"
    )
    for article_id, name, vendor in through:
        models[article_id].extend([name, vendor])
    documents = {}
    for article in Article.objects.filter(pk__in=ids).only(
        "id", "title", "problem", "cause", "solution", "audience"
    ):
        document = Document()
        public = article.audience == Audience.PUBLIC
        parts = {
            "A": [article.title],
            "B": [article.problem, article.cause, article.solution],
            "C": models[article.pk],
        }
        for weight, texts in parts.items():
            for text in texts:
                document.add(weight if public else "D", tokens(text or ""))
        documents[article.pk] = document
    return documents
