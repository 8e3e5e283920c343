"""Reads for field service, scoped to the reader: visits, the engineers to suggest for one,
the parts a visit used, and the on-site arrival figures the reports read."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftersales.accounts.models import Skill, User
from aftersales.accounts.roles import ENGINEERS, STAFF
from aftersales.cases.choices import OPEN
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_queryset
from aftersales.core.clock import now
from aftersales.core.errors import NotFound, ValidationError
from aftersales.dispatch.choices import ACTIVE, Period
from aftersales.dispatch.models import CategorySkill, Visit
from aftersales.sla.choices import Metric
from aftersales.sla.models import CaseClock

# --- visits -----------------------------------------------------------------------------------


def visit_queryset(*, user: User) -> QuerySet[Visit]:
    """Every visit `user` may see: its organisation's for a customer contact, all for staff."""
    if not user.is_authenticated or not user.is_active:
        return Visit.objects.none()
    if user.is_customer:
        return Visit.objects.filter(case__organisation_id=user.organisation_id)
    if user.roles & STAFF:
        return Visit.objects.all()
    return Visit.objects.none()


def visit_list(*, user: User) -> QuerySet[Visit]:
    return visit_queryset(user=user).select_related(
        "case__organisation", "case__site", "engineer", "report"
    )


def visit_get(*, user: User, pk: int) -> Visit:
    found = list(
        visit_list(user=user)
        .select_related("case__contact", "case__contract", "scheduled_by")
        .filter(pk=pk)
    )
    if not found:
        raise NotFound(_("No such visit."))
    return found[0]


def visits_for_case(*, case: Case, user: User) -> list[Visit]:
    visits = list(
        visit_queryset(user=user)
        .filter(case=case)
        .select_related("engineer", "report")
        .order_by("seq")
    )
    for visit in visits:
        visit.case = case  # its number names the visit
    return visits


def visit_parts(visit: Visit) -> list:
    """The spare parts used on a visit, taken from an engineer's or a warehouse's stock.

    The integration point with the spare-parts app (rma): until its stock movements are
    linked to visits this returns nothing, and the visit page and the service report show
    "no parts". Each item it returns is read as `.name`, `.part_number`, `.serial_number`
    and `.quantity` (any may be empty)."""
    return []


def work_log(visit: Visit) -> list:
    return list(visit.log.select_related("author").order_by("written_at", "id"))


# --- who to send ------------------------------------------------------------------------------


def case_categories(case: Case) -> set[str]:
    """What a case is about: its category and its assets' categories."""
    categories = {case.category} if case.category else set()
    categories |= set(case.assets.values_list("model__category", flat=True))
    return categories


def skills_for(categories: set[str]) -> dict[int, Skill]:
    """The skills that fix faults of these categories: mapped ones, and those whose code is
    the category itself."""
    if not categories:
        return {}
    mapped = CategorySkill.objects.filter(category__in=categories).values("skill_id")
    skills = Skill.objects.filter(Q(pk__in=mapped) | Q(code__in=categories))
    return {skill.pk: skill for skill in skills}


def case_region(case: Case):
    if case.site_id and case.site.region_id:
        return case.site.region
    return case.organisation.region


@dataclass
class Suggestion:
    """One engineer for a visit, with the reasons for the ranking."""

    engineer: User
    skills: list[str]
    region: str  # same, nearby (same parent region), other, unknown
    open_cases: int
    visits_that_day: int
    score: tuple = field(repr=False, default=())

    @property
    def reason(self) -> str:
        parts = []
        if self.skills:
            parts.append(_("skill: %(skills)s") % {"skills": ", ".join(self.skills)})
        else:
            parts.append(_("no matching skill"))
        parts.append(
            {
                "same": _("same region"),
                "nearby": _("nearby region"),
                "other": _("other region"),
                "unknown": _("region unknown"),
            }[self.region]
        )
        parts.append(
            ngettext("%(n)s open case", "%(n)s open cases", self.open_cases)
            % {"n": self.open_cases}
        )
        parts.append(
            ngettext("%(n)s visit that day", "%(n)s visits that day", self.visits_that_day)
            % {"n": self.visits_that_day}
        )
        return " · ".join(parts)


REGION_RANK = {"same": 0, "nearby": 1, "unknown": 2, "other": 3}


def _place(site_region, engineer_region) -> str:
    """Same region; nearby (one under the other, or both under one parent); other."""
    if site_region is None or engineer_region is None:
        return "unknown"
    if engineer_region.pk == site_region.pk:
        return "same"
    site_family = {site_region.pk, site_region.parent_id} - {None}
    engineer_family = {engineer_region.pk, engineer_region.parent_id} - {None}
    if (site_region.parent_id and site_region.parent_id in engineer_family) or (
        engineer_region.parent_id and engineer_region.parent_id in site_family
    ):
        return "nearby"
    return "other"


def _day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def engineer_suggestions(case: Case, day: dt.date, *, limit: int = 20) -> list[Suggestion]:
    """Active engineers for a visit to `case` on `day`, best first: those with a skill the
    case's categories need, then those of the site's region (or a region under the same
    parent), then the fewest visits that day, then the fewest open cases they own. Each with
    the reason, e.g. "skill: camera · same region · 2 open cases · 1 visit that day".
    A fixed number of queries whatever the number of engineers."""
    zone = ZoneInfo(case.organisation.time_zone or settings.TIME_ZONE)
    start, end = _day_bounds(day, zone)
    wanted = skills_for(case_categories(case))
    region = case_region(case)
    open_cases = (
        Case.objects.filter(assignee=OuterRef("pk"), status__in=OPEN)
        .order_by()
        .values("assignee")
        .annotate(n=Count("*"))
        .values("n")
    )
    visits = (
        Visit.objects.filter(
            engineer=OuterRef("pk"),
            status__in=ACTIVE,
            window_start__lt=end,
            window_end__gt=start,
        )
        .order_by()
        .values("engineer")
        .annotate(n=Count("*"))
        .values("n")
    )
    engineers = (
        User.objects.filter(
            is_active=True,
            organisation__isnull=True,
            pk__in=User.objects.filter(groups__name__in=ENGINEERS).values("pk"),
        )
        .annotate(
            open_cases=Coalesce(Subquery(open_cases), 0),
            visits_that_day=Coalesce(Subquery(visits), 0),
        )
        .select_related("region")
        .prefetch_related("skills")
    )
    suggestions = []
    for engineer in engineers:
        matched = sorted(s.name for s in engineer.skills.all() if s.pk in wanted)
        place = _place(region, engineer.region)
        suggestions.append(
            Suggestion(
                engineer=engineer,
                skills=matched,
                region=place,
                open_cases=engineer.open_cases,
                visits_that_day=engineer.visits_that_day,
                score=(
                    0 if matched else 1,
                    REGION_RANK[place],
                    engineer.visits_that_day,
                    engineer.open_cases,
                    -len(matched),
                    engineer.username,
                ),
            )
        )
    suggestions.sort(key=lambda s: s.score)
    return suggestions[:limit]


# --- the reports' feed ------------------------------------------------------------------------

TRUNC = {Period.DAY: TruncDay, Period.WEEK: TruncWeek, Period.MONTH: TruncMonth}


@dataclass
class ArrivalFigures:
    period: dt.date
    met: int
    breached: int

    @property
    def total(self) -> int:
        return self.met + self.breached

    @property
    def met_rate(self) -> float | None:
        return self.met / self.total if self.total else None


def onsite_arrival_by_period(
    *,
    user: User,
    start: dt.datetime,
    end: dt.datetime,
    period: str = Period.MONTH,
    organisation_id: int | None = None,
) -> list[ArrivalFigures]:
    """On-site arrival targets met and breached per day, week or month, counted in the
    period the case was reported (the clock counts from the report), for the cases the
    reader may see. A clock counts as breached once breached or once its due time passed
    without an arrival; one still running and not yet due is not counted."""
    if period not in TRUNC:
        raise ValidationError(_("Unknown period."), field="period")
    if end <= start:
        raise ValidationError(_("The period must end after it starts."), field="end")
    zone = ZoneInfo(settings.TIME_ZONE)
    cases = case_queryset(user=user)
    if organisation_id is not None:
        cases = cases.filter(organisation_id=organisation_id)
    moment = now()
    clocks = CaseClock.objects.filter(
        metric=Metric.ONSITE,
        case__in=cases.values("pk"),
        started_at__gte=start,
        started_at__lt=end,
    )
    met = Q(met_at__isnull=False, breached=False)
    breached = (
        Q(breached=True) | Q(met_at__isnull=True, due_at__lte=moment) | Q(met_at__gt=F("due_at"))
    )
    rows = (
        clocks.annotate(period=TRUNC[period]("started_at", tzinfo=zone))
        .values("period")
        .annotate(met=Count("pk", filter=met & ~breached), breached=Count("pk", filter=breached))
        .order_by("period")
    )
    return [
        ArrivalFigures(
            period=row["period"].date()
            if isinstance(row["period"], dt.datetime)
            else row["period"],
            met=row["met"],
            breached=row["breached"],
        )
        for row in rows
        if row["met"] or row["breached"]
    ]
