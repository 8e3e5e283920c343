"""The workspace's search page (the box in the header): cases and articles in one list."""

from django.shortcuts import render

from aftersales.core.decorators import staff_required
from aftersales.core.errors import DomainError
from aftersales.knowledge import selectors as knowledge
from aftersales.search import selectors

CASES_SHOWN = 50
ARTICLES_SHOWN = 10


@staff_required
def search_page(request):
    q = request.GET.get("q", "").strip()
    cases, articles, error = [], [], ""
    if q:
        try:
            cases = list(
                selectors.case_search_queryset(user=request.user, q=q).select_related(
                    "organisation", "assignee"
                )[:CASES_SHOWN]
            )
            articles = list(
                knowledge.article_search(
                    user=request.user, q=q, queryset=knowledge.published(user=request.user)
                )[:ARTICLES_SHOWN]
            )
        except DomainError as exc:
            error = str(exc)
    return render(
        request,
        "search/results.html",
        {"q": q, "cases": cases, "articles": articles, "error": error},
    )
