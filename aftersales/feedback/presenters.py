"""How the feedback entries of a case's timeline read (registered with cases.presenters)."""

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from aftersales.cases.choices import EntryKind
from aftersales.cases.presenters import register_summary


def _when(value: str | None) -> str:
    moment = parse_datetime(value) if value else None
    return date_format(localtime(moment), "SHORT_DATETIME_FORMAT") if moment else ""


def _sent(d: dict) -> str:
    if not d.get("recipient"):
        return _("No satisfaction survey sent: the customer has no account to receive it")
    return _("Satisfaction survey sent to %(user)s (answer by %(until)s)") % {
        "user": d.get("recipient_name") or d.get("recipient"),
        "until": _when(d.get("expires_at")),
    }


def _answered(d: dict) -> str:
    return _("Satisfaction survey answered: %(rating)s of 5") % {"rating": d.get("rating")}


def _revisit(d: dict) -> str:
    if not d.get("reached"):
        if d.get("retry_at"):
            return _("Revisit call: customer not reached, to try again %(when)s") % {
                "when": _when(d.get("retry_at"))
            }
        return _("Revisit call: customer not reached")
    if d.get("satisfied"):
        return _("Revisit call: customer satisfied")
    return _("Revisit call: customer not satisfied")


def register() -> None:
    register_summary(EntryKind.SURVEY_SENT, _sent)
    register_summary(EntryKind.SURVEY_ANSWERED, _answered)
    register_summary(EntryKind.REVISIT, _revisit)
