"""The customer's knowledge pages: published public articles, searchable, and the FAQ."""

from django.http import Http404
from django.shortcuts import render

from aftersales.core.decorators import customer_required
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.ids import parse_id
from aftersales.knowledge import selectors

PAGE = 50


@customer_required
def article_list(request):
    q = request.GET.get("q", "").strip()
    articles = selectors.article_list(user=request.user)
    error = ""
    if q:
        try:
            articles = selectors.article_search(user=request.user, q=q, queryset=articles)
        except DomainError as exc:
            error, articles = str(exc), articles.none()
    else:
        articles = articles.order_by("-published_at", "-id")
    return render(
        request,
        "knowledge/portal_list.html",
        {
            "articles": list(articles[:PAGE]),
            "q": q,
            "error": error,
            "faq": selectors.faq(user=request.user, limit=10),
        },
    )


@customer_required
def faq(request):
    return render(
        request,
        "knowledge/faq.html",
        {"articles": selectors.faq(user=request.user), "portal": True},
    )


@customer_required
def article_detail(request, pk):
    try:
        pk = parse_id(pk)
        if pk is None:
            raise NotFound("")
        article = selectors.article_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404 from exc
    return render(request, "knowledge/portal_detail.html", {"article": article})
