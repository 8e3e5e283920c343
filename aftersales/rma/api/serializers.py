"""Input serializers parse requests; output serializers render parts, stock, orders, loans and
vendor tickets. A customer contact gets the public serializers of its own RMA orders and
loans: no stock locations, no internal notes. No rules live here."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.accounts.models import User
from aftersales.cases.api.serializers import CaseRefField, ScopedPrimaryKeyField
from aftersales.cases.choices import Visibility
from aftersales.core.errors import NotFound
from aftersales.customers import selectors as customer_selectors
from aftersales.customers.models import Vendor
from aftersales.rma import selectors
from aftersales.rma.choices import RepairKind
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
from aftersales.rma.workflow import LOAN, RMA, VENDOR

# --- references, resolved within what the reader may see -------------------------------------


def _part_ref(**kwargs):
    return ScopedPrimaryKeyField(selectors.part_queryset, **kwargs)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class LocationRefField(serializers.Field):
    """A stock location by id or code."""

    default_error_messages = {"unknown": _("Unknown stock location.")}

    def to_internal_value(self, data):
        try:
            return selectors.location_find(user=self.context["request"].user, ref=data)
        except NotFound:
            self.fail("unknown")

    def to_representation(self, value):
        return value.code


def _asset_ref(**kwargs):
    return ScopedPrimaryKeyField(customer_selectors.asset_queryset, **kwargs)


def _vendor_ref(**kwargs):
    return serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all(), **kwargs)


def _serials():
    return serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, default=list
    )


# --- catalogue and locations -------------------------------------------------------------------


class PartSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)

    class Meta:
        model = SparePart
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "part_number",
            "name",
            "description",
            "compatible_models",
            "serialised",
            "is_active",
        ]


class LocationSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True, organisation__isnull=True),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = StockLocation
        fields = ["id", "code", "name", "kind", "owner", "region", "address", "is_active"]


class _PartBrief(serializers.ModelSerializer):
    class Meta:
        model = SparePart
        fields = ["id", "part_number", "name", "serialised"]


class _LocationBrief(serializers.ModelSerializer):
    class Meta:
        model = StockLocation
        fields = ["id", "code", "name", "kind"]


class StockSerializer(serializers.ModelSerializer):
    part = _PartBrief(read_only=True)
    location = _LocationBrief(read_only=True)
    available = serializers.IntegerField(read_only=True)
    below_minimum = serializers.BooleanField(read_only=True)

    class Meta:
        model = Stock
        fields = [
            "id",
            "part",
            "location",
            "on_hand",
            "reserved",
            "available",
            "minimum",
            "below_minimum",
            "low_since",
            "updated_at",
        ]


class MoveSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    part = _PartBrief(read_only=True)
    from_location = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_location = serializers.SlugRelatedField(slug_field="code", read_only=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    rma_order = serializers.SlugRelatedField(slug_field="number", read_only=True)
    loan = serializers.SlugRelatedField(slug_field="number", read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StockMove
        fields = [
            "id",
            "kind",
            "kind_display",
            "part",
            "quantity",
            "serial_number",
            "from_location",
            "to_location",
            "case",
            "visit_id",
            "reservation",
            "rma_order",
            "loan",
            "actor",
            "note",
            "created_at",
        ]


class ReservationSerializer(serializers.ModelSerializer):
    part = _PartBrief(source="stock.part", read_only=True)
    location = serializers.CharField(source="stock.location.code", read_only=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "part",
            "location",
            "case",
            "visit_id",
            "quantity",
            "reserved_quantity",
            "created_by",
            "created_at",
            "closed_at",
        ]


# --- stock actions ----------------------------------------------------------------------------


class ReceiveInput(serializers.Serializer):
    part = _part_ref()
    location = LocationRefField()
    quantity = serializers.IntegerField(required=False, allow_null=True)
    serial_numbers = _serials()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class StockTransferInput(serializers.Serializer):
    part = _part_ref()
    from_location = LocationRefField()
    to_location = LocationRefField()
    quantity = serializers.IntegerField(required=False, allow_null=True)
    serial_numbers = _serials()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ScrapInput(serializers.Serializer):
    part = _part_ref()
    location = LocationRefField()
    quantity = serializers.IntegerField(required=False, allow_null=True)
    serial_numbers = _serials()
    reason = serializers.CharField(max_length=500)


class MinimumInput(serializers.Serializer):
    part = _part_ref()
    location = LocationRefField()
    minimum = serializers.IntegerField(min_value=0)


class ReserveInput(serializers.Serializer):
    part = _part_ref()
    location = LocationRefField()
    quantity = serializers.IntegerField()
    case = CaseRefField(required=False, allow_null=True)
    visit_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ConsumeInput(serializers.Serializer):
    part = _part_ref()
    location = LocationRefField()
    quantity = serializers.IntegerField(required=False, allow_null=True)
    case = CaseRefField()
    visit_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    serial_numbers = _serials()
    asset = _asset_ref(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ReleaseInput(serializers.Serializer):
    quantity = serializers.IntegerField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


# --- RMA orders --------------------------------------------------------------------------------


class RmaPublicSerializer(serializers.ModelSerializer):
    """What a customer contact sees of its own organisation's orders."""

    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    part = serializers.SerializerMethodField()
    return_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = RmaOrder
        fields = [
            "number",
            "case",
            "status",
            "status_display",
            "part",
            "fault",
            "faulty_serial",
            "confirmed_at",
            "ship_due_at",
            "shipped_at",
            "replacement_serial",
            "carrier",
            "tracking_number",
            "return_due_at",
            "return_overdue",
            "faulty_received_at",
            "closed_at",
        ]

    def get_part(self, order: RmaOrder) -> dict:
        return {"part_number": order.part.part_number, "name": order.part.name}


class RmaSerializer(RmaPublicSerializer):
    """What service staff see: the whole order, and the actions the reader may take."""

    asset = serializers.SerializerMethodField()
    ship_from = serializers.SlugRelatedField(slug_field="code", read_only=True)
    repair_vendor = serializers.SlugRelatedField(slug_field="name", read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(RmaPublicSerializer.Meta):
        fields = [
            *RmaPublicSerializer.Meta.fields,
            "asset",
            "ship_from",
            "ship_breached",
            "return_notices",
            "return_overdue_at",
            "repair_kind",
            "repair_vendor",
            "repair_reference",
            "sent_to_repair_at",
            "repair_due_at",
            "repair_breached",
            "repaired_at",
            "inspected_at",
            "inspection_note",
            "actions",
        ]

    def get_part(self, order: RmaOrder) -> dict:
        part = order.part
        return {"id": part.pk, "part_number": part.part_number, "name": part.name}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_asset(self, order: RmaOrder) -> dict | None:
        asset = order.asset
        return {"id": asset.pk, "serial_number": asset.serial_number} if asset else None

    def get_actions(self, order: RmaOrder) -> list[str]:
        return RMA.allowed_actions(order, self.context["request"].user)


class RmaCreateInput(serializers.Serializer):
    case = CaseRefField()
    part = _part_ref()
    fault = serializers.CharField()
    asset = _asset_ref(required=False, allow_null=True)
    faulty_serial = serializers.CharField(required=False, allow_blank=True, default="")
    ship_from = LocationRefField(required=False, allow_null=True)


class ShipInput(serializers.Serializer):
    ship_from = LocationRefField(required=False, allow_null=True)
    replacement_serial = serializers.CharField(required=False, allow_blank=True, default="")
    carrier = serializers.CharField(required=False, allow_blank=True, default="", max_length=50)
    tracking_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReceiveFaultyInput(serializers.Serializer):
    faulty_serial = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SendToRepairInput(serializers.Serializer):
    repair_kind = serializers.ChoiceField(choices=RepairKind.choices)
    vendor = _vendor_ref(required=False, allow_null=True)
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RmaNoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InspectInput(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField()
    location = LocationRefField(required=False, allow_null=True)
    serial_number = serializers.CharField(required=False, allow_blank=True, default="")


class RmaReasonInput(serializers.Serializer):
    reason = serializers.CharField()


# --- loans --------------------------------------------------------------------------------------


class LoanPublicSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    part = serializers.SerializerMethodField()
    site = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Loan
        fields = [
            "number",
            "case",
            "status",
            "status_display",
            "part",
            "serial_number",
            "site",
            "lent_at",
            "due_back_at",
            "overdue",
            "returned_at",
        ]

    def get_part(self, loan: Loan) -> dict:
        return {"part_number": loan.part.part_number, "name": loan.part.name}

    def get_site(self, loan: Loan) -> dict:
        return {"id": loan.site_id, "name": loan.site.name}

    def get_overdue(self, loan: Loan) -> bool:
        return loan.overdue_at is not None and loan.is_out


class LoanSerializer(LoanPublicSerializer):
    from_location = serializers.SlugRelatedField(slug_field="code", read_only=True)
    returned_to = serializers.SlugRelatedField(slug_field="code", read_only=True)
    lent_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    rma_order = serializers.SlugRelatedField(slug_field="number", read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta(LoanPublicSerializer.Meta):
        fields = [
            *LoanPublicSerializer.Meta.fields,
            "asset",
            "rma_order",
            "from_location",
            "lent_by",
            "notices",
            "overdue_at",
            "returned_to",
            "note",
            "actions",
        ]

    def get_actions(self, loan: Loan) -> list[str]:
        return LOAN.allowed_actions(loan, self.context["request"].user)


class LoanCreateInput(serializers.Serializer):
    case = CaseRefField()
    part = _part_ref()
    serial_number = serializers.CharField(max_length=100)
    location = LocationRefField()
    due_back_at = serializers.DateTimeField()
    site = ScopedPrimaryKeyField(customer_selectors.site_queryset, required=False, allow_null=True)
    asset = _asset_ref(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ExtendInput(serializers.Serializer):
    due_back_at = serializers.DateTimeField()
    reason = serializers.CharField()


class ReturnInput(serializers.Serializer):
    location = LocationRefField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


# --- vendor tickets ---------------------------------------------------------------------------


class VendorTicketSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    opened_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    closed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = VendorTicket
        fields = [
            "id",
            "case",
            "vendor",
            "vendor_name",
            "reference",
            "status",
            "status_display",
            "opened_at",
            "opened_by",
            "answers",
            "last_answer_at",
            "closed_at",
            "closed_by",
            "actions",
        ]

    def get_actions(self, ticket: VendorTicket) -> list[str]:
        return VENDOR.allowed_actions(ticket, self.context["request"].user)


class VendorTicketCreateInput(serializers.Serializer):
    case = CaseRefField()
    vendor = _vendor_ref()
    reference = serializers.CharField(max_length=100)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    wait = serializers.BooleanField(required=False, default=True)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.INTERNAL
    )


class AnswerInput(serializers.Serializer):
    answer = serializers.CharField()
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.INTERNAL
    )


class CloseInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    resume = serializers.BooleanField(required=False, default=True)
