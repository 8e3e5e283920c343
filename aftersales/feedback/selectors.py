"""Reads of surveys, revisits and complaints, scoped to the reader: service staff see them
all; customers see none here (their survey answers are on their cases' public timeline).

The report selectors (`satisfaction`, `complaint_counts`, `revisit_outcomes`) each run one
aggregate query, whatever the data size, and count periods in the service's time zone."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Avg, Count, Min, Q, QuerySet
from django.db.models.functions import (
    TruncDay,
    TruncMonth,
    TruncQuarter,
    TruncWeek,
    TruncYear,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF
from aftersales.cases.choices import CaseType, Status
from aftersales.cases.models import Case
from aftersales.core.errors import ValidationError
from aftersales.feedback.choices import (
    RATINGS,
    Period,
    RevisitOutcome,
    RevisitView,
    SatisfactionBy,
)
from aftersales.feedback.models import Revisit, Survey
from aftersales.feedback.rules import HISTORY_MONTHS, months_back

TRUNC = {
    Period.DAY: TruncDay,
    Period.WEEK: TruncWeek,
    Period.MONTH: TruncMonth,
    Period.QUARTER: TruncQuarter,
    Period.YEAR: TruncYear,
}


def _is_staff(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_customer
        and bool(user.roles & STAFF)
    )


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _period(value: str | None) -> str | None:
    if value in (None, ""):
        return None
    if value not in Period.values:
        raise ValidationError(
            _("Unknown period “%(value)s”: use day, week, month, quarter or year.")
            % {"value": value},
            field="period",
        )
    return value


def _day_start(day: dt.date | None) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time.min, tzinfo=_zone())


def _as_date(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, _zone()).date()
    return value


def _grouped(queryset: QuerySet, keys: list[str], aggregates: dict) -> list[dict]:
    """One row of `aggregates` per value of `keys`, or a single row over everything."""
    if not keys:
        return [queryset.order_by().aggregate(**aggregates)]
    return list(queryset.order_by().values(*keys).annotate(**aggregates).order_by(*keys))


# --- surveys --------------------------------------------------------------------------------


def survey_queryset(*, user: User) -> QuerySet[Survey]:
    if not _is_staff(user):
        return Survey.objects.none()
    return Survey.objects.all()


def survey_list(*, user: User) -> QuerySet[Survey]:
    return survey_queryset(user=user).select_related(
        "case", "organisation", "engineer", "recipient", "follow_up"
    )


@dataclass
class SatisfactionRow:
    """Answers of one group: `period` (its first day), `organisation` or `engineer` when
    grouped by them; the count, the average rating and how many gave each rating."""

    count: int
    average: float | None
    distribution: dict[int, int]
    period: dt.date | None = None
    organisation_id: int | None = None
    organisation: str | None = None
    engineer_id: int | None = None
    engineer: str | None = None


def satisfaction(
    *,
    user: User,
    start: dt.date | None = None,
    end: dt.date | None = None,
    period: str | None = None,
    by: str | None = None,
    organisation_id: int | None = None,
    engineer_id: int | None = None,
) -> list[SatisfactionRow]:
    """Satisfaction of the answers given from `start` to `end` (days included, service time
    zone): overall, or per `period` (day, week, month, quarter, year) and/or `by`
    organisation or engineer (the case's owner when it closed). One query."""
    period = _period(period)
    if by not in (None, "", *SatisfactionBy.values):
        raise ValidationError(_("Group by organisation or engineer."), field="by")
    answers = survey_queryset(user=user).filter(answered_at__isnull=False)
    if start is not None:
        answers = answers.filter(answered_at__gte=_day_start(start))
    if end is not None:
        answers = answers.filter(answered_at__lt=_day_start(end + dt.timedelta(days=1)))
    if organisation_id is not None:
        answers = answers.filter(organisation_id=organisation_id)
    if engineer_id is not None:
        answers = answers.filter(engineer_id=engineer_id)
    keys: list[str] = []
    if period:
        answers = answers.annotate(period=TRUNC[period]("answered_at", tzinfo=_zone()))
        keys.append("period")
    if by == SatisfactionBy.ORGANISATION:
        keys += ["organisation_id", "organisation__name"]
    elif by == SatisfactionBy.ENGINEER:
        keys += ["engineer_id", "engineer__display_name", "engineer__username"]
    aggregates = {
        "count": Count("id"),
        "average": Avg("rating"),
        **{f"r{n}": Count("id", filter=Q(rating=n)) for n in RATINGS},
    }
    rows = _grouped(answers, keys, aggregates)
    result = []
    for row in rows:
        if not row["count"]:
            continue
        result.append(
            SatisfactionRow(
                count=row["count"],
                average=round(float(row["average"]), 2) if row["average"] is not None else None,
                distribution={n: row[f"r{n}"] for n in RATINGS},
                period=_as_date(row.get("period")),
                organisation_id=row.get("organisation_id"),
                organisation=row.get("organisation__name"),
                engineer_id=row.get("engineer_id"),
                engineer=(row.get("engineer__display_name") or row.get("engineer__username"))
                if by == SatisfactionBy.ENGINEER
                else None,
            )
        )
    return result


# --- complaints -----------------------------------------------------------------------------


def _complaints() -> QuerySet[Case]:
    return Case.objects.filter(case_type=CaseType.COMPLAINT).exclude(status=Status.CANCELLED)


@dataclass
class ComplaintRow:
    month: dt.date
    count: int
    organisation_id: int | None = None
    organisation: str | None = None


def complaint_counts(
    *,
    user: User,
    start: dt.date,
    end: dt.date,
    by_organisation: bool = False,
) -> list[ComplaintRow]:
    """Complaint cases opened (cancelled ones left out) per month from `start`'s month to
    `end`'s, all customers together or per organisation. Months without complaints are
    absent. One query."""
    if not _is_staff(user):
        return []
    first = start.replace(day=1)
    after = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    keys = ["month", "organisation_id", "organisation__name"] if by_organisation else ["month"]
    rows = (
        _complaints()
        .filter(created_at__gte=_day_start(first), created_at__lt=_day_start(after))
        .annotate(month=TruncMonth("created_at", tzinfo=_zone()))
        .order_by()
        .values(*keys)
        .annotate(count=Count("id"))
        .order_by(*keys)
    )
    return [
        ComplaintRow(
            month=_as_date(row["month"]),
            count=row["count"],
            organisation_id=row.get("organisation_id"),
            organisation=row.get("organisation__name"),
        )
        for row in rows
    ]


def complaint_history(
    *, month: dt.date
) -> tuple[dict[tuple[dt.date, int], int], dict[int, dt.date | None]]:
    """For the complaint alert (the worker's, unscoped): complaints per (month, organisation)
    in `month` and the HISTORY_MONTHS months before, and the month of each organisation's
    first case, from which on its months count as data. Two aggregate queries."""
    first = months_back(month, HISTORY_MONTHS)[0]
    after = (month + dt.timedelta(days=32)).replace(day=1)
    rows = (
        _complaints()
        .filter(created_at__gte=_day_start(first), created_at__lt=_day_start(after))
        .annotate(month=TruncMonth("created_at", tzinfo=_zone()))
        .order_by()
        .values("month", "organisation_id")
        .annotate(count=Count("id"))
    )
    counts = {(_as_date(r["month"]), r["organisation_id"]): r["count"] for r in rows}
    firsts = (
        Case.objects.order_by()
        .values("organisation_id")
        .annotate(first=Min("created_at"))
        .values_list("organisation_id", "first")
    )
    first_months = {
        org_id: _as_date(first).replace(day=1) if first else None for org_id, first in firsts
    }
    return counts, first_months


# --- revisits -------------------------------------------------------------------------------


def revisit_queryset(*, user: User) -> QuerySet[Revisit]:
    if not _is_staff(user):
        return Revisit.objects.none()
    return Revisit.objects.all()


def revisit_list(*, user: User) -> QuerySet[Revisit]:
    return revisit_queryset(user=user).select_related(
        "organisation", "case", "contract", "contact", "done_by", "complaint"
    )


def _today_bounds(at: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    today = timezone.localtime(at, zone).date()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def revisit_view_filter(view: str, at: dt.datetime) -> Q:
    """Which revisits a list shows: open ones due today, overdue (due before today) or
    upcoming; done ones."""
    start, end = _today_bounds(at)
    if view == RevisitView.TODAY:
        return Q(done_at__isnull=True, due_at__gte=start, due_at__lt=end)
    if view == RevisitView.OVERDUE:
        return Q(done_at__isnull=True, due_at__lt=start)
    if view == RevisitView.UPCOMING:
        return Q(done_at__isnull=True, due_at__gte=end)
    if view == RevisitView.DONE:
        return Q(done_at__isnull=False)
    raise ValidationError(
        _("Unknown list “%(value)s”: use today, overdue, upcoming or done.") % {"value": view},
        field="view",
    )


def revisits_in_view(*, user: User, view: str, at: dt.datetime) -> QuerySet[Revisit]:
    revisits = revisit_list(user=user).filter(revisit_view_filter(view, at))
    if view == RevisitView.DONE:
        return revisits.order_by("-done_at", "-id")
    return revisits.order_by("due_at", "id")


def revisit_counts(*, user: User, at: dt.datetime) -> dict[str, int]:
    """How many revisits each open list holds (one query)."""
    counts = revisit_queryset(user=user).aggregate(
        **{
            view: Count("id", filter=revisit_view_filter(view, at))
            for view in (RevisitView.TODAY, RevisitView.OVERDUE, RevisitView.UPCOMING)
        }
    )
    return {key: value or 0 for key, value in counts.items()}


@dataclass
class RevisitOutcomeRow:
    """Revisits done in a group: reached (satisfied or not), not reached, cancelled."""

    done: int = 0
    reached: int = 0
    satisfied: int = 0
    unsatisfied: int = 0
    not_reached: int = 0
    cancelled: int = 0
    complaints: int = 0
    period: dt.date | None = None
    organisation_id: int | None = None
    organisation: str | None = None


def revisit_outcomes(
    *,
    user: User,
    start: dt.date | None = None,
    end: dt.date | None = None,
    period: str | None = None,
    by_organisation: bool = False,
) -> list[RevisitOutcomeRow]:
    """Outcomes of the revisits done from `start` to `end` (days included), overall or per
    `period` and/or organisation. One query."""
    period = _period(period)
    done = revisit_queryset(user=user).filter(done_at__isnull=False)
    if start is not None:
        done = done.filter(done_at__gte=_day_start(start))
    if end is not None:
        done = done.filter(done_at__lt=_day_start(end + dt.timedelta(days=1)))
    keys: list[str] = []
    if period:
        done = done.annotate(period=TRUNC[period]("done_at", tzinfo=_zone()))
        keys.append("period")
    if by_organisation:
        keys += ["organisation_id", "organisation__name"]
    reached = Q(outcome=RevisitOutcome.REACHED)
    counts = {
        "done": Q(),
        "reached": reached,
        "satisfied": reached & Q(satisfied=True),
        "unsatisfied": reached & Q(satisfied=False),
        "not_reached": Q(outcome=RevisitOutcome.NOT_REACHED),
        "cancelled": Q(outcome=RevisitOutcome.CANCELLED),
        "complaints": Q(complaint__isnull=False),
    }
    # Named apart from the model's fields (satisfied) that they count.
    aggregates = {f"n_{name}": Count("id", filter=condition) for name, condition in counts.items()}
    rows = _grouped(done, keys, aggregates)
    return [
        RevisitOutcomeRow(
            **{name: row[f"n_{name}"] for name in counts},
            period=_as_date(row.get("period")),
            organisation_id=row.get("organisation_id"),
            organisation=row.get("organisation__name"),
        )
        for row in rows
        if row["n_done"]
    ]


# --- the case page --------------------------------------------------------------------------


@dataclass
class CaseFeedback:
    surveys: list[Survey]
    revisits: list[Revisit]
    at: dt.datetime

    @property
    def latest_survey(self) -> Survey | None:
        return self.surveys[0] if self.surveys else None


def case_feedback(*, case: Case, user: User, at: dt.datetime) -> CaseFeedback | None:
    """The surveys and revisits of one case, for its page (staff only; two queries)."""
    if not _is_staff(user):
        return None
    surveys = list(
        survey_queryset(user=user)
        .filter(case=case)
        .select_related("recipient", "follow_up")
        .order_by("-id")
    )
    for survey in surveys:
        survey.state = survey.state_at(at)
    revisits = list(
        revisit_queryset(user=user)
        .filter(case=case)
        .select_related("done_by", "contact", "complaint")
        .order_by("-id")
    )
    return CaseFeedback(surveys=surveys, revisits=revisits, at=at)
