"""The monthly service report of one customer (月度服务报告) as a PDF in Chinese, made with
the documents machinery of dispatch (WeasyPrint and the Noto CJK font) from
reports/pdf/monthly.zh-hans.html."""

import datetime as dt

from django.utils import timezone, translation

from aftersales.accounts.models import User
from aftersales.cases.models import Case
from aftersales.core.clock import now
from aftersales.dispatch.documents import language, render_pdf
from aftersales.reports import selectors
from aftersales.reports.tables import percent

CASE_ROWS = 200


def _at(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment, selectors.zone()).strftime("%Y-%m-%d %H:%M") if moment else ""


def _top(rows: list, n: int = 10) -> list:
    return rows[:n]


def monthly_context(*, user: User, organisation: str, month: dt.date) -> dict:
    """What the monthly report says: the dashboard's figures for one organisation and one
    month, and the month's cases (the first CASE_ROWS)."""
    first, last = selectors.month_bounds(month)
    f = selectors.report_filter(user=user, start=first, end=last, organisation=organisation)
    d = selectors.dashboard(user=user, f=f)
    fs = selectors.field_service(user=user, f=f)
    cases = list(
        Case.objects.filter(
            organisation=f.organisation, reported_at__gte=f.start_at, reported_at__lt=f.end_at
        )
        .select_related("site", "assignee")
        .order_by("reported_at", "id")[: CASE_ROWS + 1]
    )
    return {
        "organisation": f.organisation,
        "month": first,
        "first": first,
        "last": last,
        "summary": d.summary,
        "resolution_rate": percent(d.summary.resolution_rate),
        "on_time_rate": percent(d.summary.on_time_rate),
        "times": [t for t in d.times if t.count],
        "breaches": d.breaches,
        "breach_total": sum(b.breaches for b in d.breaches),
        "satisfaction": d.satisfaction,
        "ratings": sorted(d.satisfaction.distribution.items(), reverse=True),
        "by_type": d.faults["type"],
        "by_cause": _top(d.faults["cause"]),
        "by_category": _top(d.faults["category"]),
        "by_site": _top(d.faults["site"]),
        "by_model": _top(d.faults["model"]),
        "major": d.major_faults,
        "major_rows": [
            {**m.__dict__, "reported": _at(m.reported_at), "resolved": _at(m.resolved_at)}
            for m in d.major_faults.rows
        ],
        "complaints": sum(m.count for m in d.complaints),
        "field": fs,
        "arrival_rate": percent(fs.arrival_rate),
        "parts": fs.parts_by_case,
        "loans": fs.loans_out,
        "cases": [
            {
                "number": c.number,
                "title": c.title,
                "severity": c.severity,
                "status": c.get_status_display(),
                "site": c.site.name if c.site_id else "",
                "reported": _at(c.reported_at),
                "resolved": _at(c.resolved_at),
                "engineer": str(c.assignee) if c.assignee_id else "",
            }
            for c in cases[:CASE_ROWS]
        ],
        "more_cases": len(cases) > CASE_ROWS,
        "made_at": _at(now()),
    }


def monthly_report_pdf(*, user: User, organisation: str, month: dt.date) -> bytes:
    """月度服务报告 of `organisation` (its code) for `month`, in Chinese."""
    with translation.override(language()):
        context = monthly_context(user=user, organisation=organisation, month=month)
        return render_pdf("monthly", context, folder="reports/pdf")
