"""Loaner devices (备机) lent to a customer's site and taken back."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.cases.choices import EntryKind, Visibility
from aftersales.cases.models import Case
from aftersales.core.clock import local_iso, now
from aftersales.core.errors import ValidationError
from aftersales.customers.models import Asset, Site
from aftersales.rma import deadlines
from aftersales.rma.choices import MoveKind, UnitState
from aftersales.rma.models import (
    Loan,
    PartUnit,
    RmaOrder,
    SparePart,
    StockLocation,
)
from aftersales.rma.services.common import (
    _active_location,
    _active_part,
    _entry,
    _lock_case,
    _lock_stock,
    _lock_units,
    _move,
    _none_here,
    _part_data,
    _require_may_take,
    _require_text,
    _require_unfinished,
    _serials,
    _settle,
    _short,
    _units_in_stock,
    desk_calendar,
)
from aftersales.rma.services.stock import (
    _units_leave,
)
from aftersales.rma.workflow import (
    LOAN,
    LoanAction,
    workflow_apply,
)


def _loan_locked(loan: Loan) -> tuple[Case, Loan]:
    case = _lock_case(loan.case)
    current = (
        Loan.objects.select_for_update(of=("self",)).select_related("part", "site").get(pk=loan.pk)
    )
    current.case = case
    return case, current


def _loan_data(loan: Loan) -> dict:
    """What a public loan entry says: the device and the site, not our stock."""
    return {
        "loan": loan.number,
        **_part_data(loan.part),
        "serial_number": loan.serial_number,
        "site": loan.site.name,
        "due_back_at": local_iso(loan.due_back_at),
    }


def _require_future(moment: dt.datetime, at: dt.datetime, field: str) -> None:
    if moment <= at:
        raise ValidationError(_("The date must be in the future."), field=field)


def loan_lend(
    *,
    case: Case,
    actor: User,
    part: SparePart,
    serial_number: str,
    location: StockLocation,
    due_back_at: dt.datetime,
    site: Site | None = None,
    asset: Asset | None = None,
    rma_order: RmaOrder | None = None,
    note: str = "",
) -> Loan:
    """Lend a loaner device (备机) from stock to the case's site (or `site`) until
    `due_back_at`, while the customer's own is repaired. The unit leaves stock (a LOAN move)
    and the customer sees the loan on the case."""
    LOAN.check(LoanAction.LEND, None, actor)
    _require_may_take(actor, location)
    _active_part(part)
    if not part.serialised:
        raise ValidationError(
            _("A loaner is tracked by its serial number: choose a serialised part."),
            field="part",
        )
    serials = _serials(part, 1, [serial_number])
    at = now()
    _require_future(due_back_at, at, "due_back_at")
    with transaction.atomic():
        current = _lock_case(case)
        _require_unfinished(current)
        site = site or current.site
        if site is None:
            raise ValidationError(_("Choose the site the loaner goes to."), field="site")
        for obj, field in ((site, "site"), (asset, "asset")):
            if obj is not None and obj.organisation_id != current.organisation_id:
                raise ValidationError(
                    _("This %(what)s belongs to another organisation.")
                    % {"what": obj._meta.verbose_name},
                    field=field,
                )
        if rma_order is not None and rma_order.case_id != current.pk:
            raise ValidationError(_("This RMA order is another case's."), field="rma_order")
        stock = _lock_stock(part, location)
        if stock is None:
            raise _none_here(part, location, 1)
        if stock.available < 1:
            raise _short(stock, 1)
        units = _units_in_stock(part, serials, location)
        sequence = Loan.objects.filter(case=current).count() + 1
        loan = Loan(
            number=f"{current.number}-L{sequence}",
            case=current,
            organisation=current.organisation,
            site=site,
            asset=asset,
            rma_order=rma_order,
            part=part,
            serial_number=serials[0],
            from_location=location,
            lent_at=at,
            lent_by=actor,
            due_back_at=due_back_at,
            notice_at=deadlines.loan_reminder(at, due_back_at, desk_calendar()),
            note=note.strip(),
            updated_at=at,
        )
        workflow_apply(LOAN, record=loan, action=LoanAction.LEND, actor=actor)
        loan.save(force_insert=True)
        stock.on_hand -= 1
        _units_leave(units, UnitState.ON_LOAN, at)
        _move(
            MoveKind.LOAN,
            part=part,
            quantity=1,
            serial_number=serials[0],
            actor=actor,
            at=at,
            from_location=location,
            case=current,
            asset=asset,
            loan=loan,
            note=note.strip(),
        )
        _settle(stock, at)
        _entry(
            current,
            EntryKind.RMA_LOAN_OUT,
            actor=actor,
            at=at,
            data=_loan_data(loan),
            body=note.strip(),
            visibility=Visibility.PUBLIC,
        )
    return loan


def loan_extend(*, loan: Loan, actor: User, due_back_at: dt.datetime, reason: str) -> Loan:
    """Keep the loaner longer (the repair takes longer): a new due date, reminders anew."""
    reason = _require_text(reason, "reason", _("Say why the loan is extended."))
    with transaction.atomic():
        case, current = _loan_locked(loan)
        LOAN.check(LoanAction.EXTEND, current, actor)
        at = now()
        _require_future(due_back_at, at, "due_back_at")
        previous = current.due_back_at
        workflow_apply(LOAN, record=current, action=LoanAction.EXTEND, actor=actor)
        current.due_back_at = due_back_at
        current.notice_at = deadlines.loan_reminder(at, due_back_at, desk_calendar())
        current.overdue_at = None
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_LOAN_EXTENDED,
            actor=actor,
            at=at,
            data={**_loan_data(current), "previous_due_back_at": local_iso(previous)},
            body=reason,
            visibility=Visibility.PUBLIC,
        )
    return current


def loan_return(*, loan: Loan, actor: User, location: StockLocation, note: str = "") -> Loan:
    """The loaner is back: into stock at `location` (a RETURN move), the loan closed."""
    with transaction.atomic():
        case, current = _loan_locked(loan)
        LOAN.check(LoanAction.RETURN, current, actor)
        _require_may_take(actor, location)
        _active_location(location)
        at = now()
        stock = _lock_stock(current.part, location, create=True)
        units = _lock_units(current.part, [current.serial_number])
        unit = units.get(current.serial_number) or PartUnit(
            part=current.part, serial_number=current.serial_number
        )
        unit.state, unit.location, unit.updated_at = UnitState.IN_STOCK, location, at
        unit.save()
        stock.on_hand += 1
        _move(
            MoveKind.RETURN,
            part=current.part,
            quantity=1,
            serial_number=current.serial_number,
            actor=actor,
            at=at,
            to_location=location,
            case=case,
            loan=current,
            note=note.strip(),
        )
        _settle(stock, at)
        workflow_apply(LOAN, record=current, action=LoanAction.RETURN, actor=actor)
        current.returned_at, current.returned_by, current.returned_to = at, actor, location
        current.notice_at = None
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_LOAN_RETURNED,
            actor=actor,
            at=at,
            data={**_loan_data(current), "late": at > current.due_back_at},
            body=note.strip(),
            visibility=Visibility.PUBLIC,
        )
    return current


def loan_write_off(*, loan: Loan, actor: User, reason: str) -> Loan:
    """The loaner will not come back (lost, sold to the customer…): recorded as scrapped."""
    reason = _require_text(reason, "reason", _("Say why the loaner is written off."))
    with transaction.atomic():
        case, current = _loan_locked(loan)
        LOAN.check(LoanAction.WRITE_OFF, current, actor)
        at = now()
        units = _lock_units(current.part, [current.serial_number])
        _units_leave(units, UnitState.SCRAPPED, at)
        _move(
            MoveKind.SCRAP,
            part=current.part,
            quantity=1,
            serial_number=current.serial_number,
            actor=actor,
            at=at,
            case=case,
            loan=current,
            note=reason,
        )
        workflow_apply(LOAN, record=current, action=LoanAction.WRITE_OFF, actor=actor)
        current.notice_at = None
        current.updated_at = at
        current.save()
        _entry(
            case,
            EntryKind.RMA_LOAN_LOST,
            actor=actor,
            at=at,
            data=_loan_data(current),
            body=reason,
        )
    return current
