"""How timeline entries read, in the reader's language. Entries store codes and usernames;
the words are chosen when shown, so switching language changes the whole timeline."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from aftersales.cases.choices import (
    CallKind,
    Cause,
    Channel,
    Confirmation,
    EntryKind,
    Status,
    WaitingOn,
)


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _who(data: dict, key: str) -> str:
    return data.get(f"{key}_name") or data.get(key) or ""


def _minutes(data: dict) -> str:
    minutes = data.get("minutes")
    return _(" (%(minutes)s min)") % {"minutes": minutes} if minutes else ""


SUMMARIES: dict[str, Callable[[dict], str]] = {
    EntryKind.CREATED: lambda d: (
        _("Case opened (%(channel)s), severity %(severity)s")
        % {"channel": _label(Channel, d.get("channel")), "severity": d.get("severity", "")}
    ),
    EntryKind.ASSIGNED: lambda d: (
        (_("Reassigned automatically to %(user)s") if d.get("auto") else _("Assigned to %(user)s"))
        % {"user": _who(d, "assignee")}
    ),
    EntryKind.RESPONDED: lambda d: _("The engineer contacted the customer"),
    EntryKind.TAKEN_OVER: lambda d: _("Taken over by %(user)s") % {"user": _who(d, "assignee")},
    EntryKind.TRANSFERRED: lambda d: (
        _("Transferred to team %(team)s, owner %(user)s")
        % {"team": _who(d, "team"), "user": _who(d, "assignee")}
    ),
    EntryKind.EXPERT: lambda d: _("Escalated to expert %(user)s") % {"user": _who(d, "expert")},
    EntryKind.WAITING: lambda d: (
        _("Waiting on %(what)s") % {"what": _label(WaitingOn, d.get("on"))}
    ),
    EntryKind.RESUMED: lambda d: _("Work resumed"),
    EntryKind.CAUSE_CONFIRMED: lambda d: (
        _("Cause confirmed: %(cause)s") % {"cause": _label(Cause, d.get("cause"))}
    ),
    EntryKind.SEVERITY: lambda d: (
        _("Severity changed from %(old)s to %(new)s")
        % {"old": d.get("previous"), "new": d.get("severity")}
    ),
    EntryKind.CALL: lambda d: _label(CallKind, d.get("kind", CallKind.PHONE)) + _minutes(d),
    EntryKind.REMOTE_SESSION: lambda d: _("Remote session") + _minutes(d),
    EntryKind.RESOLVED: lambda d: (
        _("Resolved; cause: %(cause)s") % {"cause": _label(Cause, d.get("cause"))}
    ),
    EntryKind.CONFIRMED: lambda d: _label(Confirmation, d.get("confirmation")),
    EntryKind.REJECTED: lambda d: _("The resolution was rejected"),
    EntryKind.CLOSED: lambda d: (
        _("Closed with master incident %(number)s") % {"number": d["master"]}
        if d.get("master")
        else _("Closed")
    ),
    EntryKind.REOPENED: lambda d: _("Reopened"),
    EntryKind.CANCELLED: lambda d: _("Cancelled"),
    EntryKind.LINKED_MASTER: lambda d: (
        _("Linked to master incident %(number)s") % {"number": d.get("master")}
    ),
    EntryKind.DUPLICATE_ADDED: lambda d: (
        _("Duplicate report %(number)s linked") % {"number": d.get("duplicate")}
    ),
    EntryKind.FOLLOW_UP: lambda d: (
        _("Follow-up case %(number)s opened") % {"number": d.get("case")}
    ),
    EntryKind.NOTE: lambda d: _("Note"),
    EntryKind.ATTACHMENT: lambda d: _("File %(name)s") % {"name": d.get("name")},
    EntryKind.REDACTION: lambda d: _("Entry #%(seq)s redacted") % {"seq": d.get("seq")},
}


def register_summary(kind: str, render: Callable[[dict], str]) -> None:
    """Let other apps (SLA, dispatch, RMA...) describe the entry kinds they add."""
    SUMMARIES[kind] = render


def entry_summary(entry) -> str:
    if entry.is_redacted:
        return _("[redacted]")
    render = SUMMARIES.get(entry.kind)
    if render is None:
        return _label(EntryKind, entry.kind)
    return render(entry.data)


def status_label(status: str) -> str:
    return _label(Status, status)


def kind_label(kind: str) -> str:
    return _label(EntryKind, kind)
