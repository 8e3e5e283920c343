"""Pages of exports: ask for one, watch it being written, download it. Anyone signed in may
export what they may read (the portal reuses these pages); only the owner sees a job."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from aftersales.core.decorators import safe_next, signed_in_fragment
from aftersales.core.errors import DomainError, NotFound
from aftersales.exports import selectors, services
from aftersales.exports.choices import ExportStatus
from aftersales.exports.registry import KINDS, kind_get
from aftersales.exports.services import CONTENT_TYPE

PARAMETERS_NOT_PASSED = frozenset({"csrfmiddlewaretoken", "kind", "next"})


def _job_or_404(request, pk: int):
    try:
        return selectors.export_get(user=request.user, job_id=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


@login_required
def export_list(request):
    jobs = list(selectors.export_list(user=request.user)[:50])
    for job in jobs:
        job.kind_label = KINDS[job.kind].label if job.kind in KINDS else job.kind
    return render(
        request, "exports/list.html", {"jobs": jobs, "keep_days": settings.EXPORT_KEEP_DAYS}
    )


@login_required
@require_POST
def export_start(request):
    params = {k: v for k, v in request.POST.items() if k not in PARAMETERS_NOT_PASSED}
    try:
        job = services.export_start(
            owner=request.user, kind=request.POST.get("kind", ""), params=params
        )
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        messages.error(request, str(exc))
        back = safe_next(request, request.POST.get("next") or request.headers.get("Referer"))
        return redirect(back or "exports:list")
    return redirect("exports:detail", pk=job.pk)


def _detail_context(request, job) -> dict:
    try:
        kind = kind_get(job.kind)
    except NotFound:
        kind = None
    return {
        "job": job,
        "kind": kind,
        "description": kind.describe(user=request.user, params=job.params) if kind else "",
        "back_url": kind.back_url(user=request.user, params=job.params) if kind else None,
    }


@login_required
def export_detail(request, pk: int):
    job = _job_or_404(request, pk)
    return render(request, "exports/detail.html", _detail_context(request, job))


@signed_in_fragment
def export_progress(request, pk: int):
    """Polled by the export's page until the file is written (or writing failed)."""
    job = _job_or_404(request, pk)
    return render(request, "exports/partials/progress.html", {"job": job})


@login_required
def export_download(request, pk: int):
    job = _job_or_404(request, pk)
    if job.status != ExportStatus.DONE or not job.file:
        raise Http404
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=job.filename, content_type=CONTENT_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def export_again(request, pk: int):
    job = _job_or_404(request, pk)
    try:
        again = services.export_repeat(owner=request.user, job=job)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("exports:detail", pk=job.pk)
    return redirect("exports:detail", pk=again.pk)
