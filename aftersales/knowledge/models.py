from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.knowledge.choices import ArticleStatus, Audience, LinkKind


class Article(models.Model):
    """A knowledge article (知识库): a problem, its cause and its solution, usually written
    from a resolved case, reviewed before it is published. Its state changes only through
    knowledge.services (the table is knowledge/transitions.py)."""

    title = models.CharField(_("title"), max_length=200)
    problem = models.TextField(_("problem"))
    cause = models.TextField(_("cause"), blank=True)
    solution = models.TextField(_("solution"))
    audience = models.CharField(
        _("audience"), max_length=10, choices=Audience.choices, default=Audience.INTERNAL
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ArticleStatus.choices,
        default=ArticleStatus.DRAFT,
        editable=False,
    )
    asset_models = models.ManyToManyField(
        "customers.AssetModel", verbose_name=_("asset models"), blank=True, related_name="+"
    )
    source_case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("written from case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "audience"], name="article_status_audience")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.audience == Audience.PUBLIC


class ArticleEvent(models.Model):
    """The article's history: each move of its review, with who and why."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=16)
    source = models.CharField(_("from"), max_length=10, choices=ArticleStatus.choices)
    target = models.CharField(_("to"), max_length=10, choices=ArticleStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("article event")
        verbose_name_plural = _("article events")
        ordering = ["article", "id"]

    def __str__(self) -> str:
        return f"{self.article_id} {self.source}→{self.target}"


class CaseArticleLink(models.Model):
    """A case that asked the question an article answers: how often an article is asked."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="+"
    )
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.PROTECT, related_name="links"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("linked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("case–article link")
        verbose_name_plural = _("case–article links")
        constraints = [
            models.UniqueConstraint(fields=["case", "article"], name="one_link_per_case_article")
        ]
        indexes = [models.Index(fields=["article"], name="link_article")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.article_id}"
