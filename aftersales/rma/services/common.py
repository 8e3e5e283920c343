"""What the spare-parts services share: who may do what, input checks, locks, moves and
timeline entries."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import CASE_WORKERS, Role
from aftersales.cases import services as case_services
from aftersales.cases.choices import FINISHED, OPEN, Status, Visibility
from aftersales.cases.models import Case
from aftersales.cases.timeline import timeline_append
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.notifications.choices import Event
from aftersales.notifications.services import notify
from aftersales.rma import deadlines
from aftersales.rma.choices import LocationKind, UnitState
from aftersales.rma.models import (
    PartUnit,
    SparePart,
    Stock,
    StockLocation,
    StockMove,
)
from aftersales.rma.workflow import (
    PARTS_DESK,
)
from aftersales.sla.calendars import WorkingCalendar
from aftersales.sla.selectors import calendar_by_name

MAX_QUANTITY = 100_000


def _is_parts_desk(user: User) -> bool:
    return not user.is_customer and bool(user.roles & PARTS_DESK)


def _require_parts_desk(actor: User) -> None:
    if not _is_parts_desk(actor):
        raise Forbidden(_("Only the spare-parts desk keeps the stock."), code="not_permitted")


def _require_may_take(actor: User, location: StockLocation) -> None:
    """The parts desk takes from anywhere; engineers and the service desk from a warehouse or
    their own stock, never from another engineer's."""
    if _is_parts_desk(actor):
        return
    if actor.is_customer or not (actor.roles & CASE_WORKERS):
        raise Forbidden(_("You may not take parts from stock."), code="not_permitted")
    if location.kind == LocationKind.ENGINEER and location.owner_id != actor.pk:
        raise Forbidden(
            _("You may take parts only from a warehouse or your own stock."),
            code="not_permitted",
        )


def parts_admins() -> list[User]:
    """Who hears about stock and RMA deadlines: the active spare-parts admins."""
    return list(
        User.objects.filter(
            is_active=True, organisation__isnull=True, groups__name=Role.SPARE_PARTS_ADMIN
        )
        .distinct()
        .order_by("pk")
    )


def desk_calendar() -> WorkingCalendar:
    """The spare-parts desk's working calendar (built in: 5x8-cn)."""
    return calendar_by_name(deadlines.DESK_CALENDAR)


# --- small checks ---------------------------------------------------------------------------


def _require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message, field=field)
    return value


def _quantity(value, field: str = "quantity") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(_("The quantity must be a whole number of 1 or more."), field=field)
    if value > MAX_QUANTITY:
        raise ValidationError(
            _("The quantity cannot exceed %(max)s.") % {"max": MAX_QUANTITY}, field=field
        )
    return value


def _serials(part: SparePart, quantity: int | None, serial_numbers: Iterable[str]) -> list[str]:
    """The serial numbers of a move: one per unit for a serialised part, none otherwise."""
    serials = [str(s).strip() for s in serial_numbers or () if str(s).strip()]
    if not part.serialised:
        if serials:
            raise ValidationError(
                _("%(part)s is not serialised: give a quantity, not serial numbers.")
                % {"part": part.part_number},
                field="serial_numbers",
            )
        return []
    if not serials:
        raise ValidationError(
            _("%(part)s is serialised: name the serial number of each unit.")
            % {"part": part.part_number},
            field="serial_numbers",
        )
    duplicates = sorted({s for s in serials if serials.count(s) > 1})
    if duplicates:
        raise ValidationError(
            _("Serial numbers named twice: %(serials)s.") % {"serials": ", ".join(duplicates)},
            field="serial_numbers",
        )
    if quantity is not None and quantity != len(serials):
        raise ValidationError(
            _("%(count)s serial numbers for a quantity of %(quantity)s.")
            % {"count": len(serials), "quantity": quantity},
            field="serial_numbers",
        )
    return serials


def _count(part: SparePart, quantity: int | None, serial_numbers) -> tuple[int, list[str]]:
    serials = _serials(part, quantity, serial_numbers)
    if serials:
        return len(serials), serials
    if quantity is None:
        raise ValidationError(_("Give a quantity."), field="quantity")
    return _quantity(quantity), []


def _active_part(part: SparePart) -> SparePart:
    if not part.is_active:
        raise ValidationError(
            _("%(part)s is no longer in the catalogue.") % {"part": part.part_number},
            field="part",
        )
    return part


def _active_location(location: StockLocation, field: str = "location") -> StockLocation:
    if not location.is_active:
        raise ValidationError(
            _("The stock location %(location)s is closed.") % {"location": location.name},
            field=field,
        )
    return location


def _full_clean(instance: models.Model, exclude: Sequence[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationError(messages[0], field=None if field == "__all__" else field) from exc


# --- locks ----------------------------------------------------------------------------------


def _lock_case(case: Case) -> Case:
    # of=self: the organisation is read with the case, never locked with it.
    return (
        Case.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=case.pk)
    )


def _lock(instance: models.Model) -> models.Model:
    return type(instance).objects.select_for_update().get(pk=instance.pk)


def _lock_stock(part: SparePart, location: StockLocation, *, create: bool = False) -> Stock | None:
    """The stock row of (part, location), locked; created empty first when asked."""
    rows = Stock.objects.select_for_update().filter(part=part, location=location)
    stock = rows.first()
    if stock is None and create:
        try:
            with transaction.atomic():
                Stock.objects.create(part=part, location=location, updated_at=now())
        except IntegrityError:
            pass  # created meanwhile by another transaction: lock that one
        stock = rows.get()
    if stock is not None:
        # Joined by hand so messages name them without another query.
        stock.part, stock.location = part, location
    return stock


def _lock_units(part: SparePart, serials: list[str]) -> dict[str, PartUnit]:
    units = PartUnit.objects.select_for_update().filter(part=part, serial_number__in=serials)
    return {unit.serial_number: unit for unit in units.order_by("pk")}


def _units_in_stock(
    part: SparePart, serials: list[str], location: StockLocation
) -> dict[str, PartUnit]:
    units = _lock_units(part, serials)
    missing = [
        s
        for s in serials
        if s not in units
        or units[s].state != UnitState.IN_STOCK
        or units[s].location_id != location.pk
    ]
    if missing:
        raise Conflict(
            _("Not in stock at %(location)s: %(part)s serial %(serials)s.")
            % {"location": location.name, "part": part.part_number, "serials": ", ".join(missing)},
            code="not_in_stock",
            field="serial_numbers",
        )
    return units


def _short(stock: Stock, quantity: int) -> Conflict:
    return Conflict(
        _(
            "Only %(available)s of %(part)s available at %(location)s (%(on_hand)s on hand, "
            "%(reserved)s reserved); %(quantity)s asked. Nothing was changed."
        )
        % {
            "available": stock.available,
            "part": stock.part.part_number,
            "location": stock.location.name,
            "on_hand": stock.on_hand,
            "reserved": stock.reserved,
            "quantity": quantity,
        },
        code="insufficient_stock",
        field="quantity",
    )


def _none_here(part: SparePart, location: StockLocation, quantity: int) -> Conflict:
    return Conflict(
        _("%(part)s is not stocked at %(location)s; %(quantity)s asked. Nothing was changed.")
        % {"part": part.part_number, "location": location.name, "quantity": quantity},
        code="insufficient_stock",
        field="quantity",
    )


# --- writing moves and timeline entries ------------------------------------------------------


def _move(kind: str, *, part: SparePart, quantity: int, actor: User | None, at, **fields):
    return StockMove.objects.create(
        kind=kind, part=part, quantity=quantity, actor=actor, created_at=at, **fields
    )


def _moves(kind: str, *, part, quantity: int, serials: list[str], actor, at, **fields):
    """One move per unit of a serialised part, one move for the quantity otherwise."""
    if serials:
        return [
            _move(kind, part=part, quantity=1, serial_number=s, actor=actor, at=at, **fields)
            for s in serials
        ]
    return [_move(kind, part=part, quantity=quantity, actor=actor, at=at, **fields)]


def _settle(stock: Stock, at: dt.datetime) -> None:
    """Save a changed stock row, telling the spare-parts admins once when its available
    quantity drops below the minimum (and forgetting once it is back)."""
    if stock.below_minimum:
        if stock.low_since is None:
            stock.low_since = at
            notify(
                event=Event.STOCK_LOW,
                recipients=parts_admins(),
                context={
                    "part": str(stock.part),
                    "part_number": stock.part.part_number,
                    "location": stock.location.name,
                    "available": stock.available,
                    "on_hand": stock.on_hand,
                    "minimum": stock.minimum,
                    "url": _site_url(f"/parts/?location={stock.location.code}"),
                },
                dedupe_key=f"stock_low:{stock.pk}:{at.isoformat()}",
            )
    elif stock.low_since is not None:
        stock.low_since = None
    stock.updated_at = at
    stock.save()


def _site_url(path: str) -> str:
    from django.conf import settings

    return settings.SITE_URL.rstrip("/") + path


def _entry(
    case: Case,
    kind: str,
    *,
    actor: User | None,
    at: dt.datetime,
    data: dict,
    body: str = "",
    visibility: str = Visibility.INTERNAL,
):
    """Append an entry to the locked case's timeline and save the case."""
    entry = timeline_append(
        case=case, kind=kind, actor=actor, at=at, body=body, data=data, visibility=visibility
    )
    case.last_entry = entry
    case.save()
    return entry


def _part_data(part: SparePart) -> dict:
    return {"part": part.name, "part_number": part.part_number}


def _rma_data(order) -> dict:
    """What a public RMA entry says: the order and the part, nothing about our stock."""
    return {"rma": order.number, **_part_data(order.part)}


def _reporters(case: Case) -> list[User]:
    return case_services._reporters(case)


def _owner(case: Case) -> list[User]:
    return [case.assignee] if case.assignee_id else []


def _require_unfinished(case: Case) -> None:
    if case.status in FINISHED:
        raise Conflict(
            _("Case %(number)s is %(status)s.")
            % {"number": case.number, "status": Status(case.status).label},
            code="case_finished",
        )


def _require_open(case: Case, message: str) -> None:
    if case.status not in OPEN:
        raise Conflict(
            message % {"number": case.number, "status": Status(case.status).label},
            code="case_not_open",
        )
