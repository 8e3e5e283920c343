"""Spare parts, their stock and every move of it; advance-replacement (RMA) orders, loaners and
vendor tickets. Quantities and states change only through rma.services."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aftersales.rma.choices import (
    RMA_OPEN,
    RMA_REPAIRING,
    LoanStatus,
    LocationKind,
    MoveKind,
    RepairKind,
    RmaStatus,
    UnitState,
    VendorTicketStatus,
)


class ImmutableError(Exception):
    pass


class SparePart(models.Model):
    """A part of the catalogue: a vendor's part number (or model) and what it fits."""

    vendor = models.ForeignKey(
        "customers.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="spare_parts",
    )
    part_number = models.CharField(
        _("part number"), max_length=100, help_text=_("The vendor's part number or model.")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    compatible_models = models.ManyToManyField(
        "customers.AssetModel",
        verbose_name=_("compatible asset models"),
        blank=True,
        related_name="spare_parts",
    )
    serialised = models.BooleanField(
        _("serialised"),
        default=False,
        help_text=_("Each unit has a serial number, named on every move."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("spare part")
        verbose_name_plural = _("spare parts")
        ordering = ["part_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "part_number"], name="spare_part_unique_per_vendor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.part_number} {self.name}"


class StockLocation(models.Model):
    """Where parts are kept: a warehouse (its keeper as owner) or an engineer's own stock."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=LocationKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_locations",
        help_text=_("The warehouse keeper, or the engineer whose stock this is."),
    )
    region = models.ForeignKey(
        "accounts.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        ordering = ["kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=LocationKind.ENGINEER) | Q(owner__isnull=False),
                name="stock_location_engineer_has_owner",
            ),
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(kind=LocationKind.ENGINEER),
                name="stock_location_one_per_engineer",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """The quantity of one part at one location: on hand, of which reserved; and the minimum
    below which the spare-parts admins are told. Changed only under the row's lock."""

    part = models.ForeignKey(
        SparePart, verbose_name=_("part"), on_delete=models.PROTECT, related_name="stock"
    )
    location = models.ForeignKey(
        StockLocation, verbose_name=_("location"), on_delete=models.PROTECT, related_name="stock"
    )
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    minimum = models.PositiveIntegerField(
        _("minimum level"),
        default=0,
        help_text=_("The spare-parts admins are told when the available quantity drops below."),
    )
    # Set when the available quantity fell below the minimum and the admins were told;
    # cleared when it is back, so each drop is told once.
    low_since = models.DateTimeField(_("below minimum since"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["location", "part"]
        constraints = [
            models.UniqueConstraint(fields=["part", "location"], name="stock_unique_per_location"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part} @ {self.location}: {self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def below_minimum(self) -> bool:
        return self.minimum > 0 and self.available < self.minimum


class PartUnit(models.Model):
    """One unit of a serialised part, by serial number: where it is."""

    part = models.ForeignKey(
        SparePart, verbose_name=_("part"), on_delete=models.PROTECT, related_name="units"
    )
    serial_number = models.CharField(_("serial number"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=UnitState.choices)
    location = models.ForeignKey(
        StockLocation,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("part unit")
        verbose_name_plural = _("part units")
        ordering = ["part", "serial_number"]
        constraints = [
            models.UniqueConstraint(fields=["part", "serial_number"], name="part_unit_serial"),
            models.CheckConstraint(
                condition=~Q(state=UnitState.IN_STOCK) | Q(location__isnull=False),
                name="part_unit_in_stock_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part.part_number} {self.serial_number}"


class Reservation(models.Model):
    """Units of stock held for a case (or a visit of it, or an RMA order) until consumed or
    released. `quantity` is what is still held."""

    stock = models.ForeignKey(
        Stock, verbose_name=_("stock"), on_delete=models.PROTECT, related_name="reservations"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="part_reservations",
    )
    visit_id = models.BigIntegerField(_("visit"), null=True, blank=True, db_index=True)
    quantity = models.PositiveIntegerField(_("quantity held"))
    reserved_quantity = models.PositiveIntegerField(_("quantity reserved"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reserved by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("reserved at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["case", "closed_at"], name="reservation_case_open"),
            models.Index(fields=["stock", "closed_at"], name="reservation_stock_open"),
        ]

    def __str__(self) -> str:
        return f"{self.stock.part} × {self.quantity}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class StockMoveQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Stock moves are never updated.")

    def delete(self):
        raise ImmutableError("Stock moves are never deleted.")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class StockMove(models.Model):
    """One move of stock, written with the change it records and never changed: received,
    reserved, released, consumed, transferred, lent, returned, scrapped."""

    kind = models.CharField(_("kind"), max_length=10, choices=MoveKind.choices)
    part = models.ForeignKey(
        SparePart, verbose_name=_("part"), on_delete=models.PROTECT, related_name="moves"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    from_location = models.ForeignKey(
        StockLocation,
        verbose_name=_("from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves_out",
    )
    to_location = models.ForeignKey(
        StockLocation,
        verbose_name=_("to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves_in",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stock_moves",
    )
    asset = models.ForeignKey(
        "customers.Asset",
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The asset the part went into, where one did."),
    )
    visit_id = models.BigIntegerField(_("visit"), null=True, blank=True, db_index=True)
    reservation = models.ForeignKey(
        Reservation,
        verbose_name=_("reservation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
    )
    rma_order = models.ForeignKey(
        "rma.RmaOrder",
        verbose_name=_("RMA order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
    )
    loan = models.ForeignKey(
        "rma.Loan",
        verbose_name=_("loan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moves",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("time"))

    objects = StockMoveQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["part", "-id"], name="stock_move_part"),
            models.Index(fields=["from_location", "-id"], name="stock_move_from"),
            models.Index(fields=["to_location", "-id"], name="stock_move_to"),
            models.Index(fields=["case", "kind"], name="stock_move_case"),
            models.Index(fields=["kind", "created_at"], name="stock_move_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.part_id} × {self.quantity}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("Stock moves are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Stock moves are never deleted.")


class RmaOrder(models.Model):
    """Advance replacement (先行更换): a hardware fault confirmed on a case ships a good part;
    the customer returns the faulty one, which goes to the vendor or to repair, is inspected,
    and returns to stock or is scrapped. Its status changes only through rma.workflow."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="rma_orders"
    )
    asset = models.ForeignKey(
        "customers.Asset",
        verbose_name=_("asset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rma_orders",
    )
    part = models.ForeignKey(
        SparePart, verbose_name=_("part"), on_delete=models.PROTECT, related_name="rma_orders"
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=RmaStatus.choices,
        default=RmaStatus.CONFIRMED,
        editable=False,
    )
    fault = models.TextField(_("fault found"))
    faulty_serial = models.CharField(_("faulty part's serial number"), max_length=100, blank=True)

    confirmed_at = models.DateTimeField(_("fault confirmed at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    ship_from = models.ForeignKey(
        StockLocation,
        verbose_name=_("ship from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reservation = models.OneToOneField(
        Reservation,
        verbose_name=_("reservation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rma_order",
    )
    ship_due_at = models.DateTimeField(_("ship by"))
    ship_breached = models.BooleanField(_("shipped late"), default=False)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    shipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("shipped by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    replacement_serial = models.CharField(
        _("replacement's serial number"), max_length=100, blank=True
    )
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)

    return_due_at = models.DateTimeField(_("faulty part due back"), null=True, blank=True)
    # The next reminder or chase of the faulty part's return, for the sweep.
    return_notice_at = models.DateTimeField(_("next return reminder"), null=True, blank=True)
    return_notices = models.PositiveSmallIntegerField(_("return reminders sent"), default=0)
    return_overdue_at = models.DateTimeField(_("return overdue since"), null=True, blank=True)
    faulty_received_at = models.DateTimeField(_("faulty part received at"), null=True, blank=True)

    repair_kind = models.CharField(
        _("repair by"), max_length=10, choices=RepairKind.choices, blank=True
    )
    repair_vendor = models.ForeignKey(
        "customers.Vendor",
        verbose_name=_("repair vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    repair_reference = models.CharField(_("repair reference"), max_length=100, blank=True)
    sent_to_repair_at = models.DateTimeField(_("sent to repair at"), null=True, blank=True)
    repair_due_at = models.DateTimeField(_("exchange repair due"), null=True, blank=True)
    repair_breached = models.BooleanField(_("repaired late"), default=False)
    repaired_at = models.DateTimeField(_("back from repair at"), null=True, blank=True)

    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspected by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    inspection_note = models.TextField(_("inspection result"), blank=True)
    restocked_to = models.ForeignKey(
        StockLocation,
        verbose_name=_("returned to stock at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("RMA order")
        verbose_name_plural = _("RMA orders")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["ship_due_at"],
                name="rma_ship_due",
                condition=Q(status=RmaStatus.CONFIRMED, ship_breached=False),
            ),
            models.Index(
                fields=["return_notice_at"],
                name="rma_return_notice",
                condition=Q(status=RmaStatus.SHIPPED),
            ),
            models.Index(
                fields=["repair_due_at"],
                name="rma_repair_due",
                condition=Q(status__in=RMA_REPAIRING, repair_breached=False),
            ),
            models.Index(fields=["status", "-id"], name="rma_status_recent"),
            models.Index(fields=["-id"], name="rma_open", condition=Q(status__in=RMA_OPEN)),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in RMA_OPEN

    @property
    def return_overdue(self) -> bool:
        return self.return_overdue_at is not None and self.status == RmaStatus.SHIPPED


class Loan(models.Model):
    """A loaner device (备机) lent from stock to a customer's site while the original is
    repaired, tracked until it comes back. Its status changes only through rma.workflow."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="loans"
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="loans",
        editable=False,
    )
    site = models.ForeignKey(
        "customers.Site", verbose_name=_("site"), on_delete=models.PROTECT, related_name="loans"
    )
    asset = models.ForeignKey(
        "customers.Asset",
        verbose_name=_("original asset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
        help_text=_("The customer's device the loaner stands in for."),
    )
    rma_order = models.ForeignKey(
        RmaOrder,
        verbose_name=_("RMA order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="loans",
    )
    part = models.ForeignKey(
        SparePart, verbose_name=_("loaner"), on_delete=models.PROTECT, related_name="loans"
    )
    serial_number = models.CharField(_("serial number"), max_length=100)
    from_location = models.ForeignKey(
        StockLocation,
        verbose_name=_("lent from"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=LoanStatus.choices,
        default=LoanStatus.OUT,
        editable=False,
    )
    lent_at = models.DateTimeField(_("lent at"))
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_back_at = models.DateTimeField(_("due back"))
    # The next reminder (before the due date) or chase (after it), for the sweep.
    notice_at = models.DateTimeField(_("next reminder"), null=True, blank=True)
    notices = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received back by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_to = models.ForeignKey(
        StockLocation,
        verbose_name=_("returned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["notice_at"], name="loan_notice", condition=Q(status=LoanStatus.OUT)
            ),
            models.Index(fields=["organisation", "-id"], name="loan_org_recent"),
            models.Index(fields=["status", "due_back_at"], name="loan_status_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_out(self) -> bool:
        return self.status == LoanStatus.OUT


class VendorTicket(models.Model):
    """A case handed to a vendor's support: their reference, their answers on the case's
    timeline. Our owner stays on the case. Its status changes only through rma.workflow."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="vendor_tickets",
    )
    vendor = models.ForeignKey(
        "customers.Vendor",
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    reference = models.CharField(_("vendor's reference"), max_length=100)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VendorTicketStatus.choices,
        default=VendorTicketStatus.OPEN,
        editable=False,
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.PositiveIntegerField(_("answers"), default=0)
    last_answer_at = models.DateTimeField(_("last answer at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("vendor ticket")
        verbose_name_plural = _("vendor tickets")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "reference"], name="vendor_ticket_reference_unique"
            )
        ]
        indexes = [models.Index(fields=["status", "-id"], name="vendor_ticket_status")]

    def __str__(self) -> str:
        return f"{self.vendor} {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.status == VendorTicketStatus.OPEN
