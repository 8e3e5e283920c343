"""The sweep: fire every reminder, escalation step and breach due up to a moment, exactly once
even when several sweeps run at once.

Candidates are read without locks; their cases are then locked with SKIP LOCKED (another
sweep, or a person acting on the case, holds the rest), and the due events of the locked cases
are re-read under lock. Writes are batched: the timeline entries, their contents, the events,
the clocks and the cases each go in one statement per batch, and so do the notifications.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Min

from aftersales.accounts.models import User
from aftersales.accounts.roles import MANAGER_LEVELS, Role
from aftersales.cases import services as case_services
from aftersales.cases.choices import EntryKind, Status, Visibility
from aftersales.cases.models import Case, TimelineContent, TimelineEntry
from aftersales.cases.selectors import engineer_workload
from aftersales.cases.timeline import timeline_build
from aftersales.core.clock import local_iso
from aftersales.core.clock import now as clock_now
from aftersales.core.errors import DomainError
from aftersales.notifications.choices import Event
from aftersales.notifications.services import Notification, notify_many
from aftersales.sla.choices import EventKind, Metric
from aftersales.sla.models import CaseClock, SlaEvent
from aftersales.sla.selectors import escalation_recipients

BATCH = 1000


@dataclass
class SweepReport:
    fired: int = 0
    reminders: int = 0
    escalations: int = 0
    breaches: int = 0
    reassigned: int = 0
    messages: int = 0


def sla_sweep(*, now: dt.datetime | None = None, batch: int = BATCH) -> SweepReport:
    """Fire everything due up to `now`, in batches, until nothing due is left unlocked."""
    moment = now or clock_now()
    report = SweepReport()
    while _sweep_batch(moment, batch, report):
        pass
    return report


def sla_next_due(*, until: dt.datetime) -> dt.datetime | None:
    """The earliest moment a reminder, step or breach is due, up to `until`; None if none."""
    return _pending_due(until).aggregate(at=Min("due_at"))["at"]


def _pending_due(moment: dt.datetime):
    return SlaEvent.objects.filter(
        fired_at__isnull=True, cancelled_at__isnull=True, due_at__isnull=False, due_at__lte=moment
    )


def _sweep_batch(moment: dt.datetime, batch: int, report: SweepReport) -> bool:
    """One batch in one transaction; False when there was nothing (left) to fire."""
    candidates = list(
        _pending_due(moment).order_by("due_at", "id").values_list("case_id", flat=True)[:batch]
    )
    if not candidates:
        return False
    with transaction.atomic():
        cases = {
            c.pk: c
            for c in Case.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("organisation", "site", "team")
            .filter(pk__in=set(candidates))
            .order_by("pk")
        }
        if not cases:
            return False
        events = list(
            _pending_due(moment)
            .select_for_update()
            .filter(case_id__in=list(cases))
            .order_by("case_id", "due_at", "id")
        )
        if not events:
            return False
        notifications = _fire(events, cases, moment, report)
        report.messages += notify_many(notifications)
    reassign = [e for e in events if e.kind == EventKind.REASSIGN]
    for event in reassign:
        _reassign(event, cases[event.case_id], report)
    return True


class _Recipients:
    """Who hears of what, looked up once per batch."""

    def __init__(self, events: list[SlaEvent]):
        ids = {e.data.get("dispatcher") for e in events if e.kind == EventKind.REMINDER}
        self.users = {u.pk: u for u in User.objects.filter(pk__in=ids - {None}, is_active=True)}
        self._dispatchers: list[User] | None = None
        self._ladder: dict[tuple, list[User]] = {}

    def user(self, pk: int | None) -> User | None:
        return self.users.get(pk)

    def dispatchers(self) -> list[User]:
        if self._dispatchers is None:
            self._dispatchers = list(
                User.objects.filter(
                    is_active=True, organisation__isnull=True, groups__name=Role.DISPATCHER
                ).distinct()
            )
        return self._dispatchers

    def ladder(self, case: Case, level: int, at: dt.datetime, policy) -> list[User]:
        # The recipients depend on the level, the roster at `at` (one moment per sweep) and,
        # where the policy narrows the ladder, the case's team or region: nothing else.
        team = case.team_id if policy.ladder_by_team else None
        region = None
        if policy.ladder_by_region:
            region = (case.site.region_id if case.site_id else None) or (
                case.organisation.region_id
            )
        key = (level, policy.pk, team, region)
        if key not in self._ladder:
            self._ladder[key] = escalation_recipients(case=case, level=level, at=at, policy=policy)
        return self._ladder[key]


def _fire(
    events: list[SlaEvent], cases: dict[int, Case], moment: dt.datetime, report
) -> list[Notification]:
    """Build every entry and message of one batch in memory, then write them in bulk."""
    recipients = _Recipients(events)
    clocks = {
        (c.case_id, c.metric): c
        for c in CaseClock.objects.filter(case_id__in=list(cases)).select_related("policy")
    }
    assignees = {
        u.pk: u
        for u in User.objects.filter(pk__in={c.assignee_id for c in cases.values()} - {None})
    }
    entries: list[tuple[TimelineEntry, TimelineContent]] = []
    notifications: list[Notification] = []
    touched_clocks: list[CaseClock] = []
    by_case: dict[int, list[SlaEvent]] = defaultdict(list)
    for event in events:
        by_case[event.case_id].append(event)
    for case_id, case_events in by_case.items():
        case = cases[case_id]
        assignee = assignees.get(case.assignee_id)
        for event in case_events:
            event.fired_at = moment
            when = {"due_at": local_iso(event.due_at), "fired_at": local_iso(moment)}
            if event.kind == EventKind.REMINDER:
                if case.status != Status.ASSIGNED:
                    continue
                dispatcher = recipients.user(event.data.get("dispatcher"))
                people = ([dispatcher] if dispatcher else recipients.dispatchers()) + (
                    [assignee] if assignee else []
                )
                data = {
                    **when,
                    "reminder": event.level,
                    "minutes": event.offset_minutes,
                    "assignee": assignee.username if assignee else None,
                }
                entries.append(_entry(case, EntryKind.SLA_REMINDER, data, moment))
                report.reminders += 1
                notifications.append(
                    Notification(
                        event=Event.REMINDER,
                        recipients=people,
                        case=case,
                        context={"assignee": str(assignee or ""), "due": event.due_at},
                        dedupe_key=f"sla:{event.pk}",
                    )
                )
            elif event.kind == EventKind.ESCALATION:
                policy = clocks[(case_id, "cause")].policy if (case_id, "cause") in clocks else None
                managers = recipients.ladder(case, event.level, moment, policy) if policy else []
                data = {
                    **when,
                    "level": event.level,
                    "role": MANAGER_LEVELS[event.level].value,
                    "recipients": sorted(u.username for u in managers),
                }
                entries.append(_entry(case, EntryKind.SLA_ESCALATION, data, moment))
                report.escalations += 1
                notifications.append(
                    Notification(
                        event=Event.ESCALATED,
                        recipients=managers + ([assignee] if assignee else []),
                        case=case,
                        context={
                            "level": event.level,
                            "role": MANAGER_LEVELS[event.level].label,
                            "due": event.due_at,
                        },
                        dedupe_key=f"sla:{event.pk}",
                    )
                )
            elif event.kind == EventKind.BREACH:
                clock = clocks.get((case_id, event.metric))
                if clock is None or clock.met_at is not None or clock.breached:
                    continue
                clock.breached, clock.breached_at = True, clock.due_at
                touched_clocks.append(clock)
                data = {**when, "metric": event.metric}
                entries.append(_entry(case, EntryKind.SLA_BREACH, data, moment))
                report.breaches += 1
                notifications.append(
                    Notification(
                        event=Event.BREACHED,
                        recipients=([assignee] if assignee else []) + recipients.dispatchers(),
                        case=case,
                        context={"target": Metric(event.metric).label, "due": event.due_at},
                        dedupe_key=f"sla:{event.pk}",
                    )
                )
            report.fired += 1
    _write(entries, events, touched_clocks, list(cases.values()), moment)
    return notifications


def _entry(case: Case, kind: str, data: dict, moment: dt.datetime):
    return timeline_build(
        case=case, kind=kind, actor=None, at=moment, data=data, visibility=Visibility.INTERNAL
    )


def _write(entries, events, clocks, cases, moment: dt.datetime) -> None:
    saved = TimelineEntry.objects.bulk_create([entry for entry, _content in entries])
    for entry, (_built, content) in zip(saved, entries, strict=True):
        content.entry = entry
    TimelineContent.objects.bulk_create([content for _entry, content in entries])
    # Every event of the batch fired at the same moment, and every breached clock breached at
    # its own due time: one UPDATE each, not a CASE over the rows.
    SlaEvent.objects.filter(pk__in=[e.pk for e in events]).update(fired_at=moment)
    if clocks:
        CaseClock.objects.filter(pk__in=[c.pk for c in clocks]).update(
            breached=True, breached_at=F("due_at")
        )
    appended = {entry.case_id for entry, _content in entries}
    _move_heads([case for case in cases if case.pk in appended])


def _move_heads(cases: list[Case]) -> None:
    """Write each case's new timeline head, count and time: one UPDATE … FROM a VALUES list
    per 500 cases (PostgreSQL, and SQLite since 3.33) rather than bulk_update's CASE over
    every row, which costs the database time quadratic in the batch."""
    meta, ops = Case._meta, connection.ops
    table = ops.quote_name(meta.db_table)
    pk, head, count, updated = (
        ops.quote_name(meta.get_field(name).column)
        for name in ("id", "timeline_head", "timeline_count", "updated_at")
    )
    for start in range(0, len(cases), 500):
        chunk = cases[start : start + 500]
        rows = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
        params = [
            value
            for case in chunk
            for value in (
                case.pk,
                case.timeline_head,
                case.timeline_count,
                ops.adapt_datetimefield_value(case.updated_at),
            )
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                # Identifiers from the model's _meta; every value a parameter.
                f"WITH v(id, head, n, at) AS (VALUES {rows}) "  # noqa: S608
                f"UPDATE {table} SET {head} = v.head, {count} = v.n, {updated} = v.at "
                f"FROM v WHERE {table}.{pk} = v.id",
                params,
            )


def _reassign(event: SlaEvent, case: Case, report: SweepReport) -> None:
    """At the last reminder, give the unanswered case to the least-loaded engineer of its team
    (or of everyone), never back to the same one."""
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if current.status != Status.ASSIGNED:
            return
        candidates = engineer_workload().exclude(pk=current.assignee_id)
        if current.team_id:
            in_team = candidates.filter(teams=current.team_id)
            candidates = in_team if in_team.exists() else candidates
        chosen = candidates.first()
        if chosen is None:
            return
        try:
            case_services.case_auto_reassign(case=current, assignee=chosen)
        except DomainError:
            return
        report.reassigned += 1
