"""How the SLA engine's timeline entries read (registered with cases.presenters)."""

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from aftersales.accounts.roles import Role
from aftersales.cases.choices import EntryKind
from aftersales.cases.presenters import register_summary
from aftersales.sla.choices import Metric


def _when(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    return date_format(localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def _reminder(d: dict) -> str:
    return _("Reminder %(n)s: %(user)s has not answered the assignment (due %(due)s)") % {
        "n": d.get("reminder"),
        "user": d.get("assignee") or "—",
        "due": _when(d.get("due_at")),
    }


def _escalation(d: dict) -> str:
    try:
        role = Role(d.get("role")).label
    except ValueError:
        role = d.get("role")
    return _("Escalated to level %(level)s, %(role)s: %(people)s (due %(due)s)") % {
        "level": d.get("level"),
        "role": role,
        "people": ", ".join(d.get("recipients") or []) or "—",
        "due": _when(d.get("due_at")),
    }


def _breach(d: dict) -> str:
    try:
        metric = Metric(d.get("metric")).label
    except ValueError:
        metric = d.get("metric")
    return _("Target missed: %(metric)s was due %(due)s") % {
        "metric": metric,
        "due": _when(d.get("due_at")),
    }


def register() -> None:
    register_summary(EntryKind.SLA_REMINDER, _reminder)
    register_summary(EntryKind.SLA_ESCALATION, _escalation)
    register_summary(EntryKind.SLA_BREACH, _breach)
