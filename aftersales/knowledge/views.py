"""Knowledge pages of the staff workspace, and the suggestion panels (htmx) of the desk and
the case page. Each view parses, calls a selector or a service, renders."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.cases import selectors as case_selectors
from aftersales.cases.choices import Cause, Status
from aftersales.core.decorators import staff_required
from aftersales.core.errors import DomainError, NotFound
from aftersales.core.ids import parse_id
from aftersales.knowledge import selectors, services, transitions
from aftersales.knowledge.choices import ArticleStatus
from aftersales.knowledge.forms import ArticleForm
from aftersales.knowledge.transitions import ArticleAction
from aftersales.search import selectors as search

PAGE = 50


def _article_or_404(request, pk):
    pk = parse_id(pk)
    try:
        if pk is None:
            raise NotFound(_("No such article."))
        return selectors.article_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _case_or_404(request, number):
    try:
        return case_selectors.case_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@staff_required
def article_list(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status not in ArticleStatus.values:
        status = ""
    articles = selectors.article_list(user=request.user, status=status or None)
    error = ""
    if q:
        try:
            articles = selectors.article_search(user=request.user, q=q, queryset=articles)
        except DomainError as exc:
            error, articles = str(exc), articles.none()
    else:
        articles = articles.order_by("-id")
    return render(
        request,
        "knowledge/article_list.html",
        {
            "articles": list(articles[:PAGE]),
            "q": q,
            "status": status,
            "statuses": ArticleStatus.choices,
            "error": error,
            "faq": selectors.faq(user=request.user, limit=10),
        },
    )


@staff_required
def faq(request):
    return render(request, "knowledge/faq.html", {"articles": selectors.faq(user=request.user)})


@staff_required
def article_detail(request, pk):
    article = _article_or_404(request, pk)
    return render(
        request,
        "knowledge/article_detail.html",
        {
            "article": article,
            "history": selectors.article_history(article=article),
            "cases": selectors.linked_cases(user=request.user, article=article),
            "actions": transitions.allowed_actions(article, request.user),
        },
    )


@staff_required
def article_new(request, number):
    """Write an article from a resolved case: the form comes filled in from the case."""
    case = _case_or_404(request, number)
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        messages.error(request, _("Write an article from a resolved or closed case."))
        return redirect("workspace:case", number=case.number)
    form = ArticleForm(request.POST or None, initial=services.article_prefill(case=case))
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_from_case(case=case, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Article saved as a draft."))
            return redirect("knowledge:article", pk=article.pk)
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "case": case},
        status=400 if form.errors else 200,
    )


@staff_required
def article_edit(request, pk):
    article = _article_or_404(request, pk)
    initial = {f: getattr(article, f) for f in ("title", "problem", "cause", "solution")}
    form = ArticleForm(request.POST or None, initial={**initial, "audience": article.audience})
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(article=article, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Article saved."))
            return redirect("knowledge:article", pk=article.pk)
    return render(
        request,
        "knowledge/article_form.html",
        {"form": form, "article": article},
        status=400 if form.errors else 200,
    )


MOVES = {
    ArticleAction.SUBMIT: lambda a, u, note: services.article_submit(article=a, actor=u),
    ArticleAction.PUBLISH: lambda a, u, note: services.article_publish(
        article=a, actor=u, note=note
    ),
    ArticleAction.REJECT: lambda a, u, note: services.article_reject(
        article=a, actor=u, reason=note
    ),
    ArticleAction.ARCHIVE: lambda a, u, note: services.article_archive(
        article=a, actor=u, note=note
    ),
    ArticleAction.REVISE: lambda a, u, note: services.article_revise(article=a, actor=u, note=note),
}


@staff_required
@require_POST
def article_move(request, pk, action):
    article = _article_or_404(request, pk)
    move = MOVES.get(action)
    if move is None:
        raise Http404
    try:
        move(article, request.user, request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": ArticleAction(action).label})
    return redirect("knowledge:article", pk=article.pk)


@staff_required
def suggest(request):
    """Typed-ahead on the desk's new-case title: similar past cases and articles."""
    text = request.GET.get("title", "").strip()
    cases, articles = [], []
    if len(text) >= 2:
        try:
            cases = search.similar_cases(user=request.user, text=text)
            articles = selectors.similar_articles(user=request.user, text=text)
        except DomainError:
            pass
    return render(
        request,
        "knowledge/partials/suggestions.html",
        {"similar_cases": cases, "similar_articles": articles, "text": text},
    )


@staff_required
def case_suggestions(request, number):
    """The case page's panel: similar past cases, published articles, the linked ones."""
    case = _case_or_404(request, number)
    text = f"{case.title} {case.description[:100]}"
    linked = selectors.case_articles(user=request.user, case=case)
    linked_ids = {a.pk for a in linked}
    return render(
        request,
        "knowledge/partials/suggestions.html",
        {
            "case": case,
            "similar_cases": search.similar_cases(user=request.user, text=text, exclude_id=case.pk),
            "similar_articles": [
                a
                for a in selectors.similar_articles(user=request.user, text=text)
                if a.pk not in linked_ids
            ],
            "linked": linked,
            "can_resolve": case.status in (Status.IN_PROGRESS, Status.WAITING_CUSTOMER)
            and case.assignee_id == request.user.pk,
            "can_write": case.status in (Status.RESOLVED, Status.CLOSED)
            and transitions.is_writer(request.user),
            "causes": Cause.choices,
        },
    )


@staff_required
@require_POST
def case_link(request, number):
    case = _case_or_404(request, number)
    article = _article_or_404(request, request.POST.get("article", ""))
    try:
        if request.POST.get("resolve"):
            services.case_resolve_with_article(
                case=case, article=article, cause=request.POST.get("cause", ""), actor=request.user
            )
            messages.success(request, _("Resolved with “%(title)s”.") % {"title": article.title})
        else:
            services.case_link_article(case=case, article=article, actor=request.user)
            messages.success(request, _("Linked “%(title)s”.") % {"title": article.title})
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("workspace:case", number=case.number)
