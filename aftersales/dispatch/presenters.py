"""How the visit entries of a case's timeline read (registered with cases.presenters)."""

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from aftersales.cases.choices import EntryKind
from aftersales.cases.presenters import register_summary
from aftersales.dispatch.choices import SignatureRole, VisitResult


def _when(value: str | None, fmt: str = "SHORT_DATETIME_FORMAT") -> str:
    moment = parse_datetime(value) if value else None
    return date_format(localtime(moment), fmt) if moment else "—"


def _window(d: dict) -> str:
    start, end = parse_datetime(d.get("start") or ""), parse_datetime(d.get("end") or "")
    if not start or not end:
        return "—"
    start, end = localtime(start), localtime(end)
    first = date_format(start, "SHORT_DATETIME_FORMAT")
    if start.date() == end.date():
        return f"{first}–{end:%H:%M}"
    return f"{first} – {date_format(end, 'SHORT_DATETIME_FORMAT')}"


def _engineer(d: dict) -> str:
    return d.get("engineer_name") or d.get("engineer") or "—"


def _onsite(d: dict) -> str:
    clock = (d.get("sla") or {}).get("onsite")
    if not clock:
        return ""
    if clock.get("met"):
        return " · " + _("on-site target met")
    return " · " + _("on-site target missed (due %(due)s)") % {"due": _when(clock.get("due"))}


def _scheduled(d: dict) -> str:
    return _("Visit %(n)s scheduled: %(engineer)s, %(window)s") % {
        "n": d.get("visit_number", ""),
        "engineer": _engineer(d),
        "window": _window(d),
    }


def _rescheduled(d: dict) -> str:
    return _("Visit %(n)s rescheduled: %(engineer)s, %(window)s") % {
        "n": d.get("visit_number", ""),
        "engineer": _engineer(d),
        "window": _window(d),
    }


def _departed(d: dict) -> str:
    return _("%(engineer)s left for the site (visit %(n)s)") % {
        "engineer": _engineer(d),
        "n": d.get("visit_number", ""),
    }


def _arrived(d: dict) -> str:
    text = _("%(engineer)s arrived on site at %(time)s (visit %(n)s)") % {
        "engineer": _engineer(d),
        "time": _when(d.get("at")),
        "n": d.get("visit_number", ""),
    }
    return text + _onsite(d)


def _log(d: dict) -> str:
    return _("Work log, visit %(n)s") % {"n": d.get("visit_number", "")}


def _signed(d: dict) -> str:
    role = d.get("role")
    who = _("the customer") if role == SignatureRole.CUSTOMER else _("the engineer")
    return _("Visit %(n)s signed by %(who)s: %(name)s") % {
        "n": d.get("visit_number", ""),
        "who": who,
        "name": d.get("name") or "—",
    }


def _done(d: dict) -> str:
    try:
        result = VisitResult(d.get("result")).label
    except ValueError:
        result = d.get("result") or "—"
    return _("Visit %(n)s done: %(result)s") % {"n": d.get("visit_number", ""), "result": result}


def _cancelled(d: dict) -> str:
    return _("Visit %(n)s cancelled") % {"n": d.get("visit_number", "")}


def register() -> None:
    register_summary(EntryKind.VISIT_SCHEDULED, _scheduled)
    register_summary(EntryKind.VISIT_RESCHEDULED, _rescheduled)
    register_summary(EntryKind.VISIT_DEPARTED, _departed)
    register_summary(EntryKind.VISIT_ARRIVED, _arrived)
    register_summary(EntryKind.VISIT_LOG, _log)
    register_summary(EntryKind.VISIT_SIGNED, _signed)
    register_summary(EntryKind.VISIT_DONE, _done)
    register_summary(EntryKind.VISIT_CANCELLED, _cancelled)
