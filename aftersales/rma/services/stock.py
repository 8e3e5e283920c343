"""The catalogue, stock locations and stock: receive, transfer, scrap, reserve, release,
consume."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.cases.choices import EntryKind
from aftersales.cases.models import Case
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.customers.models import Asset, AssetModel
from aftersales.rma.choices import LocationKind, MoveKind, UnitState
from aftersales.rma.models import (
    PartUnit,
    Reservation,
    SparePart,
    Stock,
    StockLocation,
    StockMove,
)
from aftersales.rma.services.common import (
    _active_location,
    _active_part,
    _count,
    _entry,
    _full_clean,
    _is_parts_desk,
    _lock,
    _lock_case,
    _lock_stock,
    _lock_units,
    _move,
    _moves,
    _none_here,
    _part_data,
    _quantity,
    _require_may_take,
    _require_parts_desk,
    _require_text,
    _require_unfinished,
    _settle,
    _short,
    _units_in_stock,
)


def part_check(*, actor: User, instance: SparePart) -> None:
    """What a change of a catalogue part must satisfy, besides its fields: the parts desk
    makes it, and a part in stock keeps whether it is serialised."""
    _require_parts_desk(actor)
    if instance.pk is None:
        return
    was = SparePart.objects.filter(pk=instance.pk).values_list("serialised", flat=True).first()
    changes = was is not None and was != instance.serialised
    if changes and Stock.objects.filter(part_id=instance.pk, on_hand__gt=0).exists():
        raise Conflict(
            _("The part is in stock: empty it before changing whether it is serialised."),
            field="serialised",
        )


@transaction.atomic
def part_save(
    *,
    actor: User,
    instance: SparePart,
    compatible_models: Iterable[AssetModel] | None = None,
    **fields,
) -> SparePart:
    """Create or change a catalogue part (the parts desk)."""
    for name, value in fields.items():
        setattr(instance, name, value)
    part_check(actor=actor, instance=instance)
    _full_clean(instance)
    instance.save()
    if compatible_models is not None:
        instance.compatible_models.set(list(compatible_models))
    return instance


def location_check(*, actor: User, instance: StockLocation) -> None:
    """The parts desk keeps locations; an engineer's stock belongs to an engineer, and no
    customer contact keeps stock."""
    _require_parts_desk(actor)
    owner = instance.owner
    if instance.kind == LocationKind.ENGINEER:
        if owner is None:
            raise ValidationError(_("An engineer's stock needs its engineer."), field="owner")
        if owner.is_customer or not owner.is_engineer:
            raise ValidationError(
                _("%(user)s is not an engineer.") % {"user": owner.username}, field="owner"
            )
    if owner is not None and owner.is_customer:
        raise ValidationError(_("A customer contact keeps no stock."), field="owner")


@transaction.atomic
def location_save(*, actor: User, instance: StockLocation, **fields) -> StockLocation:
    """Create or change a stock location (the parts desk)."""
    for name, value in fields.items():
        setattr(instance, name, value)
    location_check(actor=actor, instance=instance)
    _full_clean(instance)
    instance.save()
    return instance


# --- stock -------------------------------------------------------------------------------


def stock_set_minimum(
    *, actor: User, part: SparePart, location: StockLocation, minimum: int
) -> Stock:
    """Set the level below which the spare-parts admins are told (0: never)."""
    _require_parts_desk(actor)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 0:
        raise ValidationError(_("The minimum must be a whole number of 0 or more."), "minimum")
    with transaction.atomic():
        stock = _lock_stock(part, location, create=True)
        stock.minimum = minimum
        _settle(stock, now())
    return stock


def stock_receive(
    *,
    actor: User,
    part: SparePart,
    location: StockLocation,
    quantity: int | None = None,
    serial_numbers: Iterable[str] = (),
    note: str = "",
) -> list[StockMove]:
    """Goods in: parts delivered to a location (by purchasing, a vendor, a repair). A
    serialised part names each unit's serial number."""
    _require_parts_desk(actor)
    _active_part(part)
    _active_location(location)
    quantity, serials = _count(part, quantity, serial_numbers)
    at = now()
    with transaction.atomic():
        stock = _lock_stock(part, location, create=True)
        if serials:
            _units_arrive(part, serials, location, at)
        stock.on_hand += quantity
        moves = _moves(
            MoveKind.RECEIVE,
            part=part,
            quantity=quantity,
            serials=serials,
            actor=actor,
            at=at,
            to_location=location,
            note=note.strip(),
        )
        _settle(stock, at)
    return moves


def _units_arrive(part: SparePart, serials: list[str], location: StockLocation, at) -> None:
    """Units entering stock: new serials are created; known ones must not be in stock or on
    loan already."""
    units = _lock_units(part, serials)
    present = [s for s, u in units.items() if u.state in (UnitState.IN_STOCK, UnitState.ON_LOAN)]
    if present:
        raise Conflict(
            _("Already in stock or on loan: %(part)s serial %(serials)s.")
            % {"part": part.part_number, "serials": ", ".join(sorted(present))},
            code="unit_present",
            field="serial_numbers",
        )
    for serial in serials:
        unit = units.get(serial) or PartUnit(part=part, serial_number=serial)
        unit.state, unit.location, unit.updated_at = UnitState.IN_STOCK, location, at
        unit.save()


def _units_leave(units: dict[str, PartUnit], state: str, at) -> None:
    for unit in units.values():
        unit.state, unit.location, unit.updated_at = state, None, at
        unit.save()


def stock_transfer(
    *,
    actor: User,
    part: SparePart,
    from_location: StockLocation,
    to_location: StockLocation,
    quantity: int | None = None,
    serial_numbers: Iterable[str] = (),
    note: str = "",
) -> list[StockMove]:
    """Move free (unreserved) stock between locations: from a warehouse to an engineer's
    stock, or back. The parts desk moves anything; an engineer hands back their own."""
    if not (_is_parts_desk(actor) or from_location.owner_id == actor.pk):
        raise Forbidden(
            _("Only the spare-parts desk moves stock, or an engineer their own."),
            code="not_permitted",
        )
    if from_location.pk == to_location.pk:
        raise ValidationError(_("Choose two different locations."), field="to_location")
    _active_location(to_location, "to_location")
    quantity, serials = _count(part, quantity, serial_numbers)
    at = now()
    with transaction.atomic():
        # Lock both rows in one order (by location id), whichever way the parts go.
        locked = {}
        for location in sorted([from_location, to_location], key=lambda loc: loc.pk):
            locked[location.pk] = _lock_stock(part, location, create=location.pk == to_location.pk)
        source, target = locked[from_location.pk], locked[to_location.pk]
        if source is None:
            raise _none_here(part, from_location, quantity)
        if source.available < quantity:
            raise _short(source, quantity)
        if serials:
            units = _units_in_stock(part, serials, from_location)
            for unit in units.values():
                unit.location, unit.updated_at = to_location, at
                unit.save()
        source.on_hand -= quantity
        target.on_hand += quantity
        moves = _moves(
            MoveKind.TRANSFER,
            part=part,
            quantity=quantity,
            serials=serials,
            actor=actor,
            at=at,
            from_location=from_location,
            to_location=to_location,
            note=note.strip(),
        )
        for stock in sorted([source, target], key=lambda s: s.location_id):
            _settle(stock, at)
    return moves


def stock_scrap(
    *,
    actor: User,
    part: SparePart,
    location: StockLocation,
    reason: str,
    quantity: int | None = None,
    serial_numbers: Iterable[str] = (),
) -> list[StockMove]:
    """Take broken or obsolete parts out of stock, saying why."""
    _require_parts_desk(actor)
    reason = _require_text(reason, "reason", _("Say why the parts are scrapped."))
    quantity, serials = _count(part, quantity, serial_numbers)
    at = now()
    with transaction.atomic():
        stock = _lock_stock(part, location)
        if stock is None:
            raise _none_here(part, location, quantity)
        if stock.available < quantity:
            raise _short(stock, quantity)
        if serials:
            _units_leave(_units_in_stock(part, serials, location), UnitState.SCRAPPED, at)
        stock.on_hand -= quantity
        moves = _moves(
            MoveKind.SCRAP,
            part=part,
            quantity=quantity,
            serials=serials,
            actor=actor,
            at=at,
            from_location=location,
            note=reason,
        )
        _settle(stock, at)
    return moves


def stock_reserve(
    *,
    part: SparePart,
    quantity: int,
    location: StockLocation,
    actor: User,
    case: Case | None = None,
    visit_id: int | None = None,
    note: str = "",
    locked: bool = False,
) -> Reservation:
    """Hold `quantity` of `part` at `location` for `case` (and `visit_id`, a visit of it) so
    nobody else takes them. The stock row is locked first: of two people reserving the last
    unit at once, one gets it and the other a Conflict saying how many are available.
    Reserving what is not there raises Conflict (code "insufficient_stock", field
    "quantity") and changes nothing. Writes an internal entry on the case's timeline.

    `locked=True`: the caller holds `case` locked (select_for_update) in its own transaction;
    the entry is appended to that instance, which the caller keeps using (never a stale copy).
    Returns the reservation, to release or consume later."""
    _require_may_take(actor, location)
    _active_part(part)
    quantity = _quantity(quantity)
    with transaction.atomic():
        current = None
        if case is not None:
            current = case if locked else _lock_case(case)
            _require_unfinished(current)
        return _reserve(
            part=part,
            quantity=quantity,
            location=location,
            actor=actor,
            case=current,
            visit_id=visit_id,
            note=note,
            at=now(),
        )


def _reserve(*, part, quantity, location, actor, case, visit_id, note, at, rma=None):
    stock = _lock_stock(part, location)
    if stock is None:
        raise _none_here(part, location, quantity)
    if stock.available < quantity:
        raise _short(stock, quantity)
    stock.reserved += quantity
    reservation = Reservation.objects.create(
        stock=stock,
        case=case,
        visit_id=visit_id,
        quantity=quantity,
        reserved_quantity=quantity,
        created_by=actor,
        created_at=at,
    )
    _move(
        MoveKind.RESERVE,
        part=part,
        quantity=quantity,
        actor=actor,
        at=at,
        from_location=location,
        case=case,
        visit_id=visit_id,
        reservation=reservation,
        rma_order=rma,
        note=note.strip(),
    )
    _settle(stock, at)
    if case is not None:
        _entry(
            case,
            EntryKind.RMA_PARTS_RESERVED,
            actor=actor,
            at=at,
            data={
                **_part_data(part),
                "quantity": quantity,
                "location": location.name,
                "reservation": reservation.pk,
                "visit": visit_id,
                "rma": rma.number if rma else None,
            },
            body=note.strip(),
        )
    return reservation


def stock_release(
    *,
    reservation: Reservation,
    actor: User,
    quantity: int | None = None,
    note: str = "",
    locked: bool = False,
) -> Reservation:
    """Give back held units (all by default) to the free stock. `locked` as for
    `stock_reserve` (the reservation's case)."""
    with transaction.atomic():
        current_case = None
        if reservation.case_id is not None:
            current_case = reservation.case if locked else _lock_case(reservation.case)
        held = _lock(reservation)
        stock = _lock_stock(held.stock.part, held.stock.location)
        _require_may_take(actor, stock.location)
        if held.closed_at is not None or held.quantity == 0:
            raise Conflict(_("This reservation is already closed."), code="reservation_closed")
        if hasattr(held, "rma_order") and held.rma_order.is_open:
            raise Conflict(
                _("This reservation is RMA order %(number)s's: cancel or ship the order.")
                % {"number": held.rma_order.number},
                code="reservation_of_rma",
            )
        quantity = held.quantity if quantity is None else _quantity(quantity)
        if quantity > held.quantity:
            raise ValidationError(
                _("Only %(held)s are held by this reservation.") % {"held": held.quantity},
                field="quantity",
            )
        _release(held, stock, quantity, actor=actor, case=current_case, note=note, at=now())
    return held


def _release(held: Reservation, stock: Stock, quantity: int, *, actor, case, note, at, rma=None):
    held.quantity -= quantity
    if held.quantity == 0:
        held.closed_at = at
    held.save()
    stock.reserved -= quantity
    _move(
        MoveKind.RELEASE,
        part=stock.part,
        quantity=quantity,
        actor=actor,
        at=at,
        to_location=stock.location,
        case=held.case,
        visit_id=held.visit_id,
        reservation=held,
        rma_order=rma,
        note=note.strip(),
    )
    _settle(stock, at)
    if case is not None:
        _entry(
            case,
            EntryKind.RMA_PARTS_RELEASED,
            actor=actor,
            at=at,
            data={
                **_part_data(stock.part),
                "quantity": quantity,
                "location": stock.location.name,
                "reservation": held.pk,
                "rma": rma.number if rma else None,
            },
            body=note.strip(),
        )


def stock_consume(
    *,
    part: SparePart,
    quantity: int,
    location: StockLocation,
    actor: User,
    case: Case,
    visit_id: int | None = None,
    serial_numbers: Iterable[str] = (),
    asset: Asset | None = None,
    note: str = "",
    locked: bool = False,
) -> list[StockMove]:
    """Parts used on `case` (during a visit: pass its `visit_id`) from `location`: a
    warehouse, or the engineer's own stock. Draws first on what this case (and visit) holds
    reserved there, then on free stock; a serialised part names each unit's serial number.
    Records CONSUME moves (with the asset the parts went into: `asset`, or the case's only
    asset) and an internal "parts used" entry on the case's timeline.

    Refusals change nothing: Conflict "insufficient_stock" when the location has fewer than
    asked, Conflict "not_in_stock" for a serial not there, Conflict "case_finished" on a
    closed or cancelled case, Forbidden for another engineer's stock.

    `locked=True`: the caller holds `case` locked (select_for_update) in its own transaction
    and keeps using that instance; the entry is appended to it. Otherwise this locks it.
    Returns the moves written."""
    _require_may_take(actor, location)
    quantity, serials = _count(part, quantity, serial_numbers)
    with transaction.atomic():
        current = case if locked else _lock_case(case)
        _require_unfinished(current)
        asset = _consumed_asset(current, asset)
        moves = _consume(
            part=part,
            quantity=quantity,
            serials=serials,
            location=location,
            actor=actor,
            case=current,
            visit_id=visit_id,
            asset=asset,
            note=note,
            at=now(),
        )
        _entry(
            current,
            EntryKind.RMA_PARTS_CONSUMED,
            actor=actor,
            at=moves[0].created_at,
            data={
                **_part_data(part),
                "quantity": quantity,
                "serial_numbers": serials,
                "location": location.name,
                "asset": asset.serial_number if asset else None,
                "visit": visit_id,
            },
            body=note.strip(),
        )
    return moves


def _consumed_asset(case: Case, asset: Asset | None) -> Asset | None:
    if asset is not None:
        if asset.organisation_id != case.organisation_id:
            raise ValidationError(_("This asset belongs to another organisation."), field="asset")
        return asset
    assets = list(case.assets.all()[:2])
    return assets[0] if len(assets) == 1 else None


def _consume(
    *,
    part,
    quantity,
    serials,
    location,
    actor,
    case,
    visit_id,
    asset,
    note,
    at,
    reservation=None,
    rma=None,
):
    """Take `quantity` out of stock for `case`: from `reservation` when given, else from
    what the case (and visit) holds reserved at `location`, then from free stock."""
    stock = _lock_stock(part, location)
    if stock is None:
        raise _none_here(part, location, quantity)
    if reservation is not None:
        held = [_lock(reservation)]
    else:
        # The visit's own reservations first, then the case's not tied to a visit; never
        # what an RMA order holds.
        visits = Q(visit_id__isnull=True) | Q(visit_id=visit_id) if visit_id else Q(visit_id=None)
        held = sorted(
            Reservation.objects.select_for_update(of=("self",))
            .filter(visits, stock=stock, case=case, closed_at__isnull=True, rma_order__isnull=True)
            .order_by("pk"),
            key=lambda r: (r.visit_id is None, r.pk),
        )
    from_held = min(quantity, sum(h.quantity for h in held))
    if stock.available < quantity - from_held:
        raise _short(stock, quantity - from_held)
    units = _units_in_stock(part, serials, location) if serials else {}
    remaining = from_held
    drawn = None
    for reservation_ in held:
        if remaining == 0:
            break
        take = min(reservation_.quantity, remaining)
        reservation_.quantity -= take
        if reservation_.quantity == 0:
            reservation_.closed_at = at
        reservation_.save()
        drawn = drawn or reservation_
        remaining -= take
    stock.reserved -= from_held
    stock.on_hand -= quantity
    _units_leave(units, UnitState.INSTALLED, at)
    moves = _moves(
        MoveKind.CONSUME,
        part=part,
        quantity=quantity,
        serials=serials,
        actor=actor,
        at=at,
        from_location=location,
        case=case,
        asset=asset,
        visit_id=visit_id,
        reservation=drawn,
        rma_order=rma,
        note=note.strip(),
    )
    _settle(stock, at)
    return moves
