"""Reads of the workspace's pages, each scoped to the reader: every case comes through
`cases.selectors` with the reader, and a fixed number of queries answers each page however
many cases there are."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from aftersales.accounts.models import User
from aftersales.accounts.roles import MANAGER_LEVELS
from aftersales.cases import transitions
from aftersales.cases.choices import OPEN, EntryKind, Status
from aftersales.cases.models import Case, TimelineEntry
from aftersales.cases.selectors import case_list, case_queryset
from aftersales.notifications.choices import Event
from aftersales.notifications.models import OutboxMessage
from aftersales.sla.models import CaseClock
from aftersales.sla.selectors import ClockView, clocks_for_cases
from aftersales.workspace.models import SavedFilter

MY_WORK_LIMIT = 100
TAKEOVER_LIMIT = 30
ESCALATIONS_SHOWN = 50
ESCALATION_MESSAGES_READ = 300
BREACHES_SHOWN = 50
AWAITING_SHOWN = 50


def saved_filters_of(*, user: User) -> QuerySet[SavedFilter]:
    return SavedFilter.objects.filter(owner_id=user.pk).order_by("name")


def _next_due() -> Subquery:
    """The earliest due time of a case's running clocks (a paused clock has none)."""
    running = CaseClock.objects.filter(
        case=OuterRef("pk"), met_at__isnull=True, due_at__isnull=False
    ).order_by("due_at")
    return Subquery(running.values("due_at")[:1])


@dataclass
class WorkItem:
    case: Case
    clocks: list[ClockView]
    next_due: dt.datetime | None
    overdue: bool
    actions: set[str]


@dataclass
class MyWork:
    items: list[WorkItem]
    more: bool
    takeover: list[WorkItem]


def _items(cases: list[Case], user: User, now: dt.datetime, offered: tuple[str, ...]):
    clocks = clocks_for_cases(case_ids=[c.pk for c in cases], now=now)
    return [
        WorkItem(
            case=case,
            clocks=[c for c in clocks.get(case.pk, []) if c.met_at is None],
            next_due=case.next_due,
            overdue=case.next_due is not None and case.next_due <= now,
            actions={a for a in offered if transitions.allowed(a, case, user)},
        )
        for case in cases
    ]


def my_work(*, user: User, now: dt.datetime) -> MyWork:
    """An engineer's open cases, the next clock to fall due first (overdue ones lead), with
    their running clocks; and the open cases of the engineer's teams that colleagues own,
    to take over."""
    mine = list(
        case_list(user=user)
        .filter(assignee_id=user.pk, status__in=OPEN)
        .annotate(next_due=_next_due())
        .order_by(F("next_due").asc(nulls_last=True), "id")[: MY_WORK_LIMIT + 1]
    )
    colleagues = list(
        case_list(user=user)
        .filter(team__members=user, status__in=OPEN, assignee__isnull=False)
        .exclude(assignee_id=user.pk)
        .annotate(next_due=_next_due())
        .order_by(F("next_due").asc(nulls_last=True), "id")[:TAKEOVER_LIMIT]
    )
    return MyWork(
        items=_items(mine[:MY_WORK_LIMIT], user, now, ("respond", "call", "resolve")),
        more=len(mine) > MY_WORK_LIMIT,
        takeover=_items(colleagues, user, now, ("takeover",)),
    )


@dataclass
class Escalation:
    case: Case
    level: int | None
    role: str
    at: dt.datetime


@dataclass
class Confirmation:
    """How a resolved case came to be confirmed: the entry (the customer's words, the desk's
    note, or the deadline passing), or nothing yet when only the deadline has passed."""

    entry: TimelineEntry | None
    deemed: bool


@dataclass
class Awaiting:
    case: Case
    confirmation: Confirmation
    can_close: bool


@dataclass
class ManagerBoard:
    escalations: list[Escalation]
    breaches_today: int
    breaches_week: int
    breaches: list[CaseClock]
    today_start: dt.datetime
    week_start: dt.datetime
    awaiting: list[Awaiting] = field(default_factory=list)


def _escalations(user: User) -> list[Escalation]:
    """Cases an escalation step was addressed to the reader about, newest first: one row
    per (case, level), however many channels the step went out on."""
    messages = (
        OutboxMessage.objects.filter(
            recipient_id=user.pk, event=Event.ESCALATED, case_id__isnull=False
        )
        .order_by("-id")
        .values_list("case_id", "payload", "created_at")[:ESCALATION_MESSAGES_READ]
    )
    steps: dict[tuple[int, int | None], dt.datetime] = {}
    for case_id, payload, at in messages:
        level = ((payload or {}).get("context") or {}).get("level")
        level = level if isinstance(level, int) else None
        steps.setdefault((case_id, level), at)
        if len(steps) >= ESCALATIONS_SHOWN:
            break
    cases = {
        c.pk: c for c in case_list(user=user).filter(pk__in={case_id for case_id, _l in steps})
    }
    return [
        Escalation(
            case=cases[case_id],
            level=level,
            role=str(MANAGER_LEVELS[level].label) if level in MANAGER_LEVELS else "",
            at=at,
        )
        for (case_id, level), at in steps.items()
        if case_id in cases
    ]


def _confirmations(cases: list[Case]) -> dict[int, TimelineEntry]:
    """The confirmation entry of each case's latest resolution (one query)."""
    found: dict[int, TimelineEntry | None] = {}
    entries = (
        TimelineEntry.objects.filter(
            case_id__in=[c.pk for c in cases], kind__in=[EntryKind.RESOLVED, EntryKind.CONFIRMED]
        )
        .select_related("content", "author")
        .order_by("case_id", "seq")
    )
    for entry in entries:
        found[entry.case_id] = entry if entry.kind == EntryKind.CONFIRMED else None
    return {pk: entry for pk, entry in found.items() if entry is not None}


def manager_board(*, user: User, now: dt.datetime) -> ManagerBoard:
    """A manager's page: escalations addressed to them, breaches today and this week (in the
    service's time zone), and resolved cases ready to close, with the confirmation to read
    before closing."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone)
    today_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    week_start = today_start - dt.timedelta(days=local.weekday())
    breaches = CaseClock.objects.filter(
        breached=True, breached_at__gte=week_start, case__in=case_queryset(user=user)
    )
    counts = breaches.aggregate(
        today=Count("pk", filter=Q(breached_at__gte=today_start)), week=Count("pk")
    )
    awaiting = list(
        case_list(user=user)
        .filter(status=Status.RESOLVED)
        .filter(Q(confirmed_at__isnull=False) | Q(confirm_deadline__lte=now))
        .order_by("resolved_at", "id")[:AWAITING_SHOWN]
    )
    confirmations = _confirmations(awaiting)
    return ManagerBoard(
        escalations=_escalations(user),
        breaches_today=counts["today"],
        breaches_week=counts["week"],
        breaches=list(
            breaches.select_related("case__organisation", "case__assignee").order_by(
                "-breached_at", "-id"
            )[:BREACHES_SHOWN]
        ),
        today_start=today_start,
        week_start=week_start,
        awaiting=[
            Awaiting(
                case=case,
                confirmation=Confirmation(
                    entry=confirmations.get(case.pk), deemed=case.confirmed_at is None
                ),
                can_close=transitions.allowed("close", case, user),
            )
            for case in awaiting
        ],
    )
