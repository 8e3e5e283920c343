"""Reads of spare parts, stock, RMA orders, loans and vendor tickets, always scoped to the
reader: stock, parts, moves and vendor tickets are for service staff only; a customer contact
sees its own organisation's RMA orders and loans, and nothing else. The report selectors at
the end feed the reports app."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case as SqlCase
from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF
from aftersales.cases.models import Case
from aftersales.core.errors import NotFound
from aftersales.core.ids import parse_id
from aftersales.rma.choices import RMA_OPEN, LoanStatus, MoveKind, RmaStatus
from aftersales.rma.models import (
    Loan,
    Reservation,
    RmaOrder,
    SparePart,
    Stock,
    StockLocation,
    StockMove,
    VendorTicket,
)
from aftersales.rma.workflow import LOAN, RMA, VENDOR, LoanAction, RmaAction, VendorAction
from aftersales.sla.calendars import WorkingCalendar


def is_staff(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and not user.is_customer
        and bool(user.roles & STAFF)
    )


def _staff_only(queryset: QuerySet, user: User) -> QuerySet:
    return queryset if is_staff(user) else queryset.none()


def _by_organisation(queryset: QuerySet, user: User, path: str) -> QuerySet:
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_customer:
        return queryset.filter(**{path: user.organisation_id})
    if user.roles & STAFF:
        return queryset
    return queryset.none()


# --- the catalogue and stock (staff only) ---------------------------------------------------


def part_queryset(*, user: User) -> QuerySet[SparePart]:
    return _staff_only(SparePart.objects.select_related("vendor"), user)


def location_queryset(*, user: User) -> QuerySet[StockLocation]:
    return _staff_only(StockLocation.objects.select_related("owner", "region"), user)


def stock_queryset(*, user: User) -> QuerySet[Stock]:
    """Stock rows with `available` (on hand less reserved) and `short` (1 when below the
    minimum) computed in the database, so lists can sort and filter on them."""
    rows = Stock.objects.select_related("part__vendor", "location").annotate(
        available_now=F("on_hand") - F("reserved"),
        short=SqlCase(
            When(Q(minimum__gt=0) & Q(minimum__gt=F("on_hand") - F("reserved")), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )
    return _staff_only(rows, user)


def move_queryset(*, user: User) -> QuerySet[StockMove]:
    return _staff_only(
        StockMove.objects.select_related(
            "part", "from_location", "to_location", "case", "actor", "rma_order", "loan"
        ),
        user,
    )


def reservation_queryset(*, user: User) -> QuerySet[Reservation]:
    return _staff_only(
        Reservation.objects.select_related(
            "stock__part", "stock__location", "case", "created_by", "rma_order"
        ),
        user,
    )


def vendor_ticket_queryset(*, user: User) -> QuerySet[VendorTicket]:
    return _staff_only(
        VendorTicket.objects.select_related("case", "vendor", "opened_by", "closed_by"), user
    )


def _get(queryset: QuerySet, message: str, **lookup):
    found = list(queryset.filter(**lookup)[:1])
    if not found:
        raise NotFound(message)
    return found[0]


def part_get(*, user: User, part_id) -> SparePart:
    pk = parse_id(part_id)
    if pk is None:
        raise NotFound(_("No such part."))
    return _get(part_queryset(user=user), _("No such part."), pk=pk)


def location_find(*, user: User, ref: str) -> StockLocation:
    """A stock location by id or code."""
    pk = parse_id(ref)
    lookup = {"pk": pk} if pk is not None else {"code": str(ref).strip()}
    return _get(location_queryset(user=user), _("No such stock location."), **lookup)


# --- RMA orders, loans (customers: their organisation's) ------------------------------------


def rma_queryset(*, user: User) -> QuerySet[RmaOrder]:
    rows = RmaOrder.objects.select_related(
        "case__organisation", "part__vendor", "asset", "ship_from", "repair_vendor"
    )
    return _by_organisation(rows, user, "case__organisation_id")


def rma_get(*, user: User, number: str) -> RmaOrder:
    return _get(rma_queryset(user=user), _("No such RMA order."), number=number)


def loan_queryset(*, user: User) -> QuerySet[Loan]:
    rows = Loan.objects.select_related(
        "case", "organisation", "site", "part__vendor", "asset", "from_location", "returned_to"
    )
    return _by_organisation(rows, user, "organisation_id")


def loan_get(*, user: User, number: str) -> Loan:
    return _get(loan_queryset(user=user), _("No such loan."), number=number)


def vendor_ticket_get(*, user: User, ticket_id) -> VendorTicket:
    pk = parse_id(ticket_id)
    if pk is None:
        raise NotFound(_("No such vendor ticket."))
    return _get(vendor_ticket_queryset(user=user), _("No such vendor ticket."), pk=pk)


# --- what pages show -------------------------------------------------------------------------


@dataclass
class CasePanel:
    """What the case page shows of spare parts: the case's RMA orders, loans and vendor
    tickets with the actions the reader may take on each; for staff also what is reserved
    and what was used."""

    orders: list[RmaOrder]
    loans: list[Loan]
    tickets: list[VendorTicket]
    reservations: list[Reservation]
    used: list[StockMove]
    can_confirm: bool
    can_lend: bool
    can_hand_to_vendor: bool
    can_take_parts: bool


def case_panel(*, case: Case, user: User) -> CasePanel:
    """`case` was read through the reader's scope (cases.selectors.case_get)."""
    staff = is_staff(user)
    orders = list(rma_queryset(user=user).filter(case=case).order_by("-id"))
    loans = list(loan_queryset(user=user).filter(case=case).order_by("-id"))
    for record, workflow in [*((o, RMA) for o in orders), *((loan, LOAN) for loan in loans)]:
        record.actions = workflow.allowed_actions(record, user) if staff else []
    tickets: list[VendorTicket] = []
    reservations: list[Reservation] = []
    used: list[StockMove] = []
    if staff:
        tickets = list(vendor_ticket_queryset(user=user).filter(case=case).order_by("-id"))
        for ticket in tickets:
            ticket.actions = VENDOR.allowed_actions(ticket, user)
        reservations = list(
            reservation_queryset(user=user)
            .filter(case=case, closed_at__isnull=True)
            .order_by("-id")
        )
        used = list(
            move_queryset(user=user).filter(case=case, kind=MoveKind.CONSUME).order_by("-id")[:50]
        )
    return CasePanel(
        orders=orders,
        loans=loans,
        tickets=tickets,
        reservations=reservations,
        used=used,
        can_confirm=staff and RMA.allowed(RmaAction.CONFIRM, None, user),
        can_lend=staff and LOAN.allowed(LoanAction.LEND, None, user),
        can_hand_to_vendor=staff and VENDOR.allowed(VendorAction.OPEN, None, user),
        can_take_parts=staff,
    )


def rma_board(*, user: User, status: str = "open") -> list[RmaOrder]:
    """The RMA desk's list: open orders with overdue returns first, then by the next due
    time (shipping, return, repair); or the orders of one status."""
    orders = rma_queryset(user=user).select_related("case__assignee")
    if status == "open":
        orders = orders.filter(status__in=RMA_OPEN)
    elif status in RmaStatus.values:
        orders = orders.filter(status=status)
    else:
        return []
    orders = orders.annotate(
        overdue_return=SqlCase(
            When(return_overdue_at__isnull=False, status=RmaStatus.SHIPPED, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    rows = list(orders.order_by("overdue_return", "-id")[:200])
    rows.sort(
        key=lambda o: (o.overdue_return, next_due(o) or dt.datetime.max.replace(tzinfo=dt.UTC))
    )
    return rows


def next_due(order: RmaOrder) -> dt.datetime | None:
    """The deadline the order is working towards now."""
    if order.status == RmaStatus.CONFIRMED:
        return order.ship_due_at
    if order.status == RmaStatus.SHIPPED:
        return order.return_due_at
    if order.status in (RmaStatus.FAULTY_RECEIVED, RmaStatus.IN_REPAIR):
        return order.repair_due_at
    return None


def rma_counts(*, user: User) -> dict[str, int]:
    rows = rma_queryset(user=user).values("status").annotate(n=Count("id")).order_by()
    return {row["status"]: row["n"] for row in rows}


# --- reports feed ------------------------------------------------------------------------------


def _period(queryset: QuerySet, field: str, start, end) -> QuerySet:
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end is not None:
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def _used(user: User, start, end, organisation_id: int | None = None) -> QuerySet[StockMove]:
    """Parts that went to customers (consumed by cases and visits, shipped as replacements)
    in [start, end), as far as the reader may see: a customer its organisation's; only
    `organisation_id`'s when given."""
    moves = StockMove.objects.filter(kind=MoveKind.CONSUME, case__isnull=False)
    if organisation_id is not None:
        moves = moves.filter(case__organisation_id=organisation_id)
    return _period(_by_organisation(moves, user, "case__organisation_id"), "created_at", start, end)


def parts_used_by_case(
    *,
    user: User,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    organisation_id: int | None = None,
) -> list[dict]:
    """Rows of {case_id, case_number, organisation, part_id, part_number, part, quantity},
    by case number then part number."""
    rows = (
        _used(user, start, end, organisation_id)
        .values(
            "case_id",
            "case__number",
            "case__organisation__code",
            "part_id",
            "part__part_number",
            "part__name",
        )
        .annotate(quantity=Sum("quantity"))
        .order_by("case__number", "part__part_number")
    )
    return [
        {
            "case_id": r["case_id"],
            "case_number": r["case__number"],
            "organisation": r["case__organisation__code"],
            "part_id": r["part_id"],
            "part_number": r["part__part_number"],
            "part": r["part__name"],
            "quantity": r["quantity"],
        }
        for r in rows
    ]


def parts_used_by_asset_model(
    *,
    user: User,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    organisation_id: int | None = None,
) -> list[dict]:
    """Rows of {asset_model_id, asset_model, vendor, part_id, part_number, part, quantity}
    by the model of the asset each part went into (None where no asset was named)."""
    rows = (
        _used(user, start, end, organisation_id)
        .values(
            "asset__model_id",
            "asset__model__name",
            "asset__model__vendor__name",
            "part_id",
            "part__part_number",
            "part__name",
        )
        .annotate(quantity=Sum("quantity"))
        .order_by("asset__model__vendor__name", "asset__model__name", "part__part_number")
    )
    return [
        {
            "asset_model_id": r["asset__model_id"],
            "asset_model": r["asset__model__name"],
            "vendor": r["asset__model__vendor__name"],
            "part_id": r["part_id"],
            "part_number": r["part__part_number"],
            "part": r["part__name"],
            "quantity": r["quantity"],
        }
        for r in rows
    ]


@dataclass
class Turnaround:
    """One RMA order's turnaround, in working minutes of the desk's calendar."""

    number: str
    case_number: str
    organisation: str
    part_number: str
    confirmed_at: dt.datetime
    shipped_at: dt.datetime | None
    ship_minutes: float | None  # confirmed → shipped
    shipped_on_time: bool | None
    faulty_received_at: dt.datetime | None
    repaired_at: dt.datetime | None
    repair_minutes: float | None  # faulty part received → back from repair
    repaired_on_time: bool | None


def rma_turnaround(
    *,
    user: User,
    calendar: WorkingCalendar,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> list[Turnaround]:
    """Orders confirmed in [start, end): how long shipping and the exchange repair took
    (working minutes of `calendar`, the desk's: rma.services.desk_calendar()) and whether
    each met its deadline (None while not done)."""
    orders = _period(
        rma_queryset(user=user).exclude(status=RmaStatus.CANCELLED), "confirmed_at", start, end
    ).order_by("confirmed_at", "id")
    rows = []
    for o in orders:
        shipped = o.shipped_at is not None
        repaired = o.repaired_at is not None and o.faulty_received_at is not None
        rows.append(
            Turnaround(
                number=o.number,
                case_number=o.case.number,
                organisation=o.case.organisation.code,
                part_number=o.part.part_number,
                confirmed_at=o.confirmed_at,
                shipped_at=o.shipped_at,
                ship_minutes=calendar.elapsed(o.confirmed_at, o.shipped_at) if shipped else None,
                shipped_on_time=(o.shipped_at <= o.ship_due_at) if shipped else None,
                faulty_received_at=o.faulty_received_at,
                repaired_at=o.repaired_at,
                repair_minutes=(
                    calendar.elapsed(o.faulty_received_at, o.repaired_at) if repaired else None
                ),
                repaired_on_time=(o.repaired_at <= o.repair_due_at) if repaired else None,
            )
        )
    return rows


def rma_turnaround_summary(rows: list[Turnaround]) -> dict:
    """Counts, average working minutes and on-time rates (0-1, None when nothing is done)."""

    def stats(minutes: list[float], on_time: list[bool]) -> dict:
        return {
            "done": len(minutes),
            "average_minutes": sum(minutes) / len(minutes) if minutes else None,
            "on_time_rate": sum(on_time) / len(on_time) if on_time else None,
        }

    shipped = [r for r in rows if r.ship_minutes is not None]
    repaired = [r for r in rows if r.repair_minutes is not None]
    return {
        "orders": len(rows),
        "shipping": stats([r.ship_minutes for r in shipped], [r.shipped_on_time for r in shipped]),
        "repair": stats(
            [r.repair_minutes for r in repaired], [r.repaired_on_time for r in repaired]
        ),
    }


def overdue_returns(*, user: User, now: dt.datetime) -> list[RmaOrder]:
    """Replacements shipped whose faulty part is past its return deadline, longest overdue
    first."""
    return list(
        rma_queryset(user=user)
        .filter(status=RmaStatus.SHIPPED, return_due_at__lte=now)
        .select_related("case__assignee")
        .order_by("return_due_at", "id")
    )


def loans_out(*, user: User, now: dt.datetime) -> list[Loan]:
    """Loaners at customers' sites, the overdue first (each with `overdue` set)."""
    loans = list(
        loan_queryset(user=user).filter(status=LoanStatus.OUT).order_by("due_back_at", "id")
    )
    for loan in loans:
        loan.overdue = loan.due_back_at <= now
    return loans


def parts_below_minimum(*, user: User) -> list[Stock]:
    return list(
        stock_queryset(user=user).filter(short=1).order_by("location__code", "part__part_number")
    )
