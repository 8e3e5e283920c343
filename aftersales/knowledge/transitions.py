"""The review of a knowledge article: every allowed move in one table.

Who writes: the people who work cases, and quality managers. Who reviews: a quality manager or
an expert, and never the article's own author (a second pair of eyes before customers read
it)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import CASE_WORKERS, Role
from aftersales.core.errors import Conflict, Forbidden
from aftersales.knowledge.choices import ArticleStatus

WRITERS = frozenset({*CASE_WORKERS, Role.QUALITY_MANAGER})
REVIEWERS = frozenset({Role.QUALITY_MANAGER, Role.EXPERT})


class ArticleAction(models.TextChoices):
    EDIT = "edit", gettext_lazy("Edit")
    SUBMIT = "submit", gettext_lazy("Submit for review")
    PUBLISH = "publish", gettext_lazy("Publish")
    REJECT = "reject", gettext_lazy("Reject")
    ARCHIVE = "archive", gettext_lazy("Archive")
    REVISE = "revise", gettext_lazy("Revise")


S = ArticleStatus


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[str]
    target: str | None  # None: the state stays
    reviewer: bool  # a reviewer's move (never the author's); else any writer's


MOVES: dict[str, Move] = {
    m.action: m
    for m in (
        Move(ArticleAction.EDIT, frozenset({S.DRAFT, S.REJECTED}), None, False),
        Move(ArticleAction.SUBMIT, frozenset({S.DRAFT, S.REJECTED}), S.IN_REVIEW, False),
        Move(ArticleAction.PUBLISH, frozenset({S.IN_REVIEW}), S.PUBLISHED, True),
        Move(ArticleAction.REJECT, frozenset({S.IN_REVIEW}), S.REJECTED, True),
        Move(ArticleAction.ARCHIVE, frozenset({S.PUBLISHED}), S.ARCHIVED, True),
        # A published or archived article taken back to draft to be corrected, reviewed again.
        Move(ArticleAction.REVISE, frozenset({S.PUBLISHED, S.ARCHIVED}), S.DRAFT, False),
    )
}


def is_writer(user) -> bool:
    return user.is_active and not user.is_customer and bool(user.roles & WRITERS)


def is_reviewer(user) -> bool:
    return user.is_active and not user.is_customer and bool(user.roles & REVIEWERS)


def check(action: str, article, user) -> Move:
    move = MOVES[action]
    if move.reviewer:
        if not is_reviewer(user):
            raise Forbidden(
                _("Only a quality manager or an expert reviews articles."), code="not_permitted"
            )
        if article.author_id == user.pk:
            raise Forbidden(
                _("You wrote this article: another reviewer must review it."),
                code="own_article",
            )
    elif not (is_writer(user) or is_reviewer(user)):
        raise Forbidden(_("You may not write knowledge articles."), code="not_permitted")
    if article.status not in move.sources:
        raise Conflict(
            _("“%(action)s” is not allowed while the article is %(status)s.")
            % {"action": ArticleAction(action).label, "status": article.get_status_display()}
        )
    return move


def allowed_actions(article, user) -> list[str]:
    allowed = []
    for action in MOVES:
        try:
            check(action, article, user)
        except (Forbidden, Conflict):
            continue
        allowed.append(action)
    return allowed
