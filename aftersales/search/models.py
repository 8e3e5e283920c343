"""The synonym dictionary, and the two index tables (declared here so that Django knows and
empties them with the rest; they are created per database by migration 0001 and written by
the backends in raw SQL only)."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[,，;；、\n]+")


class Synonym(models.Model):
    """Words of the trade that mean the same thing: a query for one finds the others."""

    words = models.CharField(
        _("words"),
        max_length=500,
        help_text=_("Two or more words or phrases that mean the same, separated by commas."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym dictionary")
        ordering = ["id"]

    def __str__(self) -> str:
        return " = ".join(self.word_list)

    @property
    def word_list(self) -> list[str]:
        return split_words(self.words)

    def clean(self) -> None:
        words = self.word_list
        if len(words) < 2:
            raise ValidationError({"words": _("Give at least two words, separated by commas.")})
        self.words = ", ".join(words)


def split_words(text: str) -> list[str]:
    seen: list[str] = []
    for word in _SEPARATORS.split(text or ""):
        word = " ".join(word.split())
        if word and word not in seen:
            seen.append(word)
    return seen


class CaseIndex(models.Model):
    object_id = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = "search_case"
        # Its shape differs per database (search/migrations/0001): Django must not select
        # from it by column, e.g. when tests serialise the database.
        managed = False
        verbose_name = _("case search index")
        default_permissions = ()

    def __str__(self) -> str:
        return f"case {self.object_id}"


class ArticleIndex(models.Model):
    object_id = models.BigIntegerField(primary_key=True)

    class Meta:
        db_table = "search_article"
        # Its shape differs per database (search/migrations/0001): Django must not select
        # from it by column, e.g. when tests serialise the database.
        managed = False
        verbose_name = _("article search index")
        default_permissions = ()

    def __str__(self) -> str:
        return f"article {self.object_id}"
