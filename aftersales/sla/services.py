"""The clocks of a case, kept in step with its workflow.

`clocks_start` runs when a case is opened and `on_transition` after every move of the case
workflow, inside the same transaction and with the case locked (cases.services calls both).
Each returns data for the timeline entry of the move, so the timeline shows what the clocks did.
What falls due later (reminders, escalation steps, breaches) is stored as `SlaEvent` rows with
their due time; the sweep (sla.sweep) fires them.
"""

import datetime as dt
from dataclasses import dataclass

from aftersales.cases.choices import Status
from aftersales.cases.models import Case
from aftersales.cases.transitions import Action
from aftersales.core.clock import local_iso
from aftersales.sla.choices import EventKind, Metric
from aftersales.sla.models import CaseClock, SlaEvent
from aftersales.sla.selectors import (
    LoadedPolicy,
    case_in_warranty,
    policy_by_id,
    policy_for_case,
)

STARTED_AT_OPENING = (Metric.RESPONSE, Metric.CAUSE, Metric.RESOLUTION)
PAUSABLE = (EventKind.ESCALATION, EventKind.BREACH)
ASSIGNMENT = (EventKind.REMINDER, EventKind.REASSIGN)


def _pending(case: Case):
    return SlaEvent.objects.filter(case=case, fired_at__isnull=True, cancelled_at__isnull=True)


def _breach_event(clock: CaseClock) -> SlaEvent:
    return SlaEvent(
        case_id=clock.case_id,
        kind=EventKind.BREACH,
        metric=clock.metric,
        base_at=clock.started_at,
        offset_minutes=(clock.target_minutes or 0) + clock.paused_minutes,
        due_at=clock.due_at,
    )


def _ladder_events(
    case: Case, loaded: LoadedPolicy, paused: float, above_level: int = 0
) -> list[SlaEvent]:
    return [
        SlaEvent(
            case_id=case.pk,
            kind=EventKind.ESCALATION,
            level=step.level,
            base_at=case.reported_at,
            offset_minutes=step.after_minutes,
            due_at=loaded.calendar.due(case.reported_at, step.after_minutes + paused),
        )
        for step in loaded.steps(case.severity)
        if step.level > above_level
    ]


@dataclass
class ClockPlan:
    """The clocks and events of a case about to be opened, worked out before it is saved so
    that its first timeline entry can show them."""

    clocks: list[CaseClock]
    events: list[SlaEvent]
    entry_data: dict

    def save(self, case: Case) -> None:
        for row in (*self.clocks, *self.events):
            row.case = case
        CaseClock.objects.bulk_create(self.clocks)
        SlaEvent.objects.bulk_create(self.events)


def clocks_plan(*, case: Case, assets) -> ClockPlan:
    """The response, cause and resolution clocks from the report, the breaches and the
    escalation ladder, for a case not yet saved."""
    loaded = policy_for_case(case)
    if loaded is None:
        return ClockPlan([], [], {})
    in_warranty = case_in_warranty(case, assets)
    clocks = []
    for metric in STARTED_AT_OPENING:
        target = loaded.target(metric, case.severity, case.case_type, in_warranty)
        due = loaded.calendar.due(case.reported_at, target) if target is not None else None
        clocks.append(
            CaseClock(
                metric=metric,
                policy=loaded.policy,
                started_at=case.reported_at,
                target_minutes=target,
                due_at=due,
            )
        )
    events = [_breach_event(c) for c in clocks if c.due_at is not None]
    events += _ladder_events(case, loaded, paused=0)
    entry_data = {
        "sla": {
            "policy": loaded.policy.name,
            "in_warranty": in_warranty,
            "due": {c.metric: local_iso(c.due_at) for c in clocks if c.due_at},
        }
    }
    return ClockPlan(clocks, events, entry_data)


def clock_start(*, case: Case, metric: str, at: dt.datetime) -> CaseClock | None:
    """Start a clock that does not start with the case (on-site arrival, when a visit is
    dispatched). Counted from the report all the same. Idempotent. None where the case's
    policy sets no target for the metric: there is nothing to count."""
    existing = CaseClock.objects.filter(case=case, metric=metric).first()
    if existing is not None:
        return existing
    loaded = _policy_of(case) or policy_for_case(case)
    if loaded is None:
        return None
    in_warranty = case_in_warranty(case, case.assets.select_related("contract"))
    target = loaded.target(metric, case.severity, case.case_type, in_warranty)
    if target is None:
        return None
    paused = max((c.paused_minutes for c in CaseClock.objects.filter(case=case)), default=0)
    clock = CaseClock.objects.create(
        case=case,
        metric=metric,
        policy=loaded.policy,
        started_at=case.reported_at,
        target_minutes=target,
        paused_minutes=paused,
        due_at=loaded.calendar.due(case.reported_at, target + paused) if target else None,
    )
    if clock.due_at is not None:
        _breach_event(clock).save()
    return clock


def clock_stop(*, case: Case, metric: str, at: dt.datetime) -> dict | None:
    """Stop one clock of a locked case (on-site arrival, when the engineer arrives): met or
    breached, its pending breach cancelled. Returns data for the timeline entry of the
    change that stopped it; None where the clock does not exist or already stopped."""
    return _Clocks(case).stop(metric, at)


def clock_withdraw(*, case: Case, metric: str, at: dt.datetime) -> dict | None:
    """Take back a clock started for something that will not happen (the only visit of a
    case is cancelled before anyone arrived): a clock not yet breached is removed with its
    pending breach; a breached one stays, breached. Returns data for the timeline entry."""
    clock = CaseClock.objects.filter(case=case, metric=metric, met_at__isnull=True).first()
    if clock is None:
        return None
    if clock.breached or (clock.due_at is not None and clock.due_at <= at):
        return {"kept": True, "breached": True}
    _pending(case).filter(kind=EventKind.BREACH, metric=metric).update(cancelled_at=at)
    clock.delete()
    return {"withdrawn": True}


def _policy_of(case: Case) -> LoadedPolicy | None:
    policy_id = CaseClock.objects.filter(case=case).values_list("policy_id", flat=True).first()
    return policy_by_id(policy_id) if policy_id else None


class _Clocks:
    """The clocks of one locked case, the policy loaded only when arithmetic needs it."""

    def __init__(self, case: Case):
        self.case = case
        self.by_metric = {c.metric: c for c in CaseClock.objects.filter(case=case)}
        self._loaded: LoadedPolicy | None = None

    @property
    def loaded(self) -> LoadedPolicy:
        if self._loaded is None:
            self._loaded = policy_by_id(next(iter(self.by_metric.values())).policy_id)
        return self._loaded

    @property
    def paused(self) -> bool:
        return any(c.paused_since is not None for c in self.by_metric.values())

    def stop(self, metric: str, at: dt.datetime) -> dict | None:
        clock = self.by_metric.get(metric)
        if clock is None or clock.met_at is not None:
            return None
        if clock.paused_since is not None:
            clock.paused_minutes += self.loaded.calendar.elapsed(clock.paused_since, at)
            clock.paused_since = None
            clock.due_at = self._due(clock)
        clock.met_at = at
        if clock.due_at is not None and at > clock.due_at and not clock.breached:
            clock.breached, clock.breached_at = True, clock.due_at
        clock.save()
        _pending(self.case).filter(kind=EventKind.BREACH, metric=metric).update(cancelled_at=at)
        return {"met": not clock.breached, "due": local_iso(clock.due_at)}

    def _due(self, clock: CaseClock) -> dt.datetime | None:
        if clock.target_minutes is None:
            return None
        return self.loaded.calendar.due(
            clock.started_at, clock.target_minutes + clock.paused_minutes
        )

    def pause(self, at: dt.datetime) -> dict | None:
        if self.paused or not self.loaded.policy.pause_when_waiting_customer:
            return None
        running = [c for c in self.by_metric.values() if c.met_at is None]
        for clock in running:
            clock.paused_since, clock.due_at = at, None
            clock.save(update_fields=["paused_since", "due_at"])
        _pending(self.case).filter(kind__in=PAUSABLE).update(due_at=None)
        return {"paused": sorted(c.metric for c in running)}

    def resume(self, at: dt.datetime) -> dict | None:
        if not self.paused:
            return None
        calendar = self.loaded.calendar
        resumed = {}
        for clock in self.by_metric.values():
            if clock.paused_since is None:
                continue
            clock.paused_minutes += calendar.elapsed(clock.paused_since, at)
            clock.paused_since = None
            clock.due_at = self._due(clock)
            clock.save(update_fields=["paused_minutes", "paused_since", "due_at"])
            resumed[clock.metric] = local_iso(clock.due_at)
        for event in _pending(self.case).filter(kind__in=PAUSABLE):
            event.due_at = self._event_due(event)
            event.save(update_fields=["due_at"])
        return {"resumed": resumed}

    def _event_due(self, event: SlaEvent) -> dt.datetime | None:
        if event.kind == EventKind.BREACH:
            clock = self.by_metric.get(event.metric)
            return clock.due_at if clock else None
        cause = self.by_metric.get(Metric.CAUSE)
        paused = cause.paused_minutes if cause else 0
        return self.loaded.calendar.due(event.base_at, event.offset_minutes + paused)

    def restart(self, metric: str) -> dict | None:
        """A rejected or reopened resolution: the clock runs again from the report."""
        clock = self.by_metric.get(metric)
        if clock is None or clock.met_at is None:
            return None
        clock.met_at = None
        clock.due_at = self._due(clock)
        clock.save(update_fields=["met_at", "due_at"])
        if clock.due_at is not None and not clock.breached:
            _breach_event(clock).save()
        return {"due": local_iso(clock.due_at)}

    def recompute(self, at: dt.datetime) -> dict:
        """New severity: new targets for the running clocks, counted from the report; a new
        ladder above the levels already reached."""
        case, loaded = self.case, self.loaded
        assets = case.assets.select_related("contract")
        in_warranty = case_in_warranty(case, assets)
        pending = _pending(case)
        reached = max(
            (
                e.level or 0
                for e in SlaEvent.objects.filter(
                    case=case, kind=EventKind.ESCALATION, fired_at__isnull=False
                )
            ),
            default=0,
        )
        pending.filter(kind__in=PAUSABLE).update(cancelled_at=at)
        due = {}
        new_events = []
        for clock in self.by_metric.values():
            if clock.met_at is not None:
                continue
            clock.target_minutes = loaded.target(
                clock.metric, case.severity, case.case_type, in_warranty
            )
            clock.due_at = None if clock.paused_since else self._due(clock)
            clock.save(update_fields=["target_minutes", "due_at"])
            if clock.due_at is not None:
                due[clock.metric] = local_iso(clock.due_at)
            if clock.target_minutes is not None and not clock.breached:
                new_events.append(_breach_event(clock))
        cause = self.by_metric.get(Metric.CAUSE)
        if cause is not None and cause.met_at is None:
            new_events += _ladder_events(case, loaded, cause.paused_minutes, above_level=reached)
        if self.paused:
            for event in new_events:
                event.due_at = None
        SlaEvent.objects.bulk_create(new_events)
        return {"due": due}

    def schedule_reminders(self, at: dt.datetime, actor) -> dict | None:
        policy = self.loaded.policy
        _pending(self.case).filter(kind__in=ASSIGNMENT).update(cancelled_at=at)
        minutes = sorted(int(m) for m in policy.reminder_minutes or [])
        if not minutes or self.case.assignee_id is None:
            return None
        calendar = self.loaded.calendar
        data = {"dispatcher": actor.pk if actor is not None else None}
        events = [
            SlaEvent(
                case=self.case,
                kind=EventKind.REMINDER,
                level=n,
                base_at=at,
                offset_minutes=m,
                due_at=calendar.due(at, m),
                data=data,
            )
            for n, m in enumerate(minutes, 1)
        ]
        if policy.auto_reassign:
            events.append(
                SlaEvent(
                    case=self.case,
                    kind=EventKind.REASSIGN,
                    base_at=at,
                    offset_minutes=minutes[-1],
                    due_at=calendar.due(at, minutes[-1]),
                    data=data,
                )
            )
        SlaEvent.objects.bulk_create(events)
        return {"reminders": [local_iso(e.due_at) for e in events if e.kind == EventKind.REMINDER]}

    def cancel_all(self, at: dt.datetime) -> None:
        _pending(self.case).update(cancelled_at=at)


def on_transition(*, case: Case, action: str, at: dt.datetime, previous: str, actor=None) -> dict:
    """Keep the clocks in step with one move of the workflow. `case` is locked and already
    changed; `previous` is its state before the move."""
    if action in (Action.NOTE, Action.CALL, Action.FOLLOW_UP, Action.CONFIRM):
        return {}
    clocks = _Clocks(case)
    if not clocks.by_metric:
        return {}
    sla: dict = {}

    def put(key: str, value) -> None:
        if value:
            sla[key] = value

    if action in (Action.ASSIGN, Action.TRANSFER, Action.REOPEN, Action.AUTO_REASSIGN):
        put("reminders", clocks.schedule_reminders(at, actor))
    if action in (Action.RESPOND, Action.TAKEOVER, Action.RESOLVE):
        put(Metric.RESPONSE, clocks.stop(Metric.RESPONSE, at))
        _pending(case).filter(kind__in=ASSIGNMENT).update(cancelled_at=at)
    if action in (Action.CONFIRM_CAUSE, Action.RESOLVE):
        put(Metric.CAUSE, clocks.stop(Metric.CAUSE, at))
        _pending(case).filter(kind=EventKind.ESCALATION).update(cancelled_at=at)
    if action == Action.RESOLVE:
        put(Metric.RESOLUTION, clocks.stop(Metric.RESOLUTION, at))
    if action in (Action.REJECT, Action.REOPEN):
        put(Metric.RESOLUTION, clocks.restart(Metric.RESOLUTION))
    if action == Action.SET_SEVERITY:
        put("recomputed", clocks.recompute(at))
    if action in (Action.WAIT, Action.RESUME):
        if case.status == Status.WAITING_CUSTOMER:
            put("pause", clocks.pause(at))
        elif previous == Status.WAITING_CUSTOMER:
            put("resume", clocks.resume(at))
    if action in (Action.CANCEL, Action.CLOSE, Action.CLOSE_WITH_MASTER, Action.LINK_MASTER):
        clocks.cancel_all(at)
    return {"sla": sla} if sla else {}
