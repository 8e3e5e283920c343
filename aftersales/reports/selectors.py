"""The figures of the reports and the dashboard, for service staff only.

Every report reads one period, `start` to `end` (days included, in the service's time zone,
Asia/Shanghai), and optionally one organisation, project and team (the case's). Each selector
runs a fixed number of aggregate queries (GROUP BY in the database, never a loop over cases),
whatever the data size; `dashboard` gathers them all.

Definitions (see docs/decisions/0011-reports.md):

- Cases counted are those *reported* in the period, cancelled cases and duplicates (linked to
  a master incident) left out; a case is resolved when it carries a resolution (resolved or
  closed; reopening takes it back).
- Resolution rate: resolved / counted.
- On-time repair rate: fault cases *resolved* in the period whose resolution clock was not
  breached (resolved at or before its due time) / fault cases resolved in the period; a case
  whose policy sets no resolution target has no due time to miss and counts as on time.
- First response and resolution times: from the report to the clock's stop (wall-clock time),
  per severity, for clocks stopped in the period; median and average.
- SLA breaches: clocks whose due time passed in the period without being met, per clock kind.
- Satisfaction: survey answers given in the period.
- Complaints: complaint cases (not cancelled) reported, per month.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import Team, User
from aftersales.accounts.roles import MANAGERS, Role
from aftersales.cases.choices import CaseType, Cause, Severity, Status
from aftersales.cases.models import Case
from aftersales.core.clock import now
from aftersales.core.errors import NotFound, ValidationError
from aftersales.customers.choices import Category
from aftersales.customers.models import AssetModel, Organisation, Project
from aftersales.dispatch.choices import VisitStatus
from aftersales.dispatch.models import Visit
from aftersales.feedback.choices import RATINGS
from aftersales.feedback.models import Survey
from aftersales.sla.choices import Metric
from aftersales.sla.models import CaseClock

# Who reads the reports: the managers, the service desk, the quality manager, administrators.
# Engineers, the spare-parts admin and customers do not: for them the pages do not exist (404).
READERS = frozenset({*MANAGERS, Role.DISPATCHER, Role.QUALITY_MANAGER, Role.ADMINISTRATOR})
# The longest period a report covers.
MAX_DAYS = 366 * 3
MAJOR_FAULT_ROWS = 100


def reports_allowed(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_customer
        and bool(user.roles & READERS)
    )


def _check(user: User) -> None:
    if not reports_allowed(user):
        raise NotFound(_("No such page."))


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone())


def _local_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return (
            timezone.localtime(value, zone()).date() if timezone.is_aware(value) else value.date()
        )
    return value


# --- the period and the filters -----------------------------------------------------------


@dataclass(frozen=True)
class ReportFilter:
    """What a report covers: days `start` to `end` included, and optionally one
    organisation, project and team."""

    start: dt.date
    end: dt.date
    organisation: Organisation | None = None
    project: Project | None = None
    team: Team | None = None

    @property
    def start_at(self) -> dt.datetime:
        return _day_start(self.start)

    @property
    def end_at(self) -> dt.datetime:
        """The first moment after the period."""
        return _day_start(self.end + dt.timedelta(days=1))

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.pk if self.organisation else None

    def params(self) -> dict:
        """As the dashboard's query string and an export's parameters."""
        values = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.organisation:
            values["organisation"] = self.organisation.code
        if self.project:
            values["project"] = str(self.project.pk)
        if self.team:
            values["team"] = self.team.code
        return values

    def describe(self) -> str:
        parts = [f"{self.start.isoformat()} – {self.end.isoformat()}"]
        if self.organisation:
            parts.append(f"{self.organisation.code} {self.organisation.name}")
        if self.project:
            parts.append(self.project.name)
        if self.team:
            parts.append(self.team.name)
        return " · ".join(parts)


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The twelve months up to today: from the first day of the month eleven months ago."""
    today = today or timezone.localtime(now(), zone()).date()
    month = today.month - 11
    year = today.year
    if month < 1:
        month += 12
        year -= 1
    return dt.date(year, month, 1), today


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def report_filter(
    *,
    user: User,
    start: dt.date | None = None,
    end: dt.date | None = None,
    organisation: str | None = None,
    project: str | int | None = None,
    team: str | None = None,
) -> ReportFilter:
    """The checked period and filters: `organisation` by code, `project` by id (of that
    organisation, when one is given), `team` by code."""
    _check(user)
    default_start, default_end = default_period()
    start, end = start or default_start, end or default_end
    if end < start:
        raise ValidationError(_("The period must end on or after its first day."), field="end")
    if (end - start).days >= MAX_DAYS:
        raise ValidationError(
            _("A report covers at most %(days)s days.") % {"days": MAX_DAYS}, field="end"
        )
    org = None
    if organisation:
        org = Organisation.objects.filter(code__iexact=str(organisation).strip()).first()
        if org is None:
            raise ValidationError(_("No such organisation."), field="organisation")
    proj = None
    if project not in (None, ""):
        projects = Project.objects.select_related("organisation")
        if org is not None:
            projects = projects.filter(organisation=org)
        try:
            proj = projects.filter(pk=int(project)).first()
        except (TypeError, ValueError):
            proj = None
        if proj is None:
            raise ValidationError(_("No such project."), field="project")
    grp = None
    if team:
        grp = Team.objects.filter(code=str(team).strip()).first()
        if grp is None:
            raise ValidationError(_("No such team."), field="team")
    return ReportFilter(start=start, end=end, organisation=org, project=proj, team=grp)


def _parse_day(value, field_name: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ValidationError(
            _("Give the day as YYYY-MM-DD, e.g. 2026-03-31."), field=field_name
        ) from exc


def report_filter_parse(*, user: User, data) -> ReportFilter:
    """The filter from a query string or an export's parameters (start, end as YYYY-MM-DD,
    organisation code, project id, team code; a `month` YYYY-MM instead of start and end)."""
    month = (data.get("month") or "").strip()
    if month:
        try:
            first = dt.date.fromisoformat(f"{month}-01")
        except ValueError as exc:
            raise ValidationError(_("Give the month as YYYY-MM."), field="month") from exc
        start, end = month_bounds(first)
    else:
        start = _parse_day(data.get("start"), "start")
        end = _parse_day(data.get("end"), "end")
    return report_filter(
        user=user,
        start=start,
        end=end,
        organisation=data.get("organisation") or None,
        project=data.get("project") or None,
        team=data.get("team") or None,
    )


def filter_choices(*, f: ReportFilter) -> dict:
    """The filters' options: organisations and teams by code, and the projects of the chosen
    organisation. Two or three queries."""
    projects = []
    if f.organisation is not None:
        projects = list(
            Project.objects.filter(organisation=f.organisation)
            .order_by("name")
            .values_list("pk", "name")
        )
    return {
        "organisations": list(Organisation.objects.order_by("code").values_list("code", "name")),
        "teams": list(Team.objects.order_by("code").values_list("code", "name")),
        "projects": projects,
    }


def _scoped(queryset: QuerySet, f: ReportFilter, prefix: str = "") -> QuerySet:
    """`queryset` narrowed to the filter's organisation, project and team; `prefix` leads
    from its rows to their case ("case__"), empty for cases."""
    if f.organisation is not None:
        queryset = queryset.filter(**{f"{prefix}organisation_id": f.organisation.pk})
    if f.project is not None:
        queryset = queryset.filter(**{f"{prefix}project_id": f.project.pk})
    if f.team is not None:
        queryset = queryset.filter(**{f"{prefix}team_id": f.team.pk})
    return queryset


def _counted(f: ReportFilter) -> QuerySet[Case]:
    """The cases a report counts, before its own period condition: not cancelled, not a
    duplicate."""
    return _scoped(
        Case.objects.order_by().exclude(status=Status.CANCELLED).filter(master__isnull=True), f
    )


def _reported(f: ReportFilter) -> QuerySet[Case]:
    return _counted(f).filter(reported_at__gte=f.start_at, reported_at__lt=f.end_at)


def _resolved_faults(f: ReportFilter) -> QuerySet[Case]:
    return _counted(f).filter(
        case_type=CaseType.FAULT, resolved_at__gte=f.start_at, resolved_at__lt=f.end_at
    )


def _late_resolution() -> Exists:
    """The case's resolution clock was breached: flagged, or stopped after its due time."""
    return Exists(
        CaseClock.objects.filter(case=OuterRef("pk"), metric=Metric.RESOLUTION).filter(
            Q(breached=True) | Q(met_at__gt=F("due_at"))
        )
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


class Seconds(Func):
    """Seconds from the second expression to the first, as a float, in SQL."""

    arg_joiner = " - "
    template = "CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)"
    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra,
        )


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 2) if seconds is not None else None


# --- the headline figures -------------------------------------------------------------------


@dataclass
class Summary:
    reported: int
    resolved: int
    resolution_rate: float | None
    faults_resolved: int
    faults_on_time: int
    on_time_rate: float | None
    open: int


def summary(*, user: User, f: ReportFilter) -> Summary:
    """Resolution rate of the cases reported in the period and on-time repair rate of the
    fault cases resolved in it. Two queries."""
    _check(user)
    reported = _reported(f).aggregate(
        reported=Count("id"),
        resolved=Count("id", filter=Q(resolved_at__isnull=False)),
        open=Count("id", filter=Q(resolved_at__isnull=True) & ~Q(status=Status.CLOSED)),
    )
    on_time = _resolved_faults(f).aggregate(
        resolved=Count("id"), late=Count("id", filter=Q(_late_resolution()))
    )
    return Summary(
        reported=reported["reported"],
        resolved=reported["resolved"],
        resolution_rate=_rate(reported["resolved"], reported["reported"]),
        faults_resolved=on_time["resolved"],
        faults_on_time=on_time["resolved"] - on_time["late"],
        on_time_rate=_rate(on_time["resolved"] - on_time["late"], on_time["resolved"]),
        open=reported["open"],
    )


# --- response and resolution times ------------------------------------------------------------


@dataclass
class TimeRow:
    metric: str
    severity: str
    count: int
    average_hours: float | None
    median_hours: float | None

    @property
    def metric_label(self) -> str:
        return str(Metric(self.metric).label)


def _median_and_average(queryset: QuerySet, keys: list[str]) -> list[tuple]:
    """(keys…, count, average, median) of column `v` of `queryset` per value of its columns
    `keys`: one query, the median found by numbering the values in order within each group
    (window functions, on PostgreSQL and SQLite alike)."""
    if not all(key.isidentifier() for key in keys):
        raise ValueError("Group keys are column aliases.")
    sql, params = queryset.query.sql_with_params()
    group = ", ".join(keys)
    # Only our own aliases and the ORM's compiled SQL go into the text; values are parameters.
    outer = f"""
        SELECT {group}, n, mean, AVG(v) FROM (
            SELECT {group}, v,
                ROW_NUMBER() OVER (PARTITION BY {group} ORDER BY v) AS rn,
                COUNT(*) OVER (PARTITION BY {group}) AS n,
                AVG(v) OVER (PARTITION BY {group}) AS mean
            FROM ({sql}) AS src
        ) AS ranked
        WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
        GROUP BY {group}, n, mean
        ORDER BY {group}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return cursor.fetchall()


def response_times(*, user: User, f: ReportFilter) -> list[TimeRow]:
    """First-response and resolution times per severity, from the report to the clock's
    stop, for the clocks stopped in the period. One query."""
    _check(user)
    clocks = (
        _scoped(CaseClock.objects.order_by(), f, "case__")
        .filter(
            metric__in=[Metric.RESPONSE, Metric.RESOLUTION],
            met_at__gte=f.start_at,
            met_at__lt=f.end_at,
            case__master__isnull=True,
        )
        .exclude(case__status=Status.CANCELLED)
        .values(k0=F("metric"), k1=F("case__severity"), v=Seconds("met_at", "started_at"))
    )
    rows = _median_and_average(clocks, ["k0", "k1"])
    by_key = {(r[0], r[1]): r for r in rows}
    result = []
    for metric in (Metric.RESPONSE, Metric.RESOLUTION):
        for severity in Severity.values:
            row = by_key.get((metric, severity))
            result.append(
                TimeRow(
                    metric=metric,
                    severity=severity,
                    count=row[2] if row else 0,
                    average_hours=_hours(row[3]) if row else None,
                    median_hours=_hours(row[4]) if row else None,
                )
            )
    return result


# --- SLA breaches -----------------------------------------------------------------------------


@dataclass
class BreachRow:
    metric: str
    breaches: int
    label: str = ""


def sla_breaches(*, user: User, f: ReportFilter) -> list[BreachRow]:
    """Clocks breached in the period (their due time passed unmet), per clock kind. One
    query."""
    _check(user)
    rows = (
        _scoped(CaseClock.objects.order_by(), f, "case__")
        .filter(breached=True, breached_at__gte=f.start_at, breached_at__lt=f.end_at)
        .filter(case__master__isnull=True)
        .exclude(case__status=Status.CANCELLED)
        .values("metric")
        .annotate(n=Count("id"))
    )
    counts = {r["metric"]: r["n"] for r in rows}
    return [
        BreachRow(metric=m, breaches=counts.get(m, 0), label=str(label))
        for m, label in Metric.choices
    ]


# --- satisfaction ------------------------------------------------------------------------------


@dataclass
class Satisfaction:
    count: int
    average: float | None
    distribution: dict[int, int]


def satisfaction(*, user: User, f: ReportFilter) -> Satisfaction:
    """The survey answers given in the period: how many, the average rating (1-5) and how
    many gave each rating. One query."""
    _check(user)
    answers = Survey.objects.order_by().filter(
        answered_at__gte=f.start_at, answered_at__lt=f.end_at
    )
    if f.organisation is not None:
        answers = answers.filter(organisation_id=f.organisation.pk)
    if f.project is not None:
        answers = answers.filter(case__project_id=f.project.pk)
    if f.team is not None:
        answers = answers.filter(case__team_id=f.team.pk)
    row = answers.aggregate(
        count=Count("id"),
        average=Avg("rating"),
        **{f"r{n}": Count("id", filter=Q(rating=n)) for n in RATINGS},
    )
    return Satisfaction(
        count=row["count"],
        average=round(float(row["average"]), 2) if row["average"] is not None else None,
        distribution={n: row[f"r{n}"] for n in RATINGS},
    )


# --- faults by … ---------------------------------------------------------------------------------


@dataclass
class GroupRow:
    key: object
    label: str
    count: int
    resolved: int = 0
    average_hours: float | None = None  # report to resolution, of those resolved


# dimension -> (group-by columns: key, then label parts), how labels read, which cases.
DIMENSIONS = {
    "type": ("case_type",),
    "cause": ("cause",),
    "category": ("category",),
    "vendor": ("vendor_id", "vendor__name"),
    "model": ("assets__model_id",),  # labels read afterwards: a join less in the grouping
    "site": ("site_id", "site__name"),
    "project": ("project_id", "project__name"),
}
CHOICE_LABELS = {"type": CaseType, "cause": Cause, "category": Category}


def dimension_label(dimension: str) -> str:
    return str(
        {
            "type": _("Case type"),
            "cause": _("Cause"),
            "category": _("Asset category"),
            "vendor": _("Vendor"),
            "model": _("Model"),
            "site": _("Site"),
            "project": _("Project"),
        }[dimension]
    )


def faults_by(*, user: User, f: ReportFilter, dimension: str) -> list[GroupRow]:
    """Cases reported in the period per `dimension`, most first: per case type all cases,
    per cause, asset category, vendor, asset model, site and project the fault cases (a case
    counts once per model of the assets it names). With how many are resolved and their
    average time from report to resolution. One query."""
    _check(user)
    if dimension not in DIMENSIONS:
        raise ValidationError(_("Unknown grouping."), field="dimension")
    columns = DIMENSIONS[dimension]
    cases = _reported(f)
    if dimension != "type":
        cases = cases.filter(case_type=CaseType.FAULT)
    distinct = dimension == "model"
    rows = (
        cases.values(*columns)
        .annotate(
            n=Count("id", distinct=distinct),
            done=Count("id", distinct=distinct, filter=Q(resolved_at__isnull=False)),
            seconds=Avg(Seconds("resolved_at", "reported_at")),
        )
        .order_by("-n", columns[0])
    )
    rows = list(rows)
    choices = CHOICE_LABELS.get(dimension)
    models = _model_labels({row[columns[0]] for row in rows}) if dimension == "model" else {}
    result = []
    for row in rows:
        key = row[columns[0]]
        if choices is not None:
            label = str(choices(key).label) if key in choices.values else (key or "")
        elif dimension == "model":
            label = models.get(key, "")
        else:
            label = " ".join(str(row[c]) for c in columns[1:] if row[c])
        result.append(
            GroupRow(
                key=key,
                label=label or _("Not given"),
                count=row["n"],
                resolved=row["done"],
                average_hours=_hours(row["seconds"]),
            )
        )
    return result


def _model_labels(ids: set) -> dict[int, str]:
    """ "Vendor model" of each asset model id (one query)."""
    models = AssetModel.objects.filter(pk__in=[i for i in ids if i is not None])
    return {
        m.pk: " ".join(part for part in (m.vendor.name, m.name) if part)
        for m in models.select_related("vendor").only("name", "vendor__name")
    }


# --- major faults ------------------------------------------------------------------------------


@dataclass
class MajorFault:
    number: str
    title: str
    organisation: str
    site: str
    reported_at: dt.datetime
    resolved_at: dt.datetime | None
    hours: float
    ongoing: bool


@dataclass
class MajorFaults:
    count: int
    total_hours: float
    rows: list[MajorFault] = field(default_factory=list)


def major_faults(*, user: User, f: ReportFilter, limit: int = MAJOR_FAULT_ROWS) -> MajorFaults:
    """P1 fault cases reported in the period with their duration, from the report to the
    resolution (to now while unresolved), longest first (the first `limit`); the count and
    total duration of them all. Two queries."""
    _check(user)
    at = now()
    p1 = _reported(f).filter(severity=Severity.P1, case_type=CaseType.FAULT)
    lasted = Seconds(
        Coalesce("resolved_at", Value(at, output_field=DateTimeField())), "reported_at"
    )
    totals = p1.aggregate(n=Count("id"), seconds=Sum(lasted))
    rows = (
        p1.select_related("organisation", "site")
        .annotate(seconds=lasted)
        .order_by("-seconds", "-id")[:limit]
    )
    return MajorFaults(
        count=totals["n"],
        total_hours=_hours(totals["seconds"] or 0),
        rows=[
            MajorFault(
                number=case.number,
                title=case.title,
                organisation=case.organisation.name,
                site=case.site.name if case.site_id else "",
                reported_at=case.reported_at,
                resolved_at=case.resolved_at,
                hours=_hours(case.seconds),
                ongoing=case.resolved_at is None,
            )
            for case in rows
        ],
    )


# --- complaints ----------------------------------------------------------------------------------


@dataclass
class MonthCount:
    month: dt.date
    count: int


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def complaint_trend(*, user: User, f: ReportFilter) -> list[MonthCount]:
    """Complaint cases (not cancelled) reported per month of the period, months without any
    included. One query."""
    _check(user)
    rows = (
        _scoped(Case.objects.order_by(), f)
        .filter(case_type=CaseType.COMPLAINT, reported_at__gte=f.start_at, reported_at__lt=f.end_at)
        .exclude(status=Status.CANCELLED)
        .annotate(month=TruncMonth("reported_at", tzinfo=zone()))
        .values("month")
        .annotate(n=Count("id"))
    )
    counts = {_local_date(r["month"]): r["n"] for r in rows}
    return [MonthCount(month=m, count=counts.get(m, 0)) for m in _months(f.start, f.end)]


# --- engineers ------------------------------------------------------------------------------------


@dataclass
class Scorecard:
    engineer_id: int
    name: str
    resolved: int = 0
    faults_resolved: int = 0
    faults_on_time: int = 0
    ratings: int = 0
    average_rating: float | None = None
    visits: int = 0

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.faults_on_time, self.faults_resolved)


def _name(row: dict, prefix: str) -> str:
    return row[f"{prefix}__display_name"] or row[f"{prefix}__username"]


def engineer_scorecards(*, user: User, f: ReportFilter) -> list[Scorecard]:
    """Per engineer: the cases they resolved in the period, their fault cases' on-time rate,
    the ratings of the surveys answered in the period on cases they owned, and the visits
    they finished in the period. Three queries."""
    _check(user)
    cards: dict[int, Scorecard] = {}

    def card(row: dict, prefix: str) -> Scorecard:
        pk = row[f"{prefix}_id"]
        if pk not in cards:
            cards[pk] = Scorecard(engineer_id=pk, name=_name(row, prefix))
        return cards[pk]

    resolved = (
        _counted(f)
        .filter(resolved_at__gte=f.start_at, resolved_at__lt=f.end_at, resolved_by__isnull=False)
        .values("resolved_by_id", "resolved_by__display_name", "resolved_by__username")
        .annotate(
            n=Count("id"),
            faults=Count("id", filter=Q(case_type=CaseType.FAULT)),
            late=Count("id", filter=Q(case_type=CaseType.FAULT) & Q(_late_resolution())),
        )
    )
    for row in resolved:
        c = card(row, "resolved_by")
        c.resolved, c.faults_resolved = row["n"], row["faults"]
        c.faults_on_time = row["faults"] - row["late"]
    answers = Survey.objects.order_by().filter(
        answered_at__gte=f.start_at, answered_at__lt=f.end_at, engineer__isnull=False
    )
    answers = _scoped(answers, f, "case__")
    for row in answers.values(
        "engineer_id", "engineer__display_name", "engineer__username"
    ).annotate(n=Count("id"), average=Avg("rating")):
        c = card(row, "engineer")
        c.ratings = row["n"]
        c.average_rating = round(float(row["average"]), 2)
    visits = _scoped(
        Visit.objects.order_by().filter(
            status=VisitStatus.DONE, finished_at__gte=f.start_at, finished_at__lt=f.end_at
        ),
        f,
        "case__",
    )
    for row in visits.values(
        "engineer_id", "engineer__display_name", "engineer__username"
    ).annotate(n=Count("id")):
        card(row, "engineer").visits = row["n"]
    return sorted(cards.values(), key=lambda c: (-c.resolved, -c.visits, c.name))


# --- field service (dispatch and rma feed the reports) ---------------------------------------


@dataclass
class FieldService:
    """On-site arrival, parts used, RMA turnaround, overdue returns and loaners out. These
    follow the period and the organisation filter (not project or team)."""

    arrivals: list  # dispatch.selectors.ArrivalFigures per month
    arrivals_met: int
    arrivals_breached: int
    parts_by_case: list[dict]
    parts_by_model: list[dict]
    turnaround: dict
    turnaround_rows: list
    overdue_returns: list
    loans_out: list

    @property
    def arrival_rate(self) -> float | None:
        return _rate(self.arrivals_met, self.arrivals_met + self.arrivals_breached)


def field_service(*, user: User, f: ReportFilter) -> FieldService:
    """The field-service feed, from the selectors of dispatch and rma (scoped to the reader
    there). Six queries."""
    _check(user)
    from aftersales.dispatch.selectors import onsite_arrival_by_period
    from aftersales.rma import selectors as rma
    from aftersales.rma.services import desk_calendar

    at = now()
    org = f.organisation
    arrivals = onsite_arrival_by_period(
        user=user, start=f.start_at, end=f.end_at, period="month", organisation_id=f.organisation_id
    )

    def ours(rows: list, code_of) -> list:
        return rows if org is None else [r for r in rows if code_of(r) == org.code]

    turnaround = ours(
        rma.rma_turnaround(user=user, calendar=desk_calendar(), start=f.start_at, end=f.end_at),
        lambda r: r.organisation,
    )
    return FieldService(
        arrivals=arrivals,
        arrivals_met=sum(a.met for a in arrivals),
        arrivals_breached=sum(a.breached for a in arrivals),
        parts_by_case=rma.parts_used_by_case(
            user=user, start=f.start_at, end=f.end_at, organisation_id=f.organisation_id
        ),
        parts_by_model=rma.parts_used_by_asset_model(
            user=user, start=f.start_at, end=f.end_at, organisation_id=f.organisation_id
        ),
        turnaround=rma.rma_turnaround_summary(turnaround),
        turnaround_rows=turnaround,
        overdue_returns=ours(
            rma.overdue_returns(user=user, now=at), lambda o: o.case.organisation.code
        ),
        loans_out=ours(rma.loans_out(user=user, now=at), lambda loan: loan.organisation.code),
    )


# --- everything on the dashboard -------------------------------------------------------------

FAULT_DIMENSIONS = ("type", "cause", "category", "vendor", "model", "site", "project")


@dataclass
class Dashboard:
    filter: ReportFilter
    summary: Summary
    times: list[TimeRow]
    breaches: list[BreachRow]
    satisfaction: Satisfaction
    faults: dict[str, list[GroupRow]]
    major_faults: MajorFaults
    complaints: list[MonthCount]
    engineers: list[Scorecard]

    @property
    def breach_total(self) -> int:
        return sum(b.breaches for b in self.breaches)


def dashboard(*, user: User, f: ReportFilter) -> Dashboard:
    """Every report of the dashboard for one period and filter: 18 queries."""
    _check(user)
    return Dashboard(
        filter=f,
        summary=summary(user=user, f=f),
        times=response_times(user=user, f=f),
        breaches=sla_breaches(user=user, f=f),
        satisfaction=satisfaction(user=user, f=f),
        faults={d: faults_by(user=user, f=f, dimension=d) for d in FAULT_DIMENSIONS},
        major_faults=major_faults(user=user, f=f),
        complaints=complaint_trend(user=user, f=f),
        engineers=engineer_scorecards(user=user, f=f),
    )
