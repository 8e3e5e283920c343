"""REST endpoints for spare parts, stock, RMA orders, loans and vendor tickets: parse, call a
service or a selector, render.

Parts, stock, moves, reservations and vendor tickets are for service staff: anyone else is
refused (403) whatever they ask for. RMA orders and loans are read within the reader's scope:
a customer contact sees its own organisation's, in their public form, and anything else is a
404 exactly as if it did not exist. Refusals of actions come before input is read."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.core.api import CursorPagination, IdFilter
from aftersales.core.errors import NotFound
from aftersales.core.ids import parse_id
from aftersales.rma import selectors, services
from aftersales.rma.api import serializers as s
from aftersales.rma.choices import RMA_OPEN, LoanStatus, LocationKind, MoveKind, RmaStatus
from aftersales.rma.models import Loan, RmaOrder, SparePart, Stock, StockMove
from aftersales.rma.workflow import (
    LOAN,
    RMA,
    VENDOR,
    LoanAction,
    RmaAction,
    VendorAction,
)


class ServiceStaffOnly(permissions.BasePermission):
    """Signed-in service staff only (401 for anonymous, 403 for everyone else)."""

    message = gettext_lazy("Only service staff see spare parts and stock.")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return selectors.is_staff(request.user)


class IdLookup:
    """Detail views by id: what is not an id the database could hold, or is outside the
    reader's scope, is simply not found."""

    def get_object(self):
        pk = parse_id(self.kwargs.get("pk", ""))
        found = self.get_queryset().filter(pk=pk).first() if pk is not None else None
        if found is None:
            raise NotFound(_("Not found."))
        self.check_object_permissions(self.request, found)
        return found


def _validated(serializer_class, request, view) -> dict:
    serializer = serializer_class(data=request.data, context=view.get_serializer_context())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- catalogue and locations ------------------------------------------------------------------


class PartFilter(filters.FilterSet):
    vendor = IdFilter(field_name="vendor_id")
    asset_model = IdFilter(field_name="compatible_models", help_text=_("Fits this asset model."))
    q = filters.CharFilter(method="filter_q", help_text=_("Part number or name."))
    is_active = filters.BooleanFilter()

    class Meta:
        model = SparePart
        fields: list[str] = []

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(part_number__icontains=value) | Q(name__icontains=value))


class _CatalogueViewSet(IdLookup, viewsets.ModelViewSet):
    """Create and change through the services (the parts desk); never delete."""

    permission_classes = [ServiceStaffOnly]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    save = None

    def perform_create(self, serializer):
        model = serializer.Meta.model
        serializer.instance = self._save(model(), serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self._save(serializer.instance, serializer.validated_data)

    def _save(self, instance, data):
        return type(self).save(actor=self.request.user, instance=instance, **data)


class PartViewSet(_CatalogueViewSet):
    """Catalogue parts: the vendor's part number, what they fit, serialised or not."""

    serializer_class = s.PartSerializer
    filterset_class = PartFilter
    save = staticmethod(services.part_save)

    def get_queryset(self):
        return (
            selectors.part_queryset(user=self.request.user)
            .prefetch_related("compatible_models")
            .order_by("part_number", "pk")
        )

    def _save(self, instance, data):
        data = dict(data)
        models = data.pop("compatible_models", None)
        return services.part_save(
            actor=self.request.user, instance=instance, compatible_models=models, **data
        )


class LocationViewSet(_CatalogueViewSet):
    """Warehouses and engineers' own stock."""

    serializer_class = s.LocationSerializer
    save = staticmethod(services.location_save)
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self):
        return selectors.location_queryset(user=self.request.user).order_by("kind", "code")


# --- stock -----------------------------------------------------------------------------------


class StockFilter(filters.FilterSet):
    part = IdFilter(field_name="part_id")
    location = filters.CharFilter(method="filter_location", help_text=_("Location id or code."))
    kind = filters.ChoiceFilter(field_name="location__kind", choices=LocationKind.choices)
    below_minimum = filters.BooleanFilter(method="filter_below", help_text=_("Below minimum."))

    class Meta:
        model = Stock
        fields: list[str] = []

    def filter_location(self, queryset, name, value):
        pk = parse_id(value)
        return queryset.filter(location_id=pk) if pk else queryset.filter(location__code=value)

    def filter_below(self, queryset, name, value):
        return queryset.filter(short=1 if value else 0)


@dataclass(frozen=True)
class StockAction:
    input: type
    run: Callable  # (actor, data) -> result
    answer: str  # "moves", "reservation" or "stock"


STOCK_ACTIONS: dict[str, StockAction] = {
    "receive": StockAction(
        s.ReceiveInput, lambda u, d: services.stock_receive(actor=u, **d), "moves"
    ),
    "transfer": StockAction(
        s.StockTransferInput, lambda u, d: services.stock_transfer(actor=u, **d), "moves"
    ),
    "scrap": StockAction(s.ScrapInput, lambda u, d: services.stock_scrap(actor=u, **d), "moves"),
    "consume": StockAction(
        s.ConsumeInput, lambda u, d: services.stock_consume(actor=u, **d), "moves"
    ),
    "reserve": StockAction(
        s.ReserveInput, lambda u, d: services.stock_reserve(actor=u, **d), "reservation"
    ),
    "minimum": StockAction(
        s.MinimumInput, lambda u, d: services.stock_set_minimum(actor=u, **d), "stock"
    ),
}


class StockViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    """Quantities per part and location. Changes are POSTs to /stock/<action>/: receive,
    transfer, scrap, reserve, consume, minimum; each records its moves."""

    permission_classes = [ServiceStaffOnly]
    serializer_class = s.StockSerializer
    filterset_class = StockFilter

    def get_queryset(self):
        return selectors.stock_queryset(user=self.request.user).order_by(
            "location__kind", "location__code", "part__part_number"
        )

    def _act(self, request, name: str) -> Response:
        spec = STOCK_ACTIONS[name]
        data = _validated(spec.input, request, self)
        result = spec.run(request.user, data)
        context = self.get_serializer_context()
        if spec.answer == "moves":
            body = s.MoveSerializer(result, many=True, context=context).data
        elif spec.answer == "reservation":
            body = s.ReservationSerializer(result, context=context).data
        else:
            body = s.StockSerializer(result, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReceiveInput, responses={201: s.MoveSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def receive(self, request):
        return self._act(request, "receive")

    @extend_schema(request=s.StockTransferInput, responses={201: s.MoveSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def transfer(self, request):
        return self._act(request, "transfer")

    @extend_schema(request=s.ScrapInput, responses={201: s.MoveSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def scrap(self, request):
        return self._act(request, "scrap")

    @extend_schema(request=s.ConsumeInput, responses={201: s.MoveSerializer(many=True)})
    @action(detail=False, methods=["post"])
    def consume(self, request):
        return self._act(request, "consume")

    @extend_schema(request=s.ReserveInput, responses={201: s.ReservationSerializer})
    @action(detail=False, methods=["post"])
    def reserve(self, request):
        return self._act(request, "reserve")

    @extend_schema(request=s.MinimumInput, responses={201: s.StockSerializer})
    @action(detail=False, methods=["post"])
    def minimum(self, request):
        return self._act(request, "minimum")


class MoveFilter(filters.FilterSet):
    part = IdFilter(field_name="part_id")
    location = filters.CharFilter(method="filter_location", help_text=_("From or to; id or code."))
    kind = filters.MultipleChoiceFilter(choices=MoveKind.choices)
    case = filters.CharFilter(field_name="case__number")
    visit = IdFilter(field_name="visit_id")
    after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = StockMove
        fields: list[str] = []

    def filter_location(self, queryset, name, value):
        pk = parse_id(value)
        if pk:
            return queryset.filter(Q(from_location_id=pk) | Q(to_location_id=pk))
        return queryset.filter(Q(from_location__code=value) | Q(to_location__code=value))


class MoveViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    """Every move of stock, newest first."""

    permission_classes = [ServiceStaffOnly]
    serializer_class = s.MoveSerializer
    filterset_class = MoveFilter
    pagination_class = CursorPagination

    def get_queryset(self):
        return selectors.move_queryset(user=self.request.user)


class ReservationViewSet(IdLookup, viewsets.ReadOnlyModelViewSet):
    """Units held for cases and visits. POST /reservations/<id>/release/ gives them back."""

    permission_classes = [ServiceStaffOnly]
    serializer_class = s.ReservationSerializer
    filterset_fields = {"visit_id": ["exact"]}

    def get_queryset(self):
        rows = selectors.reservation_queryset(user=self.request.user).order_by("-id")
        case = self.request.query_params.get("case")
        if case:
            rows = rows.filter(case__number=case)
        if self.request.query_params.get("open") in ("true", "1"):
            rows = rows.filter(closed_at__isnull=True)
        return rows

    @extend_schema(request=s.ReleaseInput, responses=s.ReservationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        reservation = self.get_object()
        data = _validated(s.ReleaseInput, request, self)
        reservation = services.stock_release(reservation=reservation, actor=request.user, **data)
        return Response(s.ReservationSerializer(reservation, context={"request": request}).data)


# --- RMA orders ------------------------------------------------------------------------------


class RmaFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=RmaStatus.choices)
    open = filters.BooleanFilter(method="filter_open")
    case = filters.CharFilter(field_name="case__number")
    return_overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = RmaOrder
        fields: list[str] = []

    def filter_open(self, queryset, name, value):
        return (queryset.filter if value else queryset.exclude)(status__in=RMA_OPEN)

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": RmaStatus.SHIPPED, "return_overdue_at__isnull": False}
        return (queryset.filter if value else queryset.exclude)(**overdue)


def _rma_body(request, order: RmaOrder) -> dict:
    serializer = s.RmaSerializer if selectors.is_staff(request.user) else s.RmaPublicSerializer
    return serializer(order, context={"request": request}).data


class RmaOrderViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Advance-replacement orders. POST here confirms a hardware fault on a case; each step
    after is a POST to /rma-orders/<number>/<action>/."""

    lookup_field = "number"
    lookup_value_regex = r"[0-9A-Za-z-]+"
    filterset_class = RmaFilter
    pagination_class = CursorPagination

    def get_queryset(self):
        return selectors.rma_queryset(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return s.RmaCreateInput
        return s.RmaSerializer if selectors.is_staff(self.request.user) else s.RmaPublicSerializer

    def get_object(self):
        return selectors.rma_get(user=self.request.user, number=self.kwargs["number"])

    @extend_schema(request=s.RmaCreateInput, responses={201: s.RmaSerializer})
    def create(self, request, *args, **kwargs):
        RMA.check(RmaAction.CONFIRM, None, request.user)
        order = services.rma_confirm_fault(
            actor=request.user, **_validated(s.RmaCreateInput, request, self)
        )
        fresh = selectors.rma_get(user=request.user, number=order.number)
        return Response(_rma_body(request, fresh), status=status.HTTP_201_CREATED)


@dataclass(frozen=True)
class RecordAction:
    name: str  # the workflow action checked before input is read
    input: type
    run: Callable  # (record, actor, data) -> record


RMA_ACTIONS: dict[str, RecordAction] = {
    "ship": RecordAction(
        RmaAction.SHIP, s.ShipInput, lambda o, u, d: services.rma_ship(order=o, actor=u, **d)
    ),
    "receive-faulty": RecordAction(
        RmaAction.RECEIVE_FAULTY,
        s.ReceiveFaultyInput,
        lambda o, u, d: services.rma_receive_faulty(order=o, actor=u, **d),
    ),
    "send-to-repair": RecordAction(
        RmaAction.SEND_TO_REPAIR,
        s.SendToRepairInput,
        lambda o, u, d: services.rma_send_to_repair(order=o, actor=u, **d),
    ),
    "receive-repaired": RecordAction(
        RmaAction.RECEIVE_REPAIRED,
        s.RmaNoteInput,
        lambda o, u, d: services.rma_receive_repaired(order=o, actor=u, **d),
    ),
    # Passing and failing share their rows' roles and source state.
    "inspect": RecordAction(
        RmaAction.PASS,
        s.InspectInput,
        lambda o, u, d: services.rma_inspect(order=o, actor=u, **d),
    ),
    "write-off": RecordAction(
        RmaAction.WRITE_OFF,
        s.RmaReasonInput,
        lambda o, u, d: services.rma_write_off(order=o, actor=u, **d),
    ),
    "cancel": RecordAction(
        RmaAction.CANCEL,
        s.RmaReasonInput,
        lambda o, u, d: services.rma_cancel(order=o, actor=u, **d),
    ),
}

LOAN_ACTIONS: dict[str, RecordAction] = {
    "extend": RecordAction(
        LoanAction.EXTEND, s.ExtendInput, lambda r, u, d: services.loan_extend(loan=r, actor=u, **d)
    ),
    "return": RecordAction(
        LoanAction.RETURN, s.ReturnInput, lambda r, u, d: services.loan_return(loan=r, actor=u, **d)
    ),
    "write-off": RecordAction(
        LoanAction.WRITE_OFF,
        s.RmaReasonInput,
        lambda r, u, d: services.loan_write_off(loan=r, actor=u, **d),
    ),
}

VENDOR_ACTIONS: dict[str, RecordAction] = {
    "answer": RecordAction(
        VendorAction.ANSWER,
        s.AnswerInput,
        lambda t, u, d: services.vendor_ticket_answer(ticket=t, actor=u, **d),
    ),
    "close": RecordAction(
        VendorAction.CLOSE,
        s.CloseInput,
        lambda t, u, d: services.vendor_ticket_close(ticket=t, actor=u, **d),
    ),
}


class RmaActionView(generics.GenericAPIView):
    """One step of an RMA order."""

    action_name: str = ""

    def get_serializer_class(self):
        return RMA_ACTIONS[self.action_name].input

    @extend_schema(responses=s.RmaSerializer)
    def post(self, request, number: str):
        spec = RMA_ACTIONS[self.action_name]
        order = selectors.rma_get(user=request.user, number=number)
        RMA.check(spec.name, order, request.user)
        order = spec.run(order, request.user, _validated(spec.input, request, self))
        fresh = selectors.rma_get(user=request.user, number=order.number)
        return Response(_rma_body(request, fresh))


# --- loans --------------------------------------------------------------------------------


class LoanFilter(filters.FilterSet):
    status = filters.MultipleChoiceFilter(choices=LoanStatus.choices)
    case = filters.CharFilter(field_name="case__number")
    overdue = filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Loan
        fields: list[str] = []

    def filter_overdue(self, queryset, name, value):
        overdue = {"status": LoanStatus.OUT, "overdue_at__isnull": False}
        return (queryset.filter if value else queryset.exclude)(**overdue)


def _loan_body(request, loan: Loan) -> dict:
    serializer = s.LoanSerializer if selectors.is_staff(request.user) else s.LoanPublicSerializer
    return serializer(loan, context={"request": request}).data


class LoanViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Loaner devices. POST here lends one; /loans/<number>/<action>/ extends, takes back or
    writes off."""

    lookup_field = "number"
    lookup_value_regex = r"[0-9A-Za-z-]+"
    filterset_class = LoanFilter
    pagination_class = CursorPagination

    def get_queryset(self):
        return selectors.loan_queryset(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "create":
            return s.LoanCreateInput
        return s.LoanSerializer if selectors.is_staff(self.request.user) else s.LoanPublicSerializer

    def get_object(self):
        return selectors.loan_get(user=self.request.user, number=self.kwargs["number"])

    @extend_schema(request=s.LoanCreateInput, responses={201: s.LoanSerializer})
    def create(self, request, *args, **kwargs):
        LOAN.check(LoanAction.LEND, None, request.user)
        loan = services.loan_lend(
            actor=request.user, **_validated(s.LoanCreateInput, request, self)
        )
        fresh = selectors.loan_get(user=request.user, number=loan.number)
        return Response(_loan_body(request, fresh), status=status.HTTP_201_CREATED)


class LoanActionView(generics.GenericAPIView):
    action_name: str = ""

    def get_serializer_class(self):
        return LOAN_ACTIONS[self.action_name].input

    @extend_schema(responses=s.LoanSerializer)
    def post(self, request, number: str):
        spec = LOAN_ACTIONS[self.action_name]
        loan = selectors.loan_get(user=request.user, number=number)
        LOAN.check(spec.name, loan, request.user)
        loan = spec.run(loan, request.user, _validated(spec.input, request, self))
        fresh = selectors.loan_get(user=request.user, number=loan.number)
        return Response(_loan_body(request, fresh))


# --- vendor tickets ----------------------------------------------------------------------


class VendorTicketViewSet(IdLookup, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases handed to vendors' support (service staff only). POST here hands one over;
    /vendor-tickets/<id>/answer/ records an answer, /close/ closes it."""

    permission_classes = [ServiceStaffOnly]
    filterset_fields = ["status", "vendor"]

    def get_queryset(self):
        rows = selectors.vendor_ticket_queryset(user=self.request.user).order_by("-id")
        case = self.request.query_params.get("case")
        return rows.filter(case__number=case) if case else rows

    def get_serializer_class(self):
        return s.VendorTicketCreateInput if self.action == "create" else s.VendorTicketSerializer

    @extend_schema(request=s.VendorTicketCreateInput, responses={201: s.VendorTicketSerializer})
    def create(self, request, *args, **kwargs):
        VENDOR.check(VendorAction.OPEN, None, request.user)
        data = _validated(s.VendorTicketCreateInput, request, self)
        ticket = services.vendor_ticket_open(actor=request.user, **data)
        body = s.VendorTicketSerializer(ticket, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _act(self, request, name: str) -> Response:
        spec = VENDOR_ACTIONS[name]
        ticket = self.get_object()
        VENDOR.check(spec.name, ticket, request.user)
        ticket = spec.run(ticket, request.user, _validated(spec.input, request, self))
        return Response(s.VendorTicketSerializer(ticket, context={"request": request}).data)

    @extend_schema(request=s.AnswerInput, responses=s.VendorTicketSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._act(request, "answer")

    @extend_schema(request=s.CloseInput, responses=s.VendorTicketSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._act(request, "close")
