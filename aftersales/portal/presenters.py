"""How the portal words a case for its customer: the state in plain words, and the service
level clocks as the promises they are ("We will contact you by 10:30"), without the internal
machinery behind them (targets in minutes, the escalation ladder, who was told)."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from aftersales.cases.choices import OPEN, Status
from aftersales.cases.models import Case
from aftersales.sla.choices import Metric
from aftersales.sla.selectors import ClockView


@dataclass(frozen=True)
class PlainState:
    label: str
    tone: str  # a Tabler colour: the badge's look
    needs_me: bool = False  # the customer is the one who must act


def plain_state(case: Case) -> PlainState:
    """The case's state as its customer would say it."""
    status = case.status
    if status == Status.RESOLVED:
        if case.confirmed_at is None:
            return PlainState(_("Fixed – please confirm"), "orange", needs_me=True)
        return PlainState(_("Fixed and confirmed"), "green")
    words = {
        Status.NEW: (_("Received, an engineer will be assigned"), "blue"),
        Status.ASSIGNED: (_("An engineer is assigned"), "blue"),
        Status.IN_PROGRESS: (_("Being worked on"), "blue"),
        Status.WAITING_CUSTOMER: (_("Waiting for your reply"), "orange"),
        Status.WAITING_VENDOR: (_("Waiting for the manufacturer"), "azure"),
        Status.WAITING_PARTS: (_("Waiting for spare parts"), "azure"),
        Status.WAITING_MASTER: (_("Being fixed with a wider incident"), "azure"),
        Status.CLOSED: (_("Closed"), "secondary"),
        Status.CANCELLED: (_("Cancelled"), "secondary"),
    }
    label, tone = words.get(status, (status, "secondary"))
    return PlainState(label, tone, needs_me=status == Status.WAITING_CUSTOMER)


def moment(value: dt.datetime, today: dt.date) -> str:
    """A time as a customer reads it: "10:30" today, "25 November 10:00" (in their language's
    order) another day, with the year only when it is not this year's."""
    local = timezone.localtime(value)
    time = date_format(local, "H:i")
    if local.date() == today:
        return time
    if local.year == today.year:
        return f"{date_format(local, 'MONTH_DAY_FORMAT')} {time}"
    return f"{date_format(local, 'DATE_FORMAT')} {time}"


@dataclass(frozen=True)
class Promise:
    metric: str
    text: str
    state: str  # "pending", "overdue", "paused", "kept" or "late"

    @property
    def icon(self) -> str:
        return {
            "pending": "clock",
            "overdue": "alert-triangle",
            "paused": "player-pause",
            "kept": "circle-check",
            "late": "clock-exclamation",
        }[self.state]


# The clocks a customer is promised. The cause clock is left out: it is the internal deadline
# for a diagnosis that drives the escalation ladder, not something the contract tells them.
PROMISED = (Metric.RESPONSE, Metric.ONSITE, Metric.RESOLUTION)


def _pending(metric: str, when: str) -> str:
    return {
        Metric.RESPONSE: _("We will contact you by %(when)s."),
        Metric.ONSITE: _("An engineer will be on site by %(when)s."),
        Metric.RESOLUTION: _("Fix promised by %(when)s."),
    }[metric] % {"when": when}


def _overdue(metric: str, when: str) -> str:
    return {
        Metric.RESPONSE: _("We promised to contact you by %(when)s and are late. Sorry."),
        Metric.ONSITE: _("An engineer was due on site by %(when)s and is late. Sorry."),
        Metric.RESOLUTION: _("The fix was promised by %(when)s and is late. Sorry."),
    }[metric] % {"when": when}


def _kept(metric: str, when: str) -> str:
    return {
        Metric.RESPONSE: _("We contacted you at %(when)s, on time."),
        Metric.ONSITE: _("The engineer arrived on site at %(when)s, on time."),
        Metric.RESOLUTION: _("Fixed at %(when)s, on time."),
    }[metric] % {"when": when}


def _late(metric: str, when: str, due: str) -> str:
    return {
        Metric.RESPONSE: _("We contacted you at %(when)s, later than promised (%(due)s)."),
        Metric.ONSITE: _(
            "The engineer arrived on site at %(when)s, later than promised (%(due)s)."
        ),
        Metric.RESOLUTION: _("Fixed at %(when)s, later than promised (%(due)s)."),
    }[metric] % {"when": when, "due": due}


def _paused(metric: str) -> str:
    return {
        Metric.RESPONSE: _("Contact: on hold while we wait for your reply."),
        Metric.ONSITE: _("Site visit: on hold while we wait for your reply."),
        Metric.RESOLUTION: _("Fix: on hold while we wait for your reply."),
    }[metric]


def promises(*, case: Case, clocks: list[ClockView], now: dt.datetime) -> list[Promise]:
    """The case's service level clocks worded as what we promised and whether we kept it.
    A clock without a target promises nothing; once the case is fixed, closed or handled
    with a wider incident, only the promises already met remain."""
    today = timezone.localtime(now).date()
    found = []
    for clock in clocks:
        if clock.metric not in PROMISED:
            continue
        if clock.met_at is not None:
            when = moment(clock.met_at, today)
            if clock.breached and clock.due_at is not None:
                text = _late(clock.metric, when, moment(clock.due_at, today))
                found.append(Promise(clock.metric, text, "late"))
            elif clock.due_at is not None:
                found.append(Promise(clock.metric, _kept(clock.metric, when), "kept"))
            continue
        if case.status not in OPEN:
            continue
        if clock.paused:
            found.append(Promise(clock.metric, _paused(clock.metric), "paused"))
        elif clock.due_at is not None:
            when = moment(clock.due_at, today)
            if clock.state == "overdue":
                found.append(Promise(clock.metric, _overdue(clock.metric, when), "overdue"))
            else:
                found.append(Promise(clock.metric, _pending(clock.metric, when), "pending"))
    return found
