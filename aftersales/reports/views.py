"""Pages of the reports: the dashboard, the field-service report and the monthly PDF of a
customer. For the readers of reports only (selectors.READERS); anyone else signed in gets
404, as for a page that does not exist."""

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from aftersales.core.errors import DomainError, ValidationError
from aftersales.reports import charts, selectors
from aftersales.reports.documents import monthly_report_pdf
from aftersales.reports.tables import dashboard_tables, field_service_tables


def readers_only(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not selectors.reports_allowed(request.user):
            raise Http404(_("No such page."))
        return view(request, *args, **kwargs)

    return wrapper


def _filter(request) -> selectors.ReportFilter:
    """The period and filters asked for; where they do not hold, the default period and a
    message saying why."""
    try:
        return selectors.report_filter_parse(user=request.user, data=request.GET)
    except ValidationError as exc:
        messages.error(request, str(exc))
        return selectors.report_filter(user=request.user)


def _context(request, f: selectors.ReportFilter) -> dict:
    return {
        "f": f,
        "params": f.params(),
        "query": urlencode(f.params()),
        "choices": selectors.filter_choices(f=f),
        "month": _report_month(f).strftime("%Y-%m"),
    }


def _report_month(f: selectors.ReportFilter) -> dt.date:
    """The month the monthly-report picker offers: the period's own when it is a month or
    less, else the last whole month before the period's end."""
    if (f.end - f.start).days <= 31:
        return f.start
    if (f.end + dt.timedelta(days=1)).day == 1:  # the period ends with a whole month
        return f.end
    return f.end.replace(day=1) - dt.timedelta(days=1)


@readers_only
def dashboard(request):
    f = _filter(request)
    board = selectors.dashboard(user=request.user, f=f)
    return render(
        request,
        "reports/dashboard.html",
        {
            **_context(request, f),
            "board": board,
            "tables": dashboard_tables(board),
            "charts": charts.dashboard_charts(board),
        },
    )


@readers_only
def field_service(request):
    f = _filter(request)
    feed = selectors.field_service(user=request.user, f=f)
    return render(
        request,
        "reports/field_service.html",
        {
            **_context(request, f),
            "feed": feed,
            "tables": field_service_tables(feed),
            "charts": charts.field_service_charts(feed),
        },
    )


@readers_only
def monthly_pdf(request):
    """月度服务报告 of ?organisation=CODE for ?month=YYYY-MM."""
    organisation = (request.GET.get("organisation") or "").strip()
    if not organisation:
        raise Http404(_("Choose an organisation for its monthly report."))
    try:
        month = dt.date.fromisoformat(f"{request.GET.get('month', '').strip()}-01")
    except ValueError as exc:
        raise Http404(_("Give the month as YYYY-MM.")) from exc
    try:
        pdf = monthly_report_pdf(user=request.user, organisation=organisation, month=month)
    except ValidationError as exc:
        raise Http404(str(exc)) from exc
    except DomainError as exc:
        return HttpResponse(str(exc), status=exc.status_code, content_type="text/plain")
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"monthly-report-{organisation.upper()}-{month:%Y-%m}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
