"""The export kinds this app provides. `case_list`: the workspace's case list, with its
filters and order, as a spreadsheet."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF
from aftersales.cases.filters import NOBODY, CaseFilterForm, case_ordering
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_search
from aftersales.core.errors import ValidationError
from aftersales.core.paging import keyset_batches
from aftersales.exports.registry import Column, ExportKind, register
from aftersales.sla.choices import Metric
from aftersales.sla.models import CaseClock


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """Excel has no time zones: the reader's local time, naive."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


class CaseListExport(ExportKind):
    name = "case_list"
    label = gettext_lazy("Cases")
    columns = (
        Column(gettext_lazy("Number"), 18),
        Column(gettext_lazy("Title"), 40),
        Column(gettext_lazy("Organisation code"), 12),
        Column(gettext_lazy("Organisation"), 28),
        Column(gettext_lazy("Severity"), 9),
        Column(gettext_lazy("State"), 14),
        Column(gettext_lazy("Owner"), 14),
        Column(gettext_lazy("Team"), 16),
        Column(gettext_lazy("Vendor"), 14),
        Column(gettext_lazy("Case type"), 12),
        Column(gettext_lazy("Channel"), 12),
        Column(gettext_lazy("Reported at"), 18),
        Column(gettext_lazy("Resolved at"), 18),
        Column(gettext_lazy("Closed at"), 18),
        Column(gettext_lazy("Breached clocks"), 24),
        Column(gettext_lazy("Updated"), 18),
    )

    def allowed(self, user: User) -> bool:
        """Whoever reads cases: staff, and customer contacts (their organisation's)."""
        if not user.is_authenticated or not user.is_active:
            return False
        return user.is_customer or bool(user.roles & STAFF)

    def _form(self, user: User, params: dict) -> CaseFilterForm:
        query = params.get("query", "")
        if not isinstance(query, str):
            raise ValidationError(_("The filters are not a query string."), field="query")
        form = CaseFilterForm(QueryDict(query), user=user)
        if not form.is_valid():
            problems = "; ".join(
                f"{form.fields[name].label}: {' '.join(messages)}"
                if name in form.fields
                else " ".join(messages)
                for name, messages in form.errors.items()
            )
            raise ValidationError(
                _("The filters are not valid: %(problems)s") % {"problems": problems},
                field="query",
            )
        return form

    def clean(self, *, user: User, params: dict) -> dict:
        return {"query": self._form(user, params).query_string()}

    def describe(self, *, user: User, params: dict) -> str:
        try:
            form = self._form(user, params)
        except ValidationError as exc:
            return str(exc)
        data = form.cleaned_data
        parts = []
        for name in ("status", "severity", "case_type"):
            if data.get(name):
                labels = dict(form.fields[name].choices)
                values = ", ".join(str(labels.get(v, v)) for v in data[name])
                parts.append(f"{form.fields[name].label}: {values}")
        for name in ("vendor", "team", "assignee"):
            if data.get(name):
                labels = dict(form.fields[name].choices)
                value = _("nobody yet") if data[name] == NOBODY else labels.get(data[name])
                parts.append(f"{form.fields[name].label}: {value}")
        if data.get("organisation"):
            parts.append(f"{form.fields['organisation'].label}: {data['organisation'].upper()}")
        for field, label in (("created", _("Created")), ("reported", _("Reported"))):
            start, end = data.get(f"{field}_from"), data.get(f"{field}_to")
            if start or end:
                parts.append(
                    f"{label}: {start.isoformat() if start else '…'} – "
                    f"{end.isoformat() if end else '…'}"
                )
        return "; ".join(parts) or _("All cases you may see")

    def _cases(self, user: User, params: dict):
        filters = self._form(user, params).cleaned_data
        return case_search(user=user, filters=filters), case_ordering(filters["sort"])

    def count(self, *, user: User, params: dict) -> int:
        cases, _ordering = self._cases(user, params)
        return cases.order_by().count()

    def rows(self, *, user: User, params: dict, batch: int) -> Iterator[list[tuple]]:
        cases, ordering = self._cases(user, params)
        metric_labels = dict(Metric.choices)
        metric_order = list(Metric.values)
        for chunk in keyset_batches(cases, ordering, size=batch):
            breached = defaultdict(list)
            clocks = CaseClock.objects.filter(case_id__in=[c.pk for c in chunk], breached=True)
            for case_id, metric in clocks.values_list("case_id", "metric"):
                breached[case_id].append(metric)
            yield [self._row(c, breached[c.pk], metric_labels, metric_order) for c in chunk]

    @staticmethod
    def _row(case: Case, breached: list[str], labels: dict, order: list[str]) -> tuple:
        metrics = sorted(breached, key=lambda m: order.index(m) if m in order else len(order))
        return (
            case.number,
            case.title,
            case.organisation.code,
            case.organisation.name,
            case.severity,
            case.get_status_display(),
            str(case.assignee) if case.assignee_id else "",
            case.team.name if case.team_id else "",
            case.vendor.name if case.vendor_id else "",
            case.get_case_type_display(),
            case.get_channel_display(),
            _local(case.reported_at),
            _local(case.resolved_at),
            _local(case.closed_at),
            ", ".join(str(labels.get(m, m)) for m in metrics),
            _local(case.updated_at),
        )

    def back_url(self, *, user: User, params: dict) -> str | None:
        if user.is_customer:
            return reverse("portal:home")  # the portal's list of requests
        query = params.get("query") or ""
        return reverse("workspace:case-list") + (f"?{query}" if query else "")

    def filename(self, *, at: dt.datetime) -> str:
        return _("cases-%(time)s.xlsx") % {"time": timezone.localtime(at).strftime("%Y%m%d-%H%M")}


register(CaseListExport())
