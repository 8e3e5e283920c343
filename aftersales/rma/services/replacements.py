"""Advance replacement (RMA) orders: from the confirmed hardware fault to the repaired part
back in stock or scrapped."""

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.cases import services as case_services
from aftersales.cases import transitions as case_transitions
from aftersales.cases.choices import Cause, EntryKind, Visibility
from aftersales.cases.models import Case
from aftersales.core.clock import local_iso, now
from aftersales.core.errors import ValidationError
from aftersales.customers.models import Asset, Vendor
from aftersales.notifications.choices import Event
from aftersales.notifications.services import notify
from aftersales.rma import deadlines
from aftersales.rma.choices import MoveKind, RepairKind, UnitState
from aftersales.rma.models import (
    RmaOrder,
    SparePart,
    StockLocation,
)
from aftersales.rma.services.common import (
    _active_location,
    _active_part,
    _entry,
    _lock,
    _lock_case,
    _lock_stock,
    _lock_units,
    _move,
    _reporters,
    _require_may_take,
    _require_open,
    _require_text,
    _rma_data,
    _serials,
    _settle,
    _site_url,
    desk_calendar,
    parts_admins,
)
from aftersales.rma.services.stock import (
    _consume,
    _release,
    _reserve,
    _units_arrive,
    _units_leave,
)
from aftersales.rma.workflow import (
    RMA,
    RmaAction,
    workflow_apply,
)


def _rma_locked(order: RmaOrder) -> tuple[Case, RmaOrder]:
    case = _lock_case(order.case)
    current = (
        RmaOrder.objects.select_for_update(of=("self",)).select_related("part").get(pk=order.pk)
    )
    current.case = case
    return case, current


def rma_confirm_fault(
    *,
    case: Case,
    actor: User,
    part: SparePart,
    fault: str,
    asset: Asset | None = None,
    faulty_serial: str = "",
    ship_from: StockLocation | None = None,
) -> RmaOrder:
    """Confirm a hardware fault on an open case for advance replacement: an RMA order for a
    good `part`, due to ship by 17:00 the same working day when confirmed before 14:00, else
    by 12:00 the next working day (the spare-parts desk's calendar). Without `asset`, the
    order is about the case's only asset where the part fits it. With `ship_from`, a unit
    there is reserved for it at once (refused, changing nothing, if none is free). Where the
    case's cause is not confirmed yet, this confirms it as hardware (确诊). The customer sees
    the confirmation and the shipping deadline on the case; the spare-parts admins are told."""
    RMA.check(RmaAction.CONFIRM, None, actor)
    fault = _require_text(fault, "fault", _("Describe the hardware fault found."))
    _active_part(part)
    faulty_serial = (faulty_serial or "").strip()
    if ship_from is not None:
        _require_may_take(actor, ship_from)
        _active_location(ship_from, "ship_from")
    calendar = desk_calendar()
    with transaction.atomic():
        current = _lock_case(case)
        _require_open(
            current,
            _("A hardware fault is confirmed on an open case; case %(number)s is %(status)s."),
        )
        compatible = set(part.compatible_models.values_list("pk", flat=True))
        if asset is not None:
            if asset.organisation_id != current.organisation_id:
                raise ValidationError(
                    _("This asset belongs to another organisation."), field="asset"
                )
            if compatible and asset.model_id not in compatible:
                raise ValidationError(
                    _("%(part)s does not fit %(model)s.")
                    % {"part": part.part_number, "model": asset.model},
                    field="part",
                )
        else:
            # Not named: the case's only asset, if the part fits it.
            only = list(current.assets.all()[:2])
            if len(only) == 1 and (not compatible or only[0].model_id in compatible):
                asset = only[0]
        if current.cause_confirmed_at is None and case_transitions.allowed(
            case_transitions.Action.CONFIRM_CAUSE, current, actor
        ):
            current = case_services.case_confirm_cause(
                case=current, cause=Cause.HARDWARE, diagnosis=fault, actor=actor
            )
        at = now()
        sequence = RmaOrder.objects.filter(case=current).count() + 1
        order = RmaOrder(
            number=f"{current.number}-R{sequence}",
            case=current,
            asset=asset,
            part=part,
            fault=fault,
            faulty_serial=faulty_serial,
            confirmed_at=at,
            confirmed_by=actor,
            ship_from=ship_from,
            ship_due_at=deadlines.ship_due(at, calendar),
            updated_at=at,
        )
        workflow_apply(RMA, record=order, action=RmaAction.CONFIRM, actor=actor)
        order.save(force_insert=True)
        _entry(
            current,
            EntryKind.RMA_CONFIRMED,
            actor=actor,
            at=at,
            data={
                **_rma_data(order),
                "asset": asset.serial_number if asset else None,
                "ship_due_at": local_iso(order.ship_due_at),
            },
            body=fault,
            visibility=Visibility.PUBLIC,
        )
        if ship_from is not None:
            order.reservation = _reserve(
                part=part,
                quantity=1,
                location=ship_from,
                actor=actor,
                case=current,
                visit_id=None,
                note="",
                at=at,
                rma=order,
            )
            order.save(update_fields=["reservation"])
        notify(
            event=Event.RMA_OPENED,
            recipients=parts_admins(),
            case=current,
            context={
                "rma": order.number,
                "part": str(part),
                "due": order.ship_due_at,
                "actor": actor,
                "url": _site_url(f"/rma/{order.number}/"),
            },
        )
    return order


def rma_ship(
    *,
    order: RmaOrder,
    actor: User,
    ship_from: StockLocation | None = None,
    replacement_serial: str = "",
    carrier: str = "",
    tracking_number: str = "",
    note: str = "",
) -> RmaOrder:
    """Ship the good part: from the unit reserved for the order, or from `ship_from`. The
    faulty part is then due back within 10 working days; the customer is told."""
    replacement_serial = (replacement_serial or "").strip()
    with transaction.atomic():
        case, current = _rma_locked(order)
        RMA.check(RmaAction.SHIP, current, actor)
        held = current.reservation if current.reservation_id else None
        if held is not None and held.closed_at is not None:
            held = None
        location = ship_from or (held.stock.location if held else None)
        if location is None:
            raise ValidationError(_("Choose where the replacement ships from."), field="ship_from")
        _require_may_take(actor, location)
        at = now()
        if held is not None and held.stock.location_id != location.pk:
            # Shipping from elsewhere: give back what was held where it was.
            stock = _lock_stock(current.part, held.stock.location)
            _release(
                _lock(held),
                stock,
                held.quantity,
                actor=actor,
                case=None,
                note="",
                at=at,
                rma=current,
            )
            held = None
        serials = _serials(current.part, 1, [replacement_serial] if replacement_serial else [])
        _consume(
            part=current.part,
            quantity=1,
            serials=serials,
            location=location,
            actor=actor,
            case=case,
            visit_id=None,
            asset=current.asset,
            note=note,
            at=at,
            reservation=held,
            rma=current,
        )
        calendar = desk_calendar()
        workflow_apply(RMA, record=current, action=RmaAction.SHIP, actor=actor)
        current.ship_from = location
        current.shipped_at, current.shipped_by = at, actor
        current.ship_breached = current.ship_breached or at > current.ship_due_at
        current.replacement_serial = replacement_serial
        current.carrier, current.tracking_number = carrier.strip(), tracking_number.strip()
        current.return_due_at = deadlines.return_due(at, calendar)
        current.return_notice_at = deadlines.return_reminder(at, calendar)
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_SHIPPED,
            actor=actor,
            at=at,
            data={
                **_rma_data(current),
                "replacement_serial": replacement_serial,
                "carrier": current.carrier,
                "tracking_number": current.tracking_number,
                "return_due_at": local_iso(current.return_due_at),
                "late": current.ship_breached,
            },
            body=note.strip(),
            visibility=Visibility.PUBLIC,
        )
        notify(
            event=Event.RMA_SHIPPED,
            recipients=_reporters(case),
            case=case,
            context={
                "rma": current.number,
                "part": str(current.part),
                "carrier": current.carrier,
                "tracking_number": current.tracking_number,
                "due": current.return_due_at,
            },
        )
    return current


def rma_receive_faulty(
    *, order: RmaOrder, actor: User, faulty_serial: str = "", note: str = ""
) -> RmaOrder:
    """The customer's faulty part has arrived: the 72-working-hour exchange repair starts."""
    faulty_serial = (faulty_serial or "").strip()
    with transaction.atomic():
        case, current = _rma_locked(order)
        RMA.check(RmaAction.RECEIVE_FAULTY, current, actor)
        if current.faulty_serial and faulty_serial and faulty_serial != current.faulty_serial:
            raise ValidationError(
                _("The serial number received (%(got)s) is not the faulty part's (%(want)s).")
                % {"got": faulty_serial, "want": current.faulty_serial},
                field="faulty_serial",
            )
        at = now()
        workflow_apply(RMA, record=current, action=RmaAction.RECEIVE_FAULTY, actor=actor)
        current.faulty_serial = current.faulty_serial or faulty_serial
        current.faulty_received_at = at
        current.return_notice_at = None
        current.repair_due_at = deadlines.repair_due(at, desk_calendar())
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_FAULTY_RECEIVED,
            actor=actor,
            at=at,
            data={
                **_rma_data(current),
                "faulty_serial": current.faulty_serial,
                "late": bool(current.return_due_at and at > current.return_due_at),
            },
            body=note.strip(),
            visibility=Visibility.PUBLIC,
        )
    return current


def rma_send_to_repair(
    *,
    order: RmaOrder,
    actor: User,
    repair_kind: str,
    vendor: Vendor | None = None,
    reference: str = "",
    note: str = "",
) -> RmaOrder:
    """Send the faulty part to the vendor (through purchasing) or to the in-house repair."""
    if repair_kind not in RepairKind.values:
        raise ValidationError(_("Send it to the vendor or to the in-house repair."), "repair_kind")
    with transaction.atomic():
        case, current = _rma_locked(order)
        RMA.check(RmaAction.SEND_TO_REPAIR, current, actor)
        vendor = (vendor or current.part.vendor) if repair_kind == RepairKind.VENDOR else None
        at = now()
        workflow_apply(RMA, record=current, action=RmaAction.SEND_TO_REPAIR, actor=actor)
        current.repair_kind, current.repair_vendor = repair_kind, vendor
        current.repair_reference = (reference or "").strip()
        current.sent_to_repair_at = at
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_SENT_TO_REPAIR,
            actor=actor,
            at=at,
            data={
                **_rma_data(current),
                "repair_kind": repair_kind,
                "vendor": vendor.name if vendor else None,
                "reference": current.repair_reference,
                "repair_due_at": local_iso(current.repair_due_at),
            },
            body=note.strip(),
        )
    return current


def rma_receive_repaired(*, order: RmaOrder, actor: User, note: str = "") -> RmaOrder:
    """The part is back from the vendor or the repair bench, to be inspected."""
    with transaction.atomic():
        case, current = _rma_locked(order)
        RMA.check(RmaAction.RECEIVE_REPAIRED, current, actor)
        at = now()
        workflow_apply(RMA, record=current, action=RmaAction.RECEIVE_REPAIRED, actor=actor)
        current.repaired_at = at
        late = bool(current.repair_due_at and at > current.repair_due_at)
        current.repair_breached = current.repair_breached or late
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_REPAIRED,
            actor=actor,
            at=at,
            data={**_rma_data(current), "late": late},
            body=note.strip(),
        )
    return current


def rma_inspect(
    *,
    order: RmaOrder,
    actor: User,
    passed: bool,
    note: str,
    location: StockLocation | None = None,
    serial_number: str = "",
) -> RmaOrder:
    """Inspect the repaired part: passed, it returns to stock at `location`; failed, it is
    scrapped. Either way the move is recorded and the order is finished."""
    note = _require_text(note, "note", _("Write down the inspection result."))
    with transaction.atomic():
        case, current = _rma_locked(order)
        RMA.check(RmaAction.PASS if passed else RmaAction.FAIL, current, actor)
        part = current.part
        serial = (serial_number or "").strip() or current.faulty_serial
        if part.serialised and not serial:
            raise ValidationError(
                _("Name the repaired unit's serial number."), field="serial_number"
            )
        at = now()
        if passed:
            if location is None:
                raise ValidationError(
                    _("Choose where the part returns to stock."), field="location"
                )
            _active_location(location)
            stock = _lock_stock(part, location, create=True)
            serials = [serial] if part.serialised else []
            if serials:
                _units_arrive(part, serials, location, at)
            stock.on_hand += 1
            _move(
                MoveKind.RETURN,
                part=part,
                quantity=1,
                serial_number=serial if part.serialised else "",
                actor=actor,
                at=at,
                to_location=location,
                case=case,
                rma_order=current,
                note=note,
            )
            _settle(stock, at)
            current.restocked_to = location
        else:
            if part.serialised:
                units = _lock_units(part, [serial])
                if serial in units:
                    _units_leave(units, UnitState.SCRAPPED, at)
            _move(
                MoveKind.SCRAP,
                part=part,
                quantity=1,
                serial_number=serial if part.serialised else "",
                actor=actor,
                at=at,
                case=case,
                rma_order=current,
                note=note,
            )
        workflow_apply(
            RMA, record=current, action=RmaAction.PASS if passed else RmaAction.FAIL, actor=actor
        )
        current.inspected_at, current.inspected_by = at, actor
        current.inspection_note = note
        current.closed_at = at
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_INSPECTED,
            actor=actor,
            at=at,
            data={
                **_rma_data(current),
                "passed": passed,
                "location": location.name if passed else None,
                "serial_number": serial,
            },
            body=note,
        )
    return current


def rma_write_off(*, order: RmaOrder, actor: User, reason: str) -> RmaOrder:
    """Stop chasing a faulty part that will not come back (lost, kept and charged…)."""
    reason = _require_text(reason, "reason", _("Say why the part is written off."))
    with transaction.atomic():
        case, current = _rma_locked(order)
        RMA.check(RmaAction.WRITE_OFF, current, actor)
        at = now()
        workflow_apply(RMA, record=current, action=RmaAction.WRITE_OFF, actor=actor)
        current.return_notice_at = None
        current.closed_at = current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_WRITTEN_OFF,
            actor=actor,
            at=at,
            data=_rma_data(current),
            body=reason,
        )
    return current


def rma_cancel(*, order: RmaOrder, actor: User, reason: str) -> RmaOrder:
    """Cancel an order not shipped yet (the fault was not the part's); what was reserved for
    it is released."""
    reason = _require_text(reason, "reason", _("Say why the RMA order is cancelled."))
    with transaction.atomic():
        case, current = _rma_locked(order)
        RMA.check(RmaAction.CANCEL, current, actor)
        at = now()
        if current.reservation_id:
            held = _lock(current.reservation)
            if held.closed_at is None and held.quantity:
                stock = _lock_stock(current.part, held.stock.location)
                _release(
                    held,
                    stock,
                    held.quantity,
                    actor=actor,
                    case=case,
                    note=reason,
                    at=at,
                    rma=current,
                )
        workflow_apply(RMA, record=current, action=RmaAction.CANCEL, actor=actor)
        current.closed_at = current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_CANCELLED,
            actor=actor,
            at=at,
            data=_rma_data(current),
            body=reason,
            visibility=Visibility.PUBLIC,
        )
    return current
