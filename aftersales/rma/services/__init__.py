"""Writes for spare parts: the catalogue and stock, advance replacement (RMA) orders, loaners
and vendor tickets.

Every service owns its transaction, checks the actor's right, and locks what it reads before
writing, always in one order: the case, then the RMA order / loan / vendor ticket, then stock
rows (by part, then location), then part units. Every quantity change writes a `StockMove`
with it; every step that concerns a case appends an entry to the case's timeline in the same
transaction (public where the customer is concerned: a replacement shipped, the faulty part
received, a loaner lent or taken back; internal for stock and vendor matters).

For other apps (visits): `stock_reserve`, `stock_release` and `stock_consume` take parts for
a case, or a visit of it, from a warehouse or an engineer's own stock.
"""

from aftersales.rma.services.common import desk_calendar, parts_admins
from aftersales.rma.services.loans import (
    loan_extend,
    loan_lend,
    loan_return,
    loan_write_off,
)
from aftersales.rma.services.replacements import (
    rma_cancel,
    rma_confirm_fault,
    rma_inspect,
    rma_receive_faulty,
    rma_receive_repaired,
    rma_send_to_repair,
    rma_ship,
    rma_write_off,
)
from aftersales.rma.services.stock import (
    location_check,
    location_save,
    part_check,
    part_save,
    stock_consume,
    stock_receive,
    stock_release,
    stock_reserve,
    stock_scrap,
    stock_set_minimum,
    stock_transfer,
)
from aftersales.rma.services.vendors import (
    vendor_ticket_answer,
    vendor_ticket_close,
    vendor_ticket_open,
)

__all__ = [
    "desk_calendar",
    "loan_extend",
    "loan_lend",
    "loan_return",
    "loan_write_off",
    "location_check",
    "location_save",
    "part_check",
    "part_save",
    "parts_admins",
    "rma_cancel",
    "rma_confirm_fault",
    "rma_inspect",
    "rma_receive_faulty",
    "rma_receive_repaired",
    "rma_send_to_repair",
    "rma_ship",
    "rma_write_off",
    "stock_consume",
    "stock_receive",
    "stock_release",
    "stock_reserve",
    "stock_scrap",
    "stock_set_minimum",
    "stock_transfer",
    "vendor_ticket_answer",
    "vendor_ticket_close",
    "vendor_ticket_open",
]
