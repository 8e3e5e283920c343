"""How the rma app's timeline entries read (registered with cases.presenters)."""

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from aftersales.cases.choices import EntryKind
from aftersales.cases.presenters import register_summary
from aftersales.rma.choices import RepairKind


def _when(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    return date_format(localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "—"


def _part(d: dict) -> str:
    return f"{d.get('part_number') or ''} {d.get('part') or ''}".strip()


def _late(d: dict) -> str:
    return _(" (late)") if d.get("late") else ""


def _confirmed(d: dict) -> str:
    return _("Hardware fault confirmed: RMA %(rma)s, replacement %(part)s ships by %(due)s") % {
        "rma": d.get("rma"),
        "part": _part(d),
        "due": _when(d.get("ship_due_at")),
    }


def _shipped(d: dict) -> str:
    text = _("RMA %(rma)s: replacement %(part)s shipped%(late)s") % {
        "rma": d.get("rma"),
        "part": _part(d),
        "late": _late(d),
    }
    if d.get("tracking_number"):
        text += _(", %(carrier)s %(tracking)s") % {
            "carrier": d.get("carrier") or "",
            "tracking": d["tracking_number"],
        }
    return text + _("; return the faulty part by %(due)s") % {"due": _when(d.get("return_due_at"))}


def _faulty_received(d: dict) -> str:
    return _("RMA %(rma)s: faulty part received%(serial)s%(late)s") % {
        "rma": d.get("rma"),
        "serial": f" ({d['faulty_serial']})" if d.get("faulty_serial") else "",
        "late": _late(d),
    }


def _return_reminder(d: dict) -> str:
    return _("RMA %(rma)s: reminded to return the faulty part by %(due)s") % {
        "rma": d.get("rma"),
        "due": _when(d.get("return_due_at")),
    }


def _return_overdue(d: dict) -> str:
    return _("RMA %(rma)s: faulty part not returned, due %(due)s (reminder %(n)s)") % {
        "rma": d.get("rma"),
        "due": _when(d.get("return_due_at")),
        "n": d.get("notice"),
    }


def _sent_to_repair(d: dict) -> str:
    if d.get("repair_kind") == RepairKind.VENDOR:
        where = _("vendor %(vendor)s") % {"vendor": d.get("vendor") or "—"}
        if d.get("reference"):
            where += f" ({d['reference']})"
    else:
        where = _("in-house repair")
    return _("RMA %(rma)s: faulty part sent to %(where)s, repair due %(due)s") % {
        "rma": d.get("rma"),
        "where": where,
        "due": _when(d.get("repair_due_at")),
    }


def _repaired(d: dict) -> str:
    return _("RMA %(rma)s: part back from repair%(late)s") % {
        "rma": d.get("rma"),
        "late": _late(d),
    }


def _inspected(d: dict) -> str:
    if d.get("passed"):
        return _("RMA %(rma)s: passed inspection, back in stock at %(location)s") % {
            "rma": d.get("rma"),
            "location": d.get("location"),
        }
    return _("RMA %(rma)s: failed inspection, scrapped") % {"rma": d.get("rma")}


def _overdue(d: dict) -> str:
    if d.get("target") == "repair":
        text = _("RMA %(rma)s: exchange repair not done by %(due)s")
    else:
        text = _("RMA %(rma)s: replacement not shipped by %(due)s")
    return text % {"rma": d.get("rma"), "due": _when(d.get("due_at"))}


def _reserved(d: dict) -> str:
    return _("Reserved %(quantity)s × %(part)s at %(location)s") % {
        "quantity": d.get("quantity"),
        "part": _part(d),
        "location": d.get("location"),
    }


def _released(d: dict) -> str:
    return _("Released %(quantity)s × %(part)s at %(location)s") % {
        "quantity": d.get("quantity"),
        "part": _part(d),
        "location": d.get("location"),
    }


def _consumed(d: dict) -> str:
    text = _("Used %(quantity)s × %(part)s from %(location)s") % {
        "quantity": d.get("quantity"),
        "part": _part(d),
        "location": d.get("location"),
    }
    if d.get("serial_numbers"):
        text += f" ({', '.join(d['serial_numbers'])})"
    return text


def _loan_out(d: dict) -> str:
    return _("Loaner %(part)s (%(serial)s) lent to %(site)s, due back %(due)s") % {
        "part": _part(d),
        "serial": d.get("serial_number"),
        "site": d.get("site"),
        "due": _when(d.get("due_back_at")),
    }


def _loan_extended(d: dict) -> str:
    return _("Loan %(loan)s extended to %(due)s") % {
        "loan": d.get("loan"),
        "due": _when(d.get("due_back_at")),
    }


def _loan_reminder(d: dict) -> str:
    return _("Loan %(loan)s: reminded that the loaner is due back %(due)s") % {
        "loan": d.get("loan"),
        "due": _when(d.get("due_back_at")),
    }


def _loan_overdue(d: dict) -> str:
    return _("Loan %(loan)s: loaner not back, due %(due)s (reminder %(n)s)") % {
        "loan": d.get("loan"),
        "due": _when(d.get("due_back_at")),
        "n": d.get("notice"),
    }


def _loan_returned(d: dict) -> str:
    return _("Loaner %(part)s (%(serial)s) returned%(late)s") % {
        "part": _part(d),
        "serial": d.get("serial_number"),
        "late": _late(d),
    }


def _vendor_opened(d: dict) -> str:
    return _("Handed to %(vendor)s's support, reference %(reference)s") % {
        "vendor": d.get("vendor"),
        "reference": d.get("reference"),
    }


def _vendor_answer(d: dict) -> str:
    return _("%(vendor)s answered (%(reference)s)") % {
        "vendor": d.get("vendor"),
        "reference": d.get("reference"),
    }


def _vendor_closed(d: dict) -> str:
    return _("%(vendor)s's ticket %(reference)s closed") % {
        "vendor": d.get("vendor"),
        "reference": d.get("reference"),
    }


SUMMARIES = {
    EntryKind.RMA_CONFIRMED: _confirmed,
    EntryKind.RMA_SHIPPED: _shipped,
    EntryKind.RMA_FAULTY_RECEIVED: _faulty_received,
    EntryKind.RMA_RETURN_REMINDER: _return_reminder,
    EntryKind.RMA_RETURN_OVERDUE: _return_overdue,
    EntryKind.RMA_SENT_TO_REPAIR: _sent_to_repair,
    EntryKind.RMA_REPAIRED: _repaired,
    EntryKind.RMA_INSPECTED: _inspected,
    EntryKind.RMA_WRITTEN_OFF: lambda d: (
        _("RMA %(rma)s: unreturned part written off") % {"rma": d.get("rma")}
    ),
    EntryKind.RMA_CANCELLED: lambda d: _("RMA %(rma)s cancelled") % {"rma": d.get("rma")},
    EntryKind.RMA_OVERDUE: _overdue,
    EntryKind.RMA_PARTS_RESERVED: _reserved,
    EntryKind.RMA_PARTS_RELEASED: _released,
    EntryKind.RMA_PARTS_CONSUMED: _consumed,
    EntryKind.RMA_LOAN_OUT: _loan_out,
    EntryKind.RMA_LOAN_EXTENDED: _loan_extended,
    EntryKind.RMA_LOAN_REMINDER: _loan_reminder,
    EntryKind.RMA_LOAN_OVERDUE: _loan_overdue,
    EntryKind.RMA_LOAN_RETURNED: _loan_returned,
    EntryKind.RMA_LOAN_LOST: lambda d: (
        _("Loaner %(serial)s written off") % {"serial": d.get("serial_number")}
    ),
    EntryKind.RMA_VENDOR_OPENED: _vendor_opened,
    EntryKind.RMA_VENDOR_ANSWER: _vendor_answer,
    EntryKind.RMA_VENDOR_CLOSED: _vendor_closed,
}


def register() -> None:
    for kind, render in SUMMARIES.items():
        register_summary(kind, render)
