from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    ENGINEER = "engineer", _("Engineer's stock")


class MoveKind(models.TextChoices):
    """What a stock move did. Every change of a quantity is one move."""

    RECEIVE = "receive", _("Received")
    RESERVE = "reserve", _("Reserved")
    RELEASE = "release", _("Released")
    CONSUME = "consume", _("Consumed")
    TRANSFER = "transfer", pgettext_lazy("kind of stock move", "Transferred")
    LOAN = "loan", _("Lent out")
    RETURN = "return", _("Returned to stock")
    SCRAP = "scrap", _("Scrapped")


class UnitState(models.TextChoices):
    """Where one unit of a serialised part is."""

    IN_STOCK = "in_stock", _("In stock")
    INSTALLED = "installed", _("At a customer's site")
    ON_LOAN = "on_loan", _("On loan")
    SCRAPPED = "scrapped", _("Scrapped")


class RmaStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Fault confirmed, to ship")
    SHIPPED = "shipped", _("Replacement shipped, faulty part due back")
    FAULTY_RECEIVED = "faulty_received", _("Faulty part received")
    IN_REPAIR = "in_repair", _("At the vendor or in repair")
    REPAIRED = "repaired", _("Back from repair, to inspect")
    RESTOCKED = "restocked", _("Passed inspection, back in stock")
    SCRAPPED = "scrapped", _("Failed inspection, scrapped")
    WRITTEN_OFF = "written_off", _("Faulty part not returned, written off")
    CANCELLED = "cancelled", _("Cancelled")


RMA_OPEN = frozenset(
    {
        RmaStatus.CONFIRMED,
        RmaStatus.SHIPPED,
        RmaStatus.FAULTY_RECEIVED,
        RmaStatus.IN_REPAIR,
        RmaStatus.REPAIRED,
    }
)
RMA_FINISHED = frozenset(set(RmaStatus) - RMA_OPEN)
# The exchange-repair clock runs from receiving the faulty part until it is back from repair.
RMA_REPAIRING = frozenset({RmaStatus.FAULTY_RECEIVED, RmaStatus.IN_REPAIR})


class RepairKind(models.TextChoices):
    VENDOR = "vendor", _("Returned to the vendor (through purchasing)")
    INTERNAL = "internal", _("Repaired in house")


class LoanStatus(models.TextChoices):
    OUT = "out", _("On loan")
    RETURNED = "returned", _("Returned")
    LOST = "lost", _("Not returned, written off")


class VendorTicketStatus(models.TextChoices):
    OPEN = "open", _("Open at the vendor")
    CLOSED = "closed", _("Closed")
