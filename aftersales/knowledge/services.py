"""Writes to the knowledge base. Each service owns its transaction, checks the actor against
knowledge/transitions.py, records the move in the article's history and writes the article's
search document in the same transaction."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.cases import services as case_services
from aftersales.cases.choices import Cause, EntryKind, Status, Visibility
from aftersales.cases.models import Case
from aftersales.cases.transitions import Action
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.knowledge import transitions
from aftersales.knowledge.choices import ArticleStatus, Audience, LinkKind
from aftersales.knowledge.documents import article_documents
from aftersales.knowledge.models import Article, ArticleEvent, CaseArticleLink
from aftersales.knowledge.transitions import ArticleAction
from aftersales.search.backends import ARTICLES
from aftersales.search.services import document_write

TEXT_FIELDS = ("title", "problem", "cause", "solution")


def _reindex(article: Article) -> None:
    document_write(
        table=ARTICLES, object_id=article.pk, document=article_documents([article.pk])[article.pk]
    )


def _clean(fields: dict) -> dict:
    cleaned = {}
    for name in TEXT_FIELDS:
        if name in fields:
            cleaned[name] = (fields[name] or "").strip()
    if "audience" in fields:
        if fields["audience"] not in Audience.values:
            raise ValidationError(_("Unknown audience."), field="audience")
        cleaned["audience"] = fields["audience"]
    for name, message in (
        ("title", _("An article needs a title.")),
        ("problem", _("Describe the problem.")),
        ("solution", _("Describe the solution.")),
    ):
        if name in cleaned and not cleaned[name]:
            raise ValidationError(message, field=name)
    return cleaned


def _event(article: Article, action: str, source: str, actor: User, note: str = "") -> None:
    ArticleEvent.objects.create(
        article=article,
        action=action,
        source=source,
        target=article.status,
        actor=actor,
        note=note,
        created_at=article.updated_at,
    )


def _prefill(case: Case) -> dict:
    cause = case.get_cause_display() if case.cause else ""
    if case.diagnosis:
        cause = f"{cause}：{case.diagnosis}" if cause else case.diagnosis
    return {
        "title": case.title,
        "problem": case.description or case.title,
        "cause": cause,
        "solution": case.solution,
    }


def article_prefill(*, case: Case) -> dict:
    """What an article written from `case` starts with (for the form)."""
    return {**_prefill(case), "audience": Audience.INTERNAL}


def article_from_case(
    *, case: Case, actor: User, audience: str = Audience.INTERNAL, **fields
) -> Article:
    """Write an article from a resolved (or closed) case in one step: problem from its title
    and description, cause from its diagnosis, solution from its resolution, the asset models
    from its assets; any of them may be given instead. The article starts as a draft."""
    if not transitions.is_writer(actor):
        raise Forbidden(_("You may not write knowledge articles."), code="not_permitted")
    if case.status not in (Status.RESOLVED, Status.CLOSED):
        raise Conflict(
            _("Write an article from a resolved or closed case."), code="case_not_resolved"
        )
    values = _clean({**_prefill(case), **fields, "audience": audience})
    at = now()
    with transaction.atomic():
        article = Article.objects.create(
            **values,
            source_case=case,
            author=actor,
            created_at=at,
            updated_at=at,
        )
        article.asset_models.set({asset.model_id for asset in case.assets.all()})
        _event(article, "create", ArticleStatus.DRAFT, actor)
        _link(case=case, article=article, actor=actor, kind=LinkKind.SOURCE)
        _reindex(article)
    return article


def _locked(article: Article) -> Article:
    return Article.objects.select_for_update().get(pk=article.pk)


def _move(*, article: Article, action: str, actor: User, note: str = "", change=None) -> Article:
    with transaction.atomic():
        current = _locked(article)
        move = transitions.check(action, current, actor)
        source = current.status
        if change is not None:
            change(current)
        if move.target is not None:
            current.status = move.target
        current.updated_at = now()
        current.save()
        _event(current, action, source, actor, note)
        _reindex(current)
    return current


def article_update(*, article: Article, actor: User, **fields) -> Article:
    """Change the text or audience of a draft (or a rejected article)."""
    values = _clean(fields)
    unknown = set(fields) - set(values)
    if unknown:
        raise ValidationError(_("Unknown field."), field=sorted(unknown)[0])

    def change(a: Article) -> None:
        for name, value in values.items():
            setattr(a, name, value)

    return _move(article=article, action=ArticleAction.EDIT, actor=actor, change=change)


def article_submit(*, article: Article, actor: User) -> Article:
    def change(a: Article) -> None:
        a.submitted_at = now()
        a.review_note = ""

    return _move(article=article, action=ArticleAction.SUBMIT, actor=actor, change=change)


def article_publish(*, article: Article, actor: User, note: str = "") -> Article:
    def change(a: Article) -> None:
        a.reviewer, a.review_note = actor, note
        a.published_at = now()

    return _move(
        article=article, action=ArticleAction.PUBLISH, actor=actor, note=note, change=change
    )


def article_reject(*, article: Article, actor: User, reason: str) -> Article:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what must change before publishing."), field="reason")

    def change(a: Article) -> None:
        a.reviewer, a.review_note = actor, reason

    return _move(
        article=article, action=ArticleAction.REJECT, actor=actor, note=reason, change=change
    )


def article_archive(*, article: Article, actor: User, note: str = "") -> Article:
    return _move(article=article, action=ArticleAction.ARCHIVE, actor=actor, note=note)


def article_revise(*, article: Article, actor: User, note: str = "") -> Article:
    return _move(article=article, action=ArticleAction.REVISE, actor=actor, note=note)


# --- links between cases and articles ------------------------------------------------------


def _link(*, case: Case, article: Article, actor: User, kind: str) -> CaseArticleLink | None:
    """The link and its timeline entry (internal: the entry names the article for staff)."""
    try:
        with transaction.atomic():
            link = CaseArticleLink.objects.create(
                case=case, article=article, kind=kind, linked_by=actor, created_at=now()
            )
    except IntegrityError:
        return None
    case_services._transition(
        case=case,
        action=Action.NOTE,
        actor=actor,
        kind=EntryKind.ARTICLE_LINKED,
        data={"article": article.pk, "title": article.title, "link": kind},
        visibility=Visibility.INTERNAL,
    )
    return link


def case_link_article(*, case: Case, article: Article, actor: User) -> CaseArticleLink:
    """Say that `case` asked what `article` answers (staff; published articles only)."""
    if actor.is_customer or not transitions.is_writer(actor):
        raise Forbidden(_("You may not link knowledge articles."), code="not_permitted")
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("Only a published article can be linked."), field="article")
    with transaction.atomic():
        link = _link(case=case, article=article, actor=actor, kind=LinkKind.LINKED)
        if link is None:
            raise Conflict(_("This article is already linked to the case."), code="linked")
    return link


def case_resolve_with_article(
    *, case: Case, article: Article, cause: str, actor: User, solution: str = ""
) -> Case:
    """Resolve the case with the article's solution (or `solution`) and link them."""
    if article.status != ArticleStatus.PUBLISHED:
        raise ValidationError(_("Only a published article can be linked."), field="article")
    if cause not in Cause.values:
        raise ValidationError(_("Name the cause of the fault."), field="cause")
    with transaction.atomic():
        resolved = case_services.case_resolve(
            case=case, cause=cause, solution=solution or article.solution, actor=actor
        )
        if not _link(case=resolved, article=article, actor=actor, kind=LinkKind.RESOLVED_WITH):
            CaseArticleLink.objects.filter(case=resolved, article=article).update(
                kind=LinkKind.RESOLVED_WITH
            )
    return resolved
