"""The workflows of RMA orders, loans and vendor tickets: for each, every allowed move in one
table, and one function, `workflow_apply`, that checks a move and writes the new status.

A row says: this action, from this status (None: the action creates the record), leads to
that status (SAME: leaves it as it is), and these roles may take it. Services call
`workflow_apply` on the locked record; pages and the API call `allowed_actions` to offer only
what would succeed.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aftersales.accounts.roles import CASE_WORKERS, ENGINEERS, Role
from aftersales.core.errors import Conflict, Forbidden
from aftersales.rma.choices import LoanStatus, RmaStatus, VendorTicketStatus

# Who keeps the spare parts: the spare-parts / RMA admins, and administrators.
PARTS_DESK = frozenset({Role.SPARE_PARTS_ADMIN, Role.ADMINISTRATOR})
# Who confirms a hardware fault for advance replacement: the engineers who diagnose it, and
# the parts desk (on the vendor's diagnosis).
RMA_CONFIRMERS = ENGINEERS | PARTS_DESK
# Who lends and takes back loaners: the parts desk, and engineers carrying them to site.
LENDERS = ENGINEERS | PARTS_DESK
# Who hands a case to a vendor's support and records its answers.
VENDOR_CONTACTS = CASE_WORKERS | PARTS_DESK

SAME = None


class RmaAction(models.TextChoices):
    CONFIRM = "confirm-fault", gettext_lazy("Confirm the hardware fault for RMA")
    SHIP = "ship", gettext_lazy("Ship the replacement")
    RECEIVE_FAULTY = "receive-faulty", gettext_lazy("Receive the faulty part")
    SEND_TO_REPAIR = "send-to-repair", gettext_lazy("Send to the vendor or to repair")
    RECEIVE_REPAIRED = "receive-repaired", gettext_lazy("Receive back from repair")
    PASS = "pass-inspection", gettext_lazy("Passed inspection: back to stock")
    FAIL = "fail-inspection", gettext_lazy("Failed inspection: scrap")
    WRITE_OFF = "write-off", gettext_lazy("Write off the unreturned part")
    CANCEL = "cancel", gettext_lazy("Cancel the RMA order")


class LoanAction(models.TextChoices):
    LEND = "lend", gettext_lazy("Lend a loaner")
    EXTEND = "extend", gettext_lazy("Extend the loan")
    RETURN = "return", gettext_lazy("Take the loaner back")
    WRITE_OFF = "write-off", gettext_lazy("Write off the loaner")


class VendorAction(models.TextChoices):
    OPEN = "open", gettext_lazy("Hand to the vendor's support")
    ANSWER = "answer", gettext_lazy("Record the vendor's answer")
    CLOSE = "close", gettext_lazy("Close the vendor ticket")


@dataclass(frozen=True)
class Move:
    action: str
    source: str | None
    target: str | None
    roles: frozenset[str]


class Workflow:
    """One record type's table of moves, and the guards that read it."""

    def __init__(self, *, name: str, actions: type[models.TextChoices], statuses, table):
        self.name = name
        self.actions = actions
        self.statuses = statuses
        self.table: list[Move] = table
        self.moves: dict[tuple[str, str | None], Move] = {(m.action, m.source): m for m in table}
        assert len(self.moves) == len(table), "one row per (action, source status)"

    def check(self, action: str, record, user) -> Move:
        """The move `user` would make by taking `action` on `record` now (a record not yet
        saved, or None: creating it), or the refusal."""
        source = record.status if record is not None and record.pk else None
        move = self.moves.get((action, source))
        if move is None:
            raise Conflict(
                _("“%(action)s” is not allowed while the %(record)s is %(status)s.")
                % {
                    "action": self.actions(action).label,
                    "record": self.name,
                    "status": self.statuses(source).label if source else _("new"),
                },
                code="invalid_transition",
            )
        if user is None:
            raise Forbidden(_("This action needs a person."), code="not_permitted")
        if user.is_customer or not (user.roles & move.roles):
            raise Forbidden(
                _("You may not “%(action)s”.") % {"action": self.actions(action).label},
                code="not_permitted",
            )
        return move

    def allowed(self, action: str, record, user) -> bool:
        try:
            self.check(action, record, user)
        except (Conflict, Forbidden):
            return False
        return True

    def allowed_actions(self, record, user) -> list[str]:
        return [a.value for a in self.actions if self.allowed(a.value, record, user)]


def _rows(action, sources, target, roles) -> list[Move]:
    return [Move(action, source, target, frozenset(roles)) for source in sources]


RMA = Workflow(
    name=gettext_lazy("RMA order"),
    actions=RmaAction,
    statuses=RmaStatus,
    table=[
        *_rows(RmaAction.CONFIRM, [None], RmaStatus.CONFIRMED, RMA_CONFIRMERS),
        *_rows(RmaAction.SHIP, [RmaStatus.CONFIRMED], RmaStatus.SHIPPED, PARTS_DESK),
        *_rows(
            RmaAction.RECEIVE_FAULTY, [RmaStatus.SHIPPED], RmaStatus.FAULTY_RECEIVED, PARTS_DESK
        ),
        *_rows(
            RmaAction.SEND_TO_REPAIR,
            [RmaStatus.FAULTY_RECEIVED],
            RmaStatus.IN_REPAIR,
            PARTS_DESK,
        ),
        *_rows(RmaAction.RECEIVE_REPAIRED, [RmaStatus.IN_REPAIR], RmaStatus.REPAIRED, PARTS_DESK),
        *_rows(RmaAction.PASS, [RmaStatus.REPAIRED], RmaStatus.RESTOCKED, PARTS_DESK),
        *_rows(RmaAction.FAIL, [RmaStatus.REPAIRED], RmaStatus.SCRAPPED, PARTS_DESK),
        *_rows(RmaAction.WRITE_OFF, [RmaStatus.SHIPPED], RmaStatus.WRITTEN_OFF, PARTS_DESK),
        *_rows(RmaAction.CANCEL, [RmaStatus.CONFIRMED], RmaStatus.CANCELLED, RMA_CONFIRMERS),
    ],
)

LOAN = Workflow(
    name=gettext_lazy("loan"),
    actions=LoanAction,
    statuses=LoanStatus,
    table=[
        *_rows(LoanAction.LEND, [None], LoanStatus.OUT, LENDERS),
        *_rows(LoanAction.EXTEND, [LoanStatus.OUT], SAME, LENDERS),
        *_rows(LoanAction.RETURN, [LoanStatus.OUT], LoanStatus.RETURNED, LENDERS),
        *_rows(LoanAction.WRITE_OFF, [LoanStatus.OUT], LoanStatus.LOST, PARTS_DESK),
    ],
)

VENDOR = Workflow(
    name=gettext_lazy("vendor ticket"),
    actions=VendorAction,
    statuses=VendorTicketStatus,
    table=[
        *_rows(VendorAction.OPEN, [None], VendorTicketStatus.OPEN, VENDOR_CONTACTS),
        *_rows(VendorAction.ANSWER, [VendorTicketStatus.OPEN], SAME, VENDOR_CONTACTS),
        *_rows(
            VendorAction.CLOSE,
            [VendorTicketStatus.OPEN],
            VendorTicketStatus.CLOSED,
            VENDOR_CONTACTS,
        ),
    ],
)


def workflow_apply(workflow: Workflow, *, record, action: str, actor) -> Move:
    """Check `action` on `record` (locked by the caller, or new) and set its status: the only
    place an RMA order's, a loan's or a vendor ticket's status is written."""
    move = workflow.check(action, record, actor)
    if move.target is not SAME:
        record.status = move.target
    return move
