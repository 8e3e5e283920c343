"""Writes of the workspace's own records: a person's saved case lists."""

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.clock import now
from aftersales.core.errors import NotFound, ValidationError
from aftersales.workspace.models import SavedFilter

MAX_SAVED_FILTERS = 50


def saved_filter_save(*, owner: User, name: str, query: str) -> SavedFilter:
    """Keep the list `query` under `name`; saving under a name already used replaces that
    filter's query."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Name the filter."), field="name")
    if len(name) > SavedFilter._meta.get_field("name").max_length:
        raise ValidationError(_("The name is too long (60 characters at most)."), field="name")
    if len(query) > SavedFilter._meta.get_field("query").max_length:
        raise ValidationError(_("This filter is too long to save."), field="query")
    at = now()
    with transaction.atomic():
        existing = SavedFilter.objects.select_for_update().filter(owner=owner, name=name).first()
        if existing is not None:
            existing.query, existing.updated_at = query, at
            existing.save(update_fields=["query", "updated_at"])
            return existing
        if SavedFilter.objects.filter(owner=owner).count() >= MAX_SAVED_FILTERS:
            raise ValidationError(
                _("You keep %(n)s filters already: delete one first.") % {"n": MAX_SAVED_FILTERS},
                field="name",
            )
        return SavedFilter.objects.create(
            owner=owner, name=name, query=query, created_at=at, updated_at=at
        )


def saved_filter_delete(*, owner: User, filter_id: int) -> None:
    """Delete one of the owner's filters; anyone else's is not found."""
    deleted, _rows = SavedFilter.objects.filter(owner=owner, pk=filter_id).delete()
    if not deleted:
        raise NotFound(_("No such filter."))
