"""REST endpoints for surveys, revisits and complaint counts: service staff only. Customers
read their survey answers on their cases' public timeline, nowhere else."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF
from aftersales.cases.selectors import case_get
from aftersales.core.api import CursorPagination, IdFilter
from aftersales.core.clock import now
from aftersales.core.errors import NotFound, ValidationError
from aftersales.core.ids import parse_id
from aftersales.customers.selectors import contract_queryset, organisation_queryset
from aftersales.feedback import selectors, services
from aftersales.feedback.api import serializers
from aftersales.feedback.choices import RevisitKind, RevisitView
from aftersales.feedback.models import Revisit, Survey


class StaffOnly(permissions.BasePermission):
    """Signed-in service staff; a customer is refused whatever the record."""

    message = gettext_lazy("Only service staff see surveys, revisits and complaint counts.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False  # answered 401
        return not user.is_customer and bool(user.roles & STAFF)


def _query(serializer_class, request) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _organisation_id(request, value: str | None) -> int | None:
    """An organisation named by id or customer code, as the reader may see it."""
    if not value:
        return None
    organisations = organisation_queryset(user=request.user)
    pk = parse_id(value)
    found = (
        organisations.filter(pk=pk) if pk is not None else organisations.filter(code__iexact=value)
    )
    organisation_id = found.values_list("pk", flat=True).first()
    if organisation_id is None:
        raise ValidationError(_("Unknown organisation."), field="organisation")
    return organisation_id


class SurveyFilter(filters.FilterSet):
    case = filters.CharFilter(field_name="case__number", help_text=_("Case number."))
    organisation = IdFilter(field_name="organisation_id")
    engineer = filters.CharFilter(field_name="engineer__username")
    answered = filters.BooleanFilter(field_name="answered_at", lookup_expr="isnull", exclude=True)
    rating_max = filters.TypedChoiceFilter(
        field_name="rating",
        lookup_expr="lte",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        help_text=_("Answers rated this or lower."),
    )
    answered_after = filters.IsoDateTimeFilter(field_name="answered_at", lookup_expr="gte")
    answered_before = filters.IsoDateTimeFilter(field_name="answered_at", lookup_expr="lt")

    class Meta:
        model = Survey
        fields: list[str] = []


class SurveyListView(generics.ListAPIView):
    """Satisfaction surveys sent, newest first, with their answers."""

    permission_classes = [StaffOnly]
    serializer_class = serializers.SurveyOut
    pagination_class = CursorPagination
    filterset_class = SurveyFilter

    def get_queryset(self):
        return selectors.survey_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "at": now()}


class SurveyDetailView(generics.RetrieveAPIView):
    permission_classes = [StaffOnly]
    serializer_class = serializers.SurveyOut

    def get_queryset(self):
        return selectors.survey_list(user=self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "at": now()}


class SatisfactionView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        parameters=[serializers.SatisfactionQuery],
        responses=serializers.SatisfactionRowOut(many=True),
    )
    def get(self, request):
        """Satisfaction (count, average, distribution of ratings) of the answers given from
        `start` to `end`: overall, per `period`, and/or `by` organisation or engineer."""
        query = _query(serializers.SatisfactionQuery, request)
        engineer_id = None
        if query.get("engineer"):
            engineer_id = (
                User.objects.filter(username=query["engineer"], organisation__isnull=True)
                .values_list("pk", flat=True)
                .first()
            )
            if engineer_id is None:
                raise ValidationError(_("Unknown engineer."), field="engineer")
        rows = selectors.satisfaction(
            user=request.user,
            start=query.get("start"),
            end=query.get("end"),
            period=query.get("period"),
            by=query.get("by"),
            organisation_id=_organisation_id(request, query.get("organisation")),
            engineer_id=engineer_id,
        )
        return Response(serializers.SatisfactionRowOut(rows, many=True).data)


class ComplaintCountsView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        parameters=[serializers.ComplaintQuery],
        responses=serializers.ComplaintRowOut(many=True),
    )
    def get(self, request):
        """Complaint cases opened per month (cancelled ones left out), all customers together
        or per organisation. Months without complaints are absent."""
        query = _query(serializers.ComplaintQuery, request)
        rows = selectors.complaint_counts(
            user=request.user,
            start=query["start"],
            end=query["end"],
            by_organisation=query["by_organisation"],
        )
        return Response(serializers.ComplaintRowOut(rows, many=True).data)


class RevisitFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=RevisitKind.choices)
    case = filters.CharFilter(field_name="case__number", help_text=_("Case number."))
    organisation = IdFilter(field_name="organisation_id")

    class Meta:
        model = Revisit
        fields: list[str] = []


class RevisitListView(generics.ListCreateAPIView):
    """Revisit calls: `view` lists those due today, overdue, upcoming or done."""

    permission_classes = [StaffOnly]
    pagination_class = CursorPagination
    filterset_class = RevisitFilter

    def get_serializer_class(self):
        if self.request.method == "POST":
            return serializers.RevisitScheduleIn
        return serializers.RevisitOut

    def get_queryset(self):
        view = _query(serializers.RevisitListQuery, self.request).get("view")
        if view is None:
            return selectors.revisit_list(user=self.request.user)
        revisits = selectors.revisit_list(user=self.request.user)
        return revisits.filter(selectors.revisit_view_filter(view, now()))

    def paginate_queryset(self, queryset):
        view = self.request.query_params.get("view")
        self.paginator.ordering = (
            ("-done_at", "-id") if view == RevisitView.DONE else ("due_at", "id")
        )
        return super().paginate_queryset(queryset)

    @extend_schema(request=serializers.RevisitScheduleIn, responses={201: serializers.RevisitOut})
    def post(self, request):
        """Book a call back by hand, about a case (its number) or a contract (its number)."""
        data = _query_body(serializers.RevisitScheduleIn, request)
        case = contract = None
        if data.get("case"):
            try:
                case = case_get(user=request.user, number=data["case"])
            except NotFound as exc:
                raise ValidationError(_("No such case."), field="case") from exc
        if data.get("contract"):
            contract = (
                contract_queryset(user=request.user)
                .select_related("organisation")
                .filter(number=data["contract"])
                .first()
            )
            if contract is None:
                raise ValidationError(_("No such contract."), field="contract")
        revisit = services.revisit_schedule(
            actor=request.user,
            case=case,
            contract=contract,
            due_at=data["due_at"],
            notes=data["notes"],
        )
        return Response(_revisit(request, revisit.pk), status=status.HTTP_201_CREATED)


def _query_body(serializer_class, request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _revisit(request, pk: int) -> dict:
    revisit = selectors.revisit_list(user=request.user).get(pk=pk)
    return serializers.RevisitOut(revisit).data


class RevisitDetailView(generics.RetrieveAPIView):
    permission_classes = [StaffOnly]
    serializer_class = serializers.RevisitOut

    def get_queryset(self):
        return selectors.revisit_list(user=self.request.user)


class RevisitRecordView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(request=serializers.RevisitRecordIn, responses=serializers.RevisitOut)
    def post(self, request, pk: int):
        """Record one call of a revisit: reached (satisfied or not; an unhappy customer may
        get a complaint case), or not reached (done, or tried again at `retry_at`)."""
        revisit = selectors.revisit_list(user=request.user).filter(pk=pk).first()
        if revisit is None:
            raise NotFound(_("No such revisit."))
        data = _query_body(serializers.RevisitRecordIn, request)
        services.revisit_record(revisit=revisit, actor=request.user, **data)
        return Response(_revisit(request, pk))


class RevisitOutcomesView(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(
        parameters=[serializers.RevisitOutcomeQuery],
        responses=serializers.RevisitOutcomeRowOut(many=True),
    )
    def get(self, request):
        """Outcomes of the revisits done from `start` to `end`: overall, per `period`,
        and/or per organisation."""
        query = _query(serializers.RevisitOutcomeQuery, request)
        rows = selectors.revisit_outcomes(
            user=request.user,
            start=query.get("start"),
            end=query.get("end"),
            period=query.get("period"),
            by_organisation=query["by_organisation"],
        )
        return Response(serializers.RevisitOutcomeRowOut(rows, many=True).data)
