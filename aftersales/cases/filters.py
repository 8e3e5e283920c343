"""Filters and sorting of case lists, read from a query string.

One parser for every list of cases that is a URL: the workspace's list, the exports made from
it (which must hold exactly the rows the list shows), and whoever else lists cases. The
cleaned filters are applied by `cases.selectors.case_search`, always on top of what the
reader may see.
"""

import datetime as dt

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import ENGINEERS
from aftersales.cases.choices import OPEN, CaseType, Severity, Status
from aftersales.cases.models import status_rank
from aftersales.core.paging import Ordering
from aftersales.customers.models import Vendor
from aftersales.customers.selectors import organisation_queryset

NOBODY = "-"

# key -> (columns, the direction a first click asks for: newest, most severe first...)
SORTS: dict[str, tuple[tuple[str, ...], bool]] = {
    "number": (("number",), True),
    "reported_at": (("reported_at", "id"), True),
    "severity": (("severity", "id"), False),
    "status": (("status_rank", "id"), False),
    "updated_at": (("updated_at", "id"), True),
}
DEFAULT_SORT = "-number"
SORT_CHOICES = [(key, key) for name in SORTS for key in (name, f"-{name}")]

# Workflow order, for sorting by state: new first, cancelled last.
STATUS_RANK = status_rank()


class SplitMultipleChoiceField(forms.MultipleChoiceField):
    """Several values, given as repeated parameters (status=new&status=assigned) or
    comma-separated (status=new,assigned)."""

    def to_python(self, value):
        values = super().to_python(value)
        return [part.strip() for item in values for part in item.split(",") if part.strip()]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for item in value:
            if not self.valid_value(item):
                raise forms.ValidationError(
                    _("Unknown value “%(value)s”.") % {"value": item}, code="invalid_choice"
                )


class CaseFilterForm(forms.Form):
    """The filters of a case list. `user` scopes what names may be looked up (a customer
    contact may not filter by another organisation's code)."""

    status = SplitMultipleChoiceField(
        label=gettext_lazy("State"), choices=Status.choices, required=False
    )
    severity = SplitMultipleChoiceField(
        label=gettext_lazy("Severity"), choices=Severity.choices, required=False
    )
    case_type = SplitMultipleChoiceField(
        label=gettext_lazy("Case type"), choices=CaseType.choices, required=False
    )
    vendor = forms.ChoiceField(label=gettext_lazy("Vendor"), required=False)
    team = forms.ChoiceField(label=gettext_lazy("Team"), required=False)
    assignee = forms.ChoiceField(label=gettext_lazy("Owner"), required=False)
    organisation = forms.CharField(
        label=gettext_lazy("Organisation (code)"), max_length=64, required=False
    )
    created_from = forms.DateField(label=gettext_lazy("Created from"), required=False)
    created_to = forms.DateField(label=gettext_lazy("Created until"), required=False)
    reported_from = forms.DateField(label=gettext_lazy("Reported from"), required=False)
    reported_to = forms.DateField(label=gettext_lazy("Reported until"), required=False)
    sort = forms.ChoiceField(
        label=gettext_lazy("Sort"), choices=SORT_CHOICES, required=False, initial=DEFAULT_SORT
    )

    def __init__(self, data=None, *, user: User):
        super().__init__(data)
        self.user = user
        self.vendors = list(Vendor.objects.only("code", "name").order_by("name"))
        self.teams = list(Team.objects.only("code", "name", "is_active").order_by("name"))
        self.engineers = list(
            User.objects.filter(organisation__isnull=True, groups__name__in=ENGINEERS)
            .distinct()
            .only("username", "display_name", "first_name", "last_name", "is_active")
            .order_by("username")
        )
        self.fields["vendor"].choices = [("", "")] + [(v.code, v.name) for v in self.vendors]
        self.fields["team"].choices = [("", "")] + [(t.code, t.name) for t in self.teams]
        self.fields["assignee"].choices = [("", ""), (NOBODY, _("nobody yet"))] + [
            (u.username, str(u)) for u in self.engineers
        ]

    def clean_organisation(self) -> str:
        code = (self.cleaned_data.get("organisation") or "").strip()
        if code and not organisation_queryset(user=self.user).filter(code__iexact=code).exists():
            raise forms.ValidationError(_("Unknown organisation “%(code)s”.") % {"code": code})
        return code

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or DEFAULT_SORT

    def clean(self):
        data = super().clean()
        for start, end in (("created_from", "created_to"), ("reported_from", "reported_to")):
            if data.get(start) and data.get(end) and data[start] > data[end]:
                self.add_error(end, _("The end of the range is before its start."))
        return data

    @property
    def chosen(self) -> dict[str, list[str]]:
        """The values asked for in the multiple-choice filters, valid or not, to show them
        checked again."""
        return {
            name: self.fields[name].to_python(self.data.getlist(name))
            if hasattr(self.data, "getlist")
            else self.fields[name].to_python(self.data.get(name))
            for name in ("status", "severity", "case_type")
        }

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(
            value for name, value in self.cleaned_data.items() if name != "sort"
        )

    def query_string(self, *, sort: str | None = None, **changes) -> str:
        """The cleaned filters as a query string: what a saved filter and an export keep,
        and what the list's links carry. `sort` and `changes` replace values."""
        return filters_query_string({**self.cleaned_data, **changes}, sort=sort)


def filters_query_string(data: dict, *, sort: str | None = None) -> str:
    query = QueryDict(mutable=True)
    for name in CaseFilterForm.base_fields:
        value = data.get(name)
        if name == "sort":
            value = sort or value
            if not value or value == DEFAULT_SORT:
                continue
        if isinstance(value, list | tuple):
            query.setlist(name, [str(v) for v in value])
        elif isinstance(value, dt.date):
            query[name] = value.isoformat()
        elif value:
            query[name] = str(value)
    return query.urlencode()


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def case_filter(queryset: QuerySet, data: dict) -> QuerySet:
    """Apply cleaned filters (CaseFilterForm.cleaned_data). Dates are whole days in the
    current time zone, both ends included."""
    if data.get("status"):
        queryset = queryset.filter(status__in=data["status"])
    if data.get("severity"):
        queryset = queryset.filter(severity__in=data["severity"])
    if data.get("case_type"):
        queryset = queryset.filter(case_type__in=data["case_type"])
    if data.get("vendor"):
        queryset = queryset.filter(vendor__code=data["vendor"])
    if data.get("team"):
        queryset = queryset.filter(team__code=data["team"])
    if data.get("assignee") == NOBODY:
        queryset = queryset.filter(assignee__isnull=True)
    elif data.get("assignee"):
        queryset = queryset.filter(assignee__username=data["assignee"])
    if data.get("organisation"):
        queryset = queryset.filter(organisation__code__iexact=data["organisation"])
    for field in ("created", "reported"):
        start, end = data.get(f"{field}_from"), data.get(f"{field}_to")
        if start:
            queryset = queryset.filter(**{f"{field}_at__gte": _start_of(start)})
        if end:
            queryset = queryset.filter(**{f"{field}_at__lt": _start_of(end + dt.timedelta(days=1))})
    return queryset


def case_ordering(sort: str) -> Ordering:
    descending = sort.startswith("-")
    columns, _default = SORTS.get(sort.lstrip("-"), SORTS["number"])
    return Ordering(columns, descending=descending)


def sort_toggle(current: str, column: str) -> str:
    """Where a click on a column's header leads: the other direction if the list is sorted
    by it already, else the column's natural direction."""
    if current.lstrip("-") == column:
        return column if current.startswith("-") else f"-{column}"
    _columns, descending = SORTS[column]
    return f"-{column}" if descending else column


OPEN_STATES = [value for value in Status.values if value in OPEN]
