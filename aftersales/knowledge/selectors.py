"""Reads of the knowledge base, scoped to the reader: customers read published public
articles only; staff read every article (drafts and reviews included)."""

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_queryset
from aftersales.core.errors import NotFound
from aftersales.knowledge.choices import ArticleStatus, Audience
from aftersales.knowledge.models import Article, ArticleEvent, CaseArticleLink
from aftersales.search import selectors as search

FAQ_SIZE = 20


def _is_staff(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_customer
        and bool(user.roles & STAFF)
    )


def article_queryset(*, user: User) -> QuerySet[Article]:
    if not user.is_authenticated or not user.is_active:
        return Article.objects.none()
    if user.is_customer:
        return Article.objects.filter(status=ArticleStatus.PUBLISHED, audience=Audience.PUBLIC)
    if _is_staff(user):
        return Article.objects.all()
    return Article.objects.none()


def published(*, user: User) -> QuerySet[Article]:
    return article_queryset(user=user).filter(status=ArticleStatus.PUBLISHED)


def article_list(*, user: User, status: str | None = None) -> QuerySet[Article]:
    articles = article_queryset(user=user).select_related("author", "reviewer")
    if status:
        articles = articles.filter(status=status)
    return articles.annotate(asked=Count("links", distinct=True))


def article_get(*, user: User, pk) -> Article:
    found = list(
        article_queryset(user=user)
        .select_related("author", "reviewer", "source_case")
        .prefetch_related("asset_models__vendor")
        .annotate(asked=Count("links", distinct=True))
        .filter(pk=pk)
    )
    if not found:
        raise NotFound(_("No such article."))
    return found[0]


def article_search(
    *, user: User, q: str, queryset: QuerySet[Article] | None = None
) -> QuerySet[Article]:
    """The reader's articles matching every word of `q`, best first."""
    base = queryset if queryset is not None else article_list(user=user)
    return search.ordered_by_hits(base, search.article_hits(user=user, q=q))


def faq(*, user: User, limit: int = FAQ_SIZE) -> list[Article]:
    """The most asked questions: published articles by the number of cases linked to them
    (the reader's own organisation's cases do not matter: a question is asked by all)."""
    return list(
        published(user=user)
        .annotate(asked=Count("links"))
        .filter(asked__gt=0)
        .order_by("-asked", "-published_at", "-id")[:limit]
    )


def similar_articles(*, user: User, text: str, limit: int = 5) -> list[Article]:
    """Published articles like `text` (a title being typed, a case's title and details)."""
    hits = search.article_hits(user=user, q=text, mode="any", limit=limit * 4)
    return list(search.ordered_by_hits(published(user=user), hits)[:limit])


def article_history(*, article: Article) -> list[ArticleEvent]:
    return list(article.events.select_related("actor").order_by("id"))


def linked_cases(*, user: User, article: Article, limit: int = 20) -> list[Case]:
    """The cases linked to the article that the reader may see."""
    ids = CaseArticleLink.objects.filter(article=article).values("case_id")
    return list(
        case_queryset(user=user)
        .filter(pk__in=ids)
        .select_related("organisation")
        .order_by("-id")[:limit]
    )


def case_articles(*, user: User, case: Case) -> list[Article]:
    """Articles linked to a case, as far as the reader may read them."""
    return list(
        article_queryset(user=user).filter(Q(links__case=case)).order_by("title").distinct()
    )
