"""Spare parts in the admin. The catalogue and the stock locations are kept here (through the
services' checks); stock, moves, RMA orders, loans and vendor tickets are read-only: they
change through the services (the pages and the API), each with its moves and timeline
entries."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError
from aftersales.rma import services
from aftersales.rma.models import (
    Loan,
    PartUnit,
    Reservation,
    RmaOrder,
    SparePart,
    Stock,
    StockLocation,
    StockMove,
    VendorTicket,
)


class _NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class _ReadOnly(_NoDelete):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class _ThroughServices(forms.ModelForm):
    """Runs the service's checks as the form's validation; the admin saves after."""

    save_service = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        instance = self.instance
        for name, value in data.items():
            if name in self._meta.fields and name != "compatible_models":
                setattr(instance, name, value)
        try:
            type(self).check(self.request_user, instance)
        except DomainError as exc:
            field = exc.field if exc.field in self.fields else None
            self.add_error(field, str(exc))
        return data


class PartForm(_ThroughServices):
    class Meta:
        model = SparePart
        fields = [
            "vendor",
            "part_number",
            "name",
            "description",
            "compatible_models",
            "serialised",
            "is_active",
        ]

    @staticmethod
    def check(actor, instance):
        services.part_check(actor=actor, instance=instance)


class LocationForm(_ThroughServices):
    class Meta:
        model = StockLocation
        fields = ["code", "name", "kind", "owner", "region", "address", "is_active"]

    @staticmethod
    def check(actor, instance):
        services.location_check(actor=actor, instance=instance)


class _FormWithUser(_NoDelete):
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form


@admin.register(SparePart)
class SparePartAdmin(_FormWithUser):
    form = PartForm
    list_display = ["part_number", "name", "vendor", "serialised", "is_active"]
    list_filter = ["serialised", "is_active", "vendor"]
    search_fields = ["part_number", "name", "vendor__name"]
    filter_horizontal = ["compatible_models"]
    list_select_related = ["vendor"]


@admin.register(StockLocation)
class StockLocationAdmin(_FormWithUser):
    form = LocationForm
    list_display = ["code", "name", "kind", "owner", "region", "is_active"]
    list_filter = ["kind", "is_active", "region"]
    search_fields = ["code", "name", "owner__username", "owner__display_name"]
    list_select_related = ["owner", "region"]


@admin.register(Stock)
class StockAdmin(_ReadOnly):
    list_display = [
        "location",
        "part",
        "on_hand",
        "reserved",
        "available_display",
        "minimum",
        "below_minimum_display",
        "updated_at",
    ]
    list_filter = ["location"]
    search_fields = ["part__part_number", "part__name", "location__code", "location__name"]
    list_select_related = ["part", "location"]

    @admin.display(description=_("available"))
    def available_display(self, stock: Stock) -> int:
        return stock.available

    @admin.display(description=_("below minimum"), boolean=True)
    def below_minimum_display(self, stock: Stock) -> bool:
        return stock.below_minimum


@admin.register(PartUnit)
class PartUnitAdmin(_ReadOnly):
    list_display = ["serial_number", "part", "state", "location", "updated_at"]
    list_filter = ["state", "location"]
    search_fields = ["serial_number", "part__part_number"]
    list_select_related = ["part", "location"]


@admin.register(Reservation)
class ReservationAdmin(_ReadOnly):
    list_display = ["id", "stock", "case", "visit_id", "quantity", "created_by", "created_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter)]
    search_fields = ["case__number", "stock__part__part_number"]
    list_select_related = ["stock__part", "stock__location", "case", "created_by"]


@admin.register(StockMove)
class StockMoveAdmin(_ReadOnly):
    list_display = [
        "created_at",
        "kind",
        "part",
        "quantity",
        "serial_number",
        "from_location",
        "to_location",
        "case",
        "rma_order",
        "actor",
    ]
    list_filter = ["kind", "from_location", "to_location"]
    search_fields = ["part__part_number", "serial_number", "case__number", "rma_order__number"]
    date_hierarchy = "created_at"
    list_select_related = ["part", "from_location", "to_location", "case", "rma_order", "actor"]


@admin.register(RmaOrder)
class RmaOrderAdmin(_ReadOnly):
    list_display = [
        "number",
        "case",
        "part",
        "status",
        "ship_due_at",
        "ship_breached",
        "return_due_at",
        "return_overdue_at",
        "repair_due_at",
        "repair_breached",
    ]
    list_filter = ["status", "ship_breached", "repair_breached", "repair_kind"]
    search_fields = ["number", "case__number", "part__part_number", "faulty_serial"]
    date_hierarchy = "confirmed_at"
    list_select_related = ["case", "part"]


@admin.register(Loan)
class LoanAdmin(_ReadOnly):
    list_display = ["number", "case", "part", "serial_number", "site", "status", "due_back_at"]
    list_filter = ["status"]
    search_fields = ["number", "case__number", "serial_number", "site__name"]
    list_select_related = ["case", "part", "site"]


@admin.register(VendorTicket)
class VendorTicketAdmin(_ReadOnly):
    list_display = ["reference", "vendor", "case", "status", "opened_at", "answers", "closed_at"]
    list_filter = ["status", "vendor"]
    search_fields = ["reference", "case__number"]
    list_select_related = ["case", "vendor"]
