"""The reports as an Excel workbook (aftersales.exports): one sheet per table of the
dashboard and of the field-service report, for the period and filters of the dashboard."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.exports.registry import Column, ExportKind, Sheet, register
from aftersales.reports import selectors
from aftersales.reports.tables import dashboard_tables, field_service_tables


class ReportsExport(ExportKind):
    name = "reports"
    label = gettext_lazy("Reports")

    def allowed(self, user: User) -> bool:
        return selectors.reports_allowed(user)

    def _filter(self, user: User, params: dict) -> selectors.ReportFilter:
        return selectors.report_filter_parse(user=user, data=params)

    def clean(self, *, user: User, params: dict) -> dict:
        return self._filter(user, params).params()

    def describe(self, *, user: User, params: dict) -> str:
        try:
            return _("Reports: %(what)s") % {"what": self._filter(user, params).describe()}
        except Exception as exc:  # a filter that no longer holds (a team renamed)
            return str(exc)

    def sheets(self, *, user: User, params: dict) -> list[Sheet]:
        f = self._filter(user, params)
        tables = dashboard_tables(selectors.dashboard(user=user, f=f))
        tables += field_service_tables(selectors.field_service(user=user, f=f))
        return [
            Sheet(
                title=table.title,
                columns=tuple(
                    Column(header, width)
                    for header, width in zip(
                        table.columns,
                        (*table.widths, *(16,) * len(table.columns)),
                        strict=False,
                    )
                ),
                rows=table.rows,
            )
            for table in tables
        ]

    def back_url(self, *, user: User, params: dict) -> str | None:
        return reverse("reports:dashboard") + "?" + urlencode(params)

    def filename(self, *, at: dt.datetime) -> str:
        return _("reports-%(time)s.xlsx") % {"time": timezone.localtime(at).strftime("%Y%m%d-%H%M")}


register(ReportsExport())
