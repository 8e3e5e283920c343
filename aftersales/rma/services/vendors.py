"""Cases handed to a vendor's support: their reference, their answers, our owner kept."""

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.cases import services as case_services
from aftersales.cases import transitions as case_transitions
from aftersales.cases.choices import EntryKind, Status, Visibility
from aftersales.cases.models import Case
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, ValidationError
from aftersales.customers.models import Vendor
from aftersales.rma.models import (
    VendorTicket,
)
from aftersales.rma.services.common import (
    _entry,
    _lock_case,
    _require_open,
    _require_text,
)
from aftersales.rma.workflow import (
    VENDOR,
    VendorAction,
    workflow_apply,
)


def _visibility(value: str) -> str:
    if value not in Visibility.values:
        raise ValidationError(_("Unknown visibility."), field="visibility")
    return value


def vendor_ticket_open(
    *,
    case: Case,
    actor: User,
    vendor: Vendor,
    reference: str,
    note: str = "",
    wait: bool = True,
    visibility: str = Visibility.INTERNAL,
) -> VendorTicket:
    """Hand the case to a vendor's support under their reference number. Our owner stays on
    the case (unlike a transfer). With `wait`, the case waits on the vendor where the actor
    may set it waiting."""
    VENDOR.check(VendorAction.OPEN, None, actor)
    reference = _require_text(reference, "reference", _("Give the vendor's reference number."))
    visibility = _visibility(visibility)
    with transaction.atomic():
        current = _lock_case(case)
        _require_open(
            current, _("Only an open case is handed to a vendor; case %(number)s is %(status)s.")
        )
        existing = (
            VendorTicket.objects.filter(vendor=vendor, reference=reference)
            .select_related("case")
            .first()
        )
        if existing is not None:
            raise Conflict(
                _("%(vendor)s's reference %(reference)s is already on case %(number)s.")
                % {"vendor": vendor.name, "reference": reference, "number": existing.case.number},
                code="duplicate_reference",
                field="reference",
            )
        if (
            wait
            and current.status != Status.WAITING_VENDOR
            and case_transitions.allowed(case_transitions.Action.WAIT, current, actor)
        ):
            current = case_services.case_wait(
                case=current,
                on="vendor",
                actor=actor,
                reason=_("Handed to %(vendor)s's support, reference %(reference)s.")
                % {"vendor": vendor.name, "reference": reference},
            )
        at = now()
        ticket = VendorTicket(
            case=current,
            vendor=vendor,
            reference=reference,
            opened_at=at,
            opened_by=actor,
            updated_at=at,
        )
        workflow_apply(VENDOR, record=ticket, action=VendorAction.OPEN, actor=actor)
        ticket.save(force_insert=True)
        _entry(
            current,
            EntryKind.RMA_VENDOR_OPENED,
            actor=actor,
            at=at,
            data={"vendor": vendor.name, "reference": reference, "ticket": ticket.pk},
            body=note.strip(),
            visibility=visibility,
        )
    return ticket


def _ticket_locked(ticket: VendorTicket) -> tuple[Case, VendorTicket]:
    case = _lock_case(ticket.case)
    current = (
        VendorTicket.objects.select_for_update(of=("self",))
        .select_related("vendor")
        .get(pk=ticket.pk)
    )
    current.case = case
    return case, current


def vendor_ticket_answer(
    *,
    ticket: VendorTicket,
    actor: User,
    answer: str,
    visibility: str = Visibility.INTERNAL,
) -> VendorTicket:
    """Record what the vendor's support answered, on the case's timeline."""
    answer = _require_text(answer, "answer", _("Write down the vendor's answer."))
    visibility = _visibility(visibility)
    with transaction.atomic():
        case, current = _ticket_locked(ticket)
        VENDOR.check(VendorAction.ANSWER, current, actor)
        at = now()
        workflow_apply(VENDOR, record=current, action=VendorAction.ANSWER, actor=actor)
        current.answers += 1
        current.last_answer_at = current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_VENDOR_ANSWER,
            actor=actor,
            at=at,
            data={
                "vendor": current.vendor.name,
                "reference": current.reference,
                "ticket": current.pk,
                "answer": current.answers,
            },
            body=answer,
            visibility=visibility,
        )
    return current


def vendor_ticket_close(
    *, ticket: VendorTicket, actor: User, note: str = "", resume: bool = True
) -> VendorTicket:
    """The vendor is done. With `resume`, a case waiting on the vendor with no other vendor
    ticket open goes back in progress."""
    with transaction.atomic():
        case, current = _ticket_locked(ticket)
        VENDOR.check(VendorAction.CLOSE, current, actor)
        at = now()
        workflow_apply(VENDOR, record=current, action=VendorAction.CLOSE, actor=actor)
        current.closed_at, current.closed_by = at, actor
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_VENDOR_CLOSED,
            actor=actor,
            at=at,
            data={
                "vendor": current.vendor.name,
                "reference": current.reference,
                "ticket": current.pk,
            },
            body=note.strip(),
        )
        others_open = (
            VendorTicket.objects.filter(case=case, closed_at__isnull=True)
            .exclude(pk=current.pk)
            .exists()
        )
        if (
            resume
            and not others_open
            and case.status == Status.WAITING_VENDOR
            and case_transitions.allowed(case_transitions.Action.RESUME, case, actor)
        ):
            case_services.case_resume(
                case=case,
                actor=actor,
                note=_("%(vendor)s's ticket %(reference)s is closed.")
                % {"vendor": current.vendor.name, "reference": current.reference},
            )
    return current
