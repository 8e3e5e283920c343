"""Pages of field service: the engineer's visit page (phone-sized), the engineer's list of
visits, and the dispatch panel of the workspace case page. Parse, call, render."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts.models import User
from aftersales.accounts.roles import DESK, STAFF
from aftersales.cases import selectors as case_selectors
from aftersales.core.clock import now
from aftersales.core.errors import DomainError, NotFound
from aftersales.dispatch import selectors, services
from aftersales.dispatch.api.serializers import VisitSerializer
from aftersales.dispatch.choices import ACTIVE, DocumentKind, VisitResult
from aftersales.sla.choices import Metric
from aftersales.sla.selectors import case_clocks


def staff_required(view):
    """Signed-in service staff only; customers read their visits in the portal."""

    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.is_customer or not (request.user.roles & STAFF):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _visit_or_404(request, pk: int):
    try:
        return selectors.visit_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _case_or_404(request, number: str):
    try:
        return case_selectors.case_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(str(exc)) from exc


def _zone(case) -> ZoneInfo:
    return ZoneInfo(case.organisation.time_zone or settings.TIME_ZONE)


@staff_required
def visit_page(request, pk: int):
    """The engineer's page for one visit, made for a phone: depart, arrive, log the work,
    photos, signatures, result. What is entered offline waits on the phone and is sent when
    the connection returns."""
    visit = _visit_or_404(request, pk)
    state = VisitSerializer(visit, context={"request": request, "detail": True}).data
    onsite = [c for c in case_clocks(case=visit.case, now=now()) if c.metric == Metric.ONSITE]
    return render(
        request,
        "dispatch/visit.html",
        {
            "visit": visit,
            "case": visit.case,
            "state": state,
            "onsite": onsite[0] if onsite else None,
            "zone": _zone(visit.case),
            "results": VisitResult.choices,
            "is_engineer": visit.engineer_id == request.user.pk,
        },
    )


@staff_required
def visit_list(request):
    """Visits still to do: an engineer's own; every one for the service desk (its own with
    ?mine=1)."""
    visits = selectors.visit_list(user=request.user).filter(status__in=ACTIVE)
    mine = not (request.user.roles & DESK) or request.GET.get("mine") == "1"
    if mine:
        visits = visits.filter(engineer=request.user)
    return render(
        request,
        "dispatch/visit_list.html",
        {"visits": list(visits.order_by("window_start")[:100]), "mine": mine},
    )


def _desk(request) -> None:
    if not (request.user.roles & DESK):
        raise Http404


@staff_required
def suggestions(request, number: str):
    """htmx: the engineers to suggest for a visit to the case on a day, with the reasons."""
    _desk(request)
    case = _case_or_404(request, number)
    zone = _zone(case)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localtime(now(), zone).date()
    return render(
        request,
        "dispatch/partials/suggestions.html",
        {"case": case, "day": day, "suggestions": selectors.engineer_suggestions(case, day)},
    )


def _moment(day: str, time: str, zone: ZoneInfo) -> dt.datetime | None:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(day), dt.time.fromisoformat(time), zone)
    except (TypeError, ValueError):
        return None


def _window(post, zone: ZoneInfo) -> tuple[dt.datetime | None, dt.datetime | None]:
    """From a day, a start and an end time; an end at or before the start is the next day's
    (22:00–01:00)."""
    start = _moment(post.get("day"), post.get("start"), zone)
    end = _moment(post.get("day"), post.get("end"), zone)
    if start is not None and end is not None and end <= start:
        end += dt.timedelta(days=1)
    return start, end


@staff_required
@require_POST
def schedule(request, number: str):
    """Dispatch a visit from the case page: engineer, day, from, until (the organisation's
    time zone), what to do."""
    case = _case_or_404(request, number)
    zone = _zone(case)
    engineer = None
    username = request.POST.get("engineer", "")
    if username:
        engineer = User.objects.filter(username=username, organisation__isnull=True).first()
    start, end = _window(request.POST, zone)
    try:
        if engineer is None:
            raise DomainError(_("Choose an engineer."), field="engineer")
        visit = services.visit_schedule(
            case=case,
            engineer=engineer,
            start=start,
            end=end,
            actor=request.user,
            purpose=request.POST.get("purpose", ""),
        )
    except DomainError as exc:
        messages.error(request, _("The visit was not scheduled: %(error)s") % {"error": exc})
    else:
        messages.success(
            request,
            _("Visit %(number)s scheduled for %(engineer)s.")
            % {"number": visit.number, "engineer": visit.engineer},
        )
    return redirect("workspace:case", number=case.number)


@staff_required
@require_POST
def cancel(request, pk: int):
    visit = _visit_or_404(request, pk)
    try:
        services.visit_cancel(
            visit=visit, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, _("The visit was not cancelled: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Visit %(number)s cancelled.") % {"number": visit.number})
    return redirect("workspace:case", number=visit.case.number)


@staff_required
@require_POST
def reschedule(request, pk: int):
    visit = _visit_or_404(request, pk)
    zone = _zone(visit.case)
    start, end = _window(request.POST, zone)
    try:
        services.visit_reschedule(
            visit=visit,
            actor=request.user,
            start=start,
            end=end,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, _("The visit was not moved: %(error)s") % {"error": exc})
    else:
        messages.success(request, _("Visit %(number)s moved.") % {"number": visit.number})
    return redirect("workspace:case", number=visit.case.number)


@staff_required
@require_POST
def document(request, number: str, kind: str):
    """Make a fault diagnosis report or a major-fault analysis report and archive it."""
    if kind not in DocumentKind.values:
        raise Http404
    case = _case_or_404(request, number)
    fields = {
        key: request.POST.get(key, "")
        for key in (
            "site_situation",
            "fault_level",
            "emergency_handling",
            "diagnosis",
            "impact",
            "cause",
            "measures",
        )
    }
    try:
        attachment = services.case_document_issue(
            case=case,
            actor=request.user,
            kind=kind,
            fields=fields,
            visibility=request.POST.get("visibility", "public"),
        )
    except DomainError as exc:
        messages.error(
            request,
            _("%(document)s was not made: %(error)s")
            % {"document": DocumentKind(kind).label, "error": exc},
        )
    else:
        messages.success(
            request, _("%(name)s is archived on the case.") % {"name": attachment.name}
        )
    return redirect("workspace:case", number=case.number)
