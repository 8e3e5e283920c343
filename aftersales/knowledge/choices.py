from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


# States whose text the author (or a reviewer) may still change.
EDITABLE = frozenset({ArticleStatus.DRAFT, ArticleStatus.REJECTED})


class Audience(models.TextChoices):
    PUBLIC = "public", _("Customers and staff")
    INTERNAL = "internal", _("Staff only")


class LinkKind(models.TextChoices):
    SOURCE = "source", _("Written from this case")
    RESOLVED_WITH = "resolved_with", _("Resolved with this article")
    LINKED = "linked", _("Linked")
