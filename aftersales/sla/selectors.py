"""Reads for the SLA engine: calendars as arithmetic values, the policy and targets that apply
to a case, who receives an escalation step, and the clocks as a reader sees them."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import MANAGER_LEVELS
from aftersales.cases.choices import OPEN, WAITING, Status
from aftersales.cases.models import Case
from aftersales.cases.selectors import case_list
from aftersales.core.errors import NotFound
from aftersales.customers.models import ServiceContract
from aftersales.sla.calendars import WorkingCalendar, china_is_workday
from aftersales.sla.choices import DayKind, HolidaySource, Metric
from aftersales.sla.models import Calendar, CaseClock, DutyShift, SlaPolicy

# Loaded calendars and policies, kept per process and keyed by the row's version
# (`updated_at`, which every change of their hours, days, targets or steps moves): any process
# reading a newer version loads afresh, so no process ever serves another's stale value.
_LOADED: dict[tuple, object] = {}
_LOADED_MAX = 256


def _remember(key: tuple, load):
    value = _LOADED.get(key)
    if value is None:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.clear()
        value = _LOADED[key] = load()
    return value


def calendar_load(calendar: Calendar) -> WorkingCalendar:
    """The arithmetic value of a calendar row (two queries, the first time a process sees
    this version of it)."""
    return _remember(("calendar", calendar.pk, calendar.updated_at), lambda: _calendar(calendar))


def _calendar(calendar: Calendar) -> WorkingCalendar:
    weekly: dict[int, list[tuple[int, int]]] = {}
    for hours in calendar.hours.all():
        start = hours.start.hour * 60 + hours.start.minute
        end = hours.end.hour * 60 + hours.end.minute or 24 * 60
        if end > start:
            weekly.setdefault(hours.weekday, []).append((start, end))
    days_off, days_on = set(), set()
    for day in calendar.days.all():
        (days_on if day.kind == DayKind.WORKING else days_off).add(day.date)
    return WorkingCalendar(
        name=calendar.name,
        zone=ZoneInfo(calendar.time_zone),
        always_open=calendar.always_open,
        weekly={weekday: tuple(sorted(spans)) for weekday, spans in weekly.items()},
        days_off=frozenset(days_off),
        days_on=frozenset(days_on),
        china=calendar.holidays == HolidaySource.CHINA,
    )


def calendar_by_name(name: str) -> WorkingCalendar:
    try:
        calendar = Calendar.objects.prefetch_related("hours", "days").get(name=name)
    except Calendar.DoesNotExist as exc:
        raise NotFound(
            _("Unknown calendar “%(name)s”.") % {"name": name}, field="calendar"
        ) from exc
    return calendar_load(calendar)


@dataclass
class LoadedPolicy:
    """A policy with its targets, ladder and calendar, loaded once."""

    policy: SlaPolicy
    calendar: WorkingCalendar
    targets: list
    ladder: list

    def target(self, metric: str, severity: str, case_type: str, in_warranty: bool) -> int | None:
        """The most specific target: case type first, then warranty, then the general row."""
        best, best_rank = None, -1
        for row in self.targets:
            if row.metric != metric or row.severity != severity:
                continue
            if row.case_type and row.case_type != case_type:
                continue
            if row.in_warranty is not None and row.in_warranty != in_warranty:
                continue
            rank = (2 if row.case_type else 0) + (1 if row.in_warranty is not None else 0)
            if rank > best_rank:
                best, best_rank = row.minutes, rank
        return best

    def steps(self, severity: str) -> list:
        return sorted(
            (s for s in self.ladder if s.severity == severity), key=lambda s: s.after_minutes
        )


def policy_load(policy: SlaPolicy) -> LoadedPolicy:
    """The policy with its targets, ladder and calendar (its row read with the calendar; the
    rest loaded the first time a process sees this version)."""
    calendar = calendar_load(policy.calendar)
    key = ("policy", policy.pk, policy.updated_at, policy.calendar_id, policy.calendar.updated_at)
    targets, ladder = _remember(
        key, lambda: (list(policy.targets.all()), list(policy.ladder.all()))
    )
    return LoadedPolicy(policy=policy, calendar=calendar, targets=targets, ladder=ladder)


def _policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.select_related("calendar")


def policy_for_case(case: Case) -> LoadedPolicy | None:
    """The contract's policy, else the default one; None where there is neither."""
    policy_id = None
    if case.contract_id:
        policy_id = (
            ServiceContract.objects.filter(pk=case.contract_id)
            .values_list("sla_policy_id", flat=True)
            .first()
        )
    query = Q(pk=policy_id) if policy_id else Q(is_default=True)
    policy = _policies().filter(query).first()
    return policy_load(policy) if policy else None


def policy_by_id(policy_id: int) -> LoadedPolicy:
    return policy_load(_policies().get(pk=policy_id))


def case_in_warranty(case: Case, assets) -> bool:
    day = timezone.localdate(case.reported_at)
    return any(asset.in_warranty(day) for asset in assets)


def escalation_recipients(
    *, case: Case, level: int, at: dt.datetime, policy: SlaPolicy
) -> list[User]:
    """Who a ladder step goes to: those on duty for the level at that hour where a roster is
    kept; otherwise every holder of the level, narrowed to the case's team or region where the
    policy says so (and not narrowed to nobody)."""
    on_duty = list(
        User.objects.filter(
            is_active=True,
            pk__in=DutyShift.objects.filter(level=level, starts_at__lte=at, ends_at__gt=at).values(
                "user_id"
            ),
        )
    )
    if on_duty:
        return on_duty
    holders = User.objects.filter(
        is_active=True, organisation__isnull=True, groups__name=MANAGER_LEVELS[level]
    )
    narrowed = holders
    if policy.ladder_by_team and case.team_id:
        narrowed = narrowed.filter(teams=case.team_id)
    if policy.ladder_by_region:
        region_id = case.site.region_id if case.site_id else None
        region_id = region_id or case.organisation.region_id
        if region_id:
            narrowed = narrowed.filter(region_id=region_id)
    found = list(narrowed.distinct())
    return found or list(holders.distinct())


@dataclass
class ClockView:
    metric: str
    label: str
    due_at: dt.datetime | None
    met_at: dt.datetime | None
    breached: bool
    paused: bool
    remaining_minutes: float | None  # working minutes left; negative when overdue

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "breached" if self.breached else "met"
        if self.paused:
            return "paused"
        if self.breached or (self.remaining_minutes is not None and self.remaining_minutes < 0):
            return "overdue"
        return "running"


def case_clocks(*, case: Case, now: dt.datetime) -> list[ClockView]:
    """Every clock of a case as a reader sees it: due, remaining or overdue, met or breached."""
    return clocks_for_cases(case_ids=[case.pk], now=now).get(case.pk, [])


def clocks_for_cases(*, case_ids: list[int], now: dt.datetime) -> dict[int, list[ClockView]]:
    """The clocks of many cases at once (a list page), by case id, in metric order: one
    query however many cases (calendars are cached). Ids are the caller's, read through a
    scoped selector."""
    if not case_ids:
        return {}
    clocks = list(CaseClock.objects.filter(case_id__in=case_ids).select_related("policy__calendar"))
    order = list(Metric.values)
    calendars: dict[int, WorkingCalendar] = {}
    views: dict[int, list[ClockView]] = {}
    for clock in sorted(clocks, key=lambda c: (c.case_id, order.index(c.metric))):
        remaining = None
        if clock.met_at is None and clock.due_at is not None:
            calendar_id = clock.policy.calendar_id
            if calendar_id not in calendars:
                calendars[calendar_id] = calendar_load(clock.policy.calendar)
            calendar = calendars[calendar_id]
            if now <= clock.due_at:
                remaining = calendar.elapsed(now, clock.due_at)
            else:
                remaining = -calendar.elapsed(clock.due_at, now)
        views.setdefault(clock.case_id, []).append(
            ClockView(
                metric=clock.metric,
                label=str(Metric(clock.metric).label),
                due_at=clock.due_at,
                met_at=clock.met_at,
                breached=clock.breached,
                paused=clock.paused_since is not None,
                remaining_minutes=remaining,
            )
        )
    return views


def calendar_warnings(*, today: dt.date) -> list[str]:
    """Calendars following China's holidays for a year the chinese-calendar package does not
    know, without the administrator's entries of that year's official arrangement."""
    warnings = []
    for calendar in Calendar.objects.filter(holidays=HolidaySource.CHINA):
        for year in (today.year, today.year + 1):
            if china_is_workday(dt.date(year, 6, 1)) is not None:
                continue
            if calendar.days.filter(date__year=year).exists():
                continue
            warnings.append(
                _(
                    "Calendar %(calendar)s: the official holiday arrangement for %(year)s is not "
                    "entered. Statutory holidays computed from the law are used; enter the extra "
                    "days off and make-up working days (调休) as calendar days."
                )
                % {"calendar": calendar.name, "year": year}
            )
    return warnings


QUEUES = ("unassigned", "due_soon", "breached", "waiting", "team")
DUE_SOON = dt.timedelta(hours=2)


def case_queue(
    *, user: User, queue: str, now: dt.datetime, team_id: int | None = None, limit: int = 50
) -> list[Case]:
    """The service desk's queues: unassigned, due within two hours, breached, waiting, by
    team; scoped to the reader, most urgent first."""
    cases = case_list(user=user)
    if queue == "unassigned":
        cases = cases.filter(status=Status.NEW).order_by("reported_at")
    elif queue == "due_soon":
        running = CaseClock.objects.filter(
            met_at__isnull=True, due_at__gt=now, due_at__lte=now + DUE_SOON
        )
        cases = cases.filter(pk__in=running.values("case_id"), status__in=OPEN).order_by("id")
    elif queue == "breached":
        late = CaseClock.objects.filter(met_at__isnull=True).filter(
            Q(breached=True) | Q(due_at__lte=now)
        )
        cases = cases.filter(pk__in=late.values("case_id"), status__in=OPEN).order_by("id")
    elif queue == "waiting":
        cases = cases.filter(status__in=WAITING).order_by("updated_at")
    elif queue == "team":
        cases = cases.filter(team_id=team_id, status__in=OPEN).order_by("-id")
    else:
        return []
    return list(cases[:limit])
