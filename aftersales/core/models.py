from django.db import models
from django.utils.translation import gettext_lazy as _


class ArchivedError(Exception):
    pass


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise ArchivedError(f"{self.model.__name__} records are archived, never deleted.")

    delete.queryset_only = True  # type: ignore[attr-defined]


class ArchivableModel(models.Model):
    """Records that are never deleted, only archived (organisations, cases...)."""

    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def delete(self, *args, **kwargs):
        raise ArchivedError(f"{type(self).__name__} records are archived, never deleted.")
