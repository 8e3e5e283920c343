"""Writes of exports: ask for one (checked now, written later by the worker), write it in
batches with its progress, and tidy up what is stale or old."""

import contextlib
import datetime as dt
import logging
import tempfile
import uuid
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from aftersales.accounts.models import User
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, DomainError, Forbidden, ValidationError
from aftersales.exports.choices import UNFINISHED, ExportStatus
from aftersales.exports.models import ExportJob
from aftersales.exports.registry import ExportKind, Sheet, kind_get

logger = logging.getLogger(__name__)

BATCH = 1000
# A running export updates its row every batch; one silent this long lost its worker.
STALE_AFTER = dt.timedelta(minutes=10)
# A queued export nobody took this long after asking (the queue was down): ask again.
REQUEUE_AFTER = dt.timedelta(minutes=2)
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_start(*, owner: User, kind: str, params: dict) -> ExportJob:
    """Ask for an export: the parameters are checked now, the rows written by the worker."""
    spec = kind_get(kind)
    if not spec.allowed(owner):
        raise Forbidden(_("You may not make this export."), code="not_permitted")
    cleaned = spec.clean(user=owner, params=params)
    at = now()
    with transaction.atomic():
        unfinished = ExportJob.objects.filter(owner=owner, status__in=UNFINISHED).count()
        if unfinished >= settings.EXPORT_MAX_UNFINISHED:
            raise Conflict(
                _("You have %(n)s exports under way already: wait for one to finish.")
                % {"n": unfinished},
                code="too_many_exports",
            )
        job = ExportJob.objects.create(
            owner=owner,
            kind=spec.name,
            params=cleaned,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            created_at=at,
            updated_at=at,
        )
        transaction.on_commit(partial(_enqueue, job.pk), robust=True)
    return job


def export_repeat(*, owner: User, job: ExportJob) -> ExportJob:
    """The same export again (after a failure, or for fresh rows)."""
    if job.owner_id != owner.pk:
        raise Forbidden(_("You may not make this export."), code="not_permitted")
    return export_start(owner=owner, kind=job.kind, params=job.params)


def _enqueue(job_id: int) -> None:
    from aftersales.exports.tasks import write_export

    write_export(job_id)


def export_run(*, job_id: int) -> ExportJob | None:
    """Write one queued export (the worker's task). Claims it first, so that a job queued
    twice is written once. A failure is recorded on the job, never lost: its owner reads why
    and may try again."""
    at = now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, started_at=at, updated_at=at
    )
    if not claimed:
        return None
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            _write(job)
        except DomainError as exc:
            _fail(job, str(exc))
        except Exception:
            logger.exception("Export %s (%s) failed", job.pk, job.kind)
            _fail(
                job,
                _(
                    "Something went wrong while writing the file. Try again; if it fails "
                    "again, tell your administrator (export %(id)s)."
                )
                % {"id": job.pk},
            )
    job.refresh_from_db()
    return job


def _write(job: ExportJob) -> None:
    spec = kind_get(job.kind)
    owner = job.owner
    if not spec.allowed(owner):
        raise Forbidden(_("You may no longer make this export."), code="not_permitted")
    sheets = spec.sheets(user=owner, params=job.params)
    if sheets is None:
        total = spec.count(user=owner, params=job.params)
    else:
        total = sum(len(sheet.rows) for sheet in sheets)
    if total > settings.EXPORT_MAX_ROWS:
        raise ValidationError(
            _(
                "%(total)s rows are more than an export holds (%(max)s). Narrow the filters "
                "and export again."
            )
            % {"total": total, "max": settings.EXPORT_MAX_ROWS}
        )
    ExportJob.objects.filter(pk=job.pk).update(total=total, updated_at=now())
    workdir = Path(settings.VAR_DIR) / "tmp"
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(suffix=".xlsx", dir=workdir) as scratch:
        if sheets is None:
            done = _workbook(job, spec, scratch.name)
        else:
            done = _workbook_of_sheets(sheets, scratch.name)
        scratch.seek(0)
        stored = default_storage.save(
            f"exports/{job.owner_id}/{uuid.uuid4().hex}.xlsx", File(scratch)
        )
    finished = now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.DONE,
        file=stored,
        filename=spec.filename(at=job.created_at),
        done=done,
        total=done,
        error="",
        updated_at=finished,
        finished_at=finished,
    )


def _workbook(job: ExportJob, spec: ExportKind, path: str) -> int:
    """Write the rows to an .xlsx file in write-only mode: each row goes to disk as it comes,
    so memory stays bounded whatever the number of rows."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(str(spec.label)))
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in spec.columns:
        cell = WriteOnlyCell(sheet, value=_text(str(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    done = 0
    try:
        for rows in spec.rows(user=job.owner, params=job.params, batch=BATCH):
            for values in rows:
                sheet.append([_cell(sheet, value) for value in values])
            done += len(rows)
            ExportJob.objects.filter(pk=job.pk).update(done=done, updated_at=now())
    except BaseException:
        with contextlib.suppress(Exception):
            sheet.close()  # finish the half-written sheet's stream; the file is dropped
        raise
    book.save(path)
    return done


def _workbook_of_sheets(sheets: list[Sheet], path: str) -> int:
    """Several small sheets, each with its header row."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    done = 0
    for spec in sheets:
        sheet = book.create_sheet(title=_sheet_title(str(spec.title)))
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in spec.columns:
            cell = WriteOnlyCell(sheet, value=_text(str(column.header)))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for values in spec.rows:
            sheet.append([_cell(sheet, value) for value in values])
        done += len(spec.rows)
    book.save(path)
    return done


def _sheet_title(label: str) -> str:
    cleaned = "".join(ch for ch in label if ch not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"


def _text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _cell(sheet, value):
    """A value as a cell. Text stays text: a title starting with "=" is never a formula,
    and control characters Excel refuses are dropped."""
    if not isinstance(value, str):
        return value
    value = _text(value)
    if value.startswith("=") or value in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _fail(job: ExportJob, message: str) -> None:
    at = now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.FAILED, error=message, updated_at=at, finished_at=at
    )


def exports_tidy(*, keep_days: int | None = None) -> dict[str, int]:
    """The worker's housekeeping: exports whose worker died fail (their owner may try again),
    exports nobody took are queued again, and finished ones past their keeping time are
    deleted with their files."""
    at = now()
    keep = dt.timedelta(days=settings.EXPORT_KEEP_DAYS if keep_days is None else keep_days)
    stale = ExportJob.objects.filter(
        status=ExportStatus.RUNNING, updated_at__lt=at - STALE_AFTER
    ).update(
        status=ExportStatus.FAILED,
        error=_("The worker stopped while writing this export. Try again."),
        updated_at=at,
        finished_at=at,
    )
    waiting = list(
        ExportJob.objects.filter(
            status=ExportStatus.QUEUED, updated_at__lt=at - REQUEUE_AFTER
        ).values_list("pk", flat=True)[:100]
    )
    for pk in waiting:
        ExportJob.objects.filter(pk=pk).update(updated_at=at)
        _enqueue(pk)
    old = ExportJob.objects.filter(
        status__in=[ExportStatus.DONE, ExportStatus.FAILED], finished_at__lt=at - keep
    ).order_by("pk")[:500]
    deleted = 0
    for job in old:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return {"stale": stale, "requeued": len(waiting), "deleted": deleted}
