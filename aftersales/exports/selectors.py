"""Reads of exports: a person's own, never anyone else's."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import NotFound
from aftersales.exports.models import ExportJob


def export_list(*, user: User) -> QuerySet[ExportJob]:
    if not user.is_authenticated or not user.is_active:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(owner_id=user.pk).order_by("-id")


def export_get(*, user: User, job_id: int) -> ExportJob:
    """One of the reader's exports; anyone else's is not found."""
    found = export_list(user=user).filter(pk=job_id).first()
    if found is None:
        raise NotFound(_("No such export."))
    return found
