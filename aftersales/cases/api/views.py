"""REST endpoints for cases: parse, call a service, render."""

from django.http import FileResponse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.cases import selectors, services, transitions
from aftersales.cases.api import serializers
from aftersales.cases.api.actions import ACTIONS
from aftersales.cases.choices import OPEN, Visibility
from aftersales.cases.models import Case, TimelineEntry
from aftersales.core.api import CursorPagination, IdFilter, PageNumberPagination
from aftersales.core.errors import NotFound
from aftersales.core.ids import parse_id
from aftersales.search import selectors as search


class CaseFilter(filters.FilterSet):
    status = filters.BaseInFilter(field_name="status", help_text=_("Comma-separated states."))
    open = filters.BooleanFilter(method="filter_open", help_text=_("Only open cases."))
    severity = filters.BaseInFilter(field_name="severity")
    case_type = filters.BaseInFilter(field_name="case_type")
    vendor = IdFilter(field_name="vendor_id")
    team = filters.CharFilter(method="filter_team", help_text=_("Team code or id."))
    assignee = filters.CharFilter(field_name="assignee__username")
    organisation = filters.CharFilter(
        method="filter_organisation", help_text=_("Organisation id or customer code.")
    )
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    reported_after = filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="gte")
    reported_before = filters.IsoDateTimeFilter(field_name="reported_at", lookup_expr="lt")
    search = filters.CharFilter(
        method="filter_search",
        help_text=_(
            "Words in the title, details, notes (customers: the notes they can read), asset "
            "serials or customer names, in Chinese or English; synonyms count. Best matches "
            "first, at most 200."
        ),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_open(self, queryset, name, value):
        return queryset.filter(status__in=OPEN) if value else queryset.exclude(status__in=OPEN)

    def filter_search(self, queryset, name, value):
        if not value.strip():
            return queryset
        return search.case_search_queryset(user=self.request.user, q=value, queryset=queryset)

    def filter_team(self, queryset, name, value):
        pk = parse_id(value)
        if pk is not None:
            return queryset.filter(team_id=pk)
        return queryset.filter(team__code=value)

    def filter_organisation(self, queryset, name, value):
        pk = parse_id(value)
        if pk is not None:
            return queryset.filter(organisation_id=pk)
        return queryset.filter(organisation__code__iexact=value)


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Cases the reader may see. Actions on a case are POSTs to /cases/<number>/<action>/."""

    lookup_field = "number"
    lookup_value_regex = r"[0-9A-Za-z-]+"
    filterset_class = CaseFilter

    @property
    def paginator(self):
        """Newest first by cursor; a search comes best first, in numbered pages."""
        if not hasattr(self, "_paginator"):
            searching = self.action == "list" and self.request.query_params.get("search", "")
            self._paginator = PageNumberPagination() if searching.strip() else CursorPagination()
        return self._paginator

    def get_queryset(self):
        return selectors.case_list(user=self.request.user)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.CaseDetailSerializer
        if self.action == "create":
            return serializers.CaseCreateInput
        return serializers.CaseListSerializer

    def get_object(self):
        return selectors.case_get(user=self.request.user, number=self.kwargs["number"])

    @extend_schema(
        request=serializers.CaseCreateInput, responses={201: serializers.CaseDetailSerializer}
    )
    def create(self, request, *args, **kwargs):
        data = self._validated(serializers.CaseCreateInput, request.data)
        case = services.case_create(actor=request.user, **data)
        # A case just opened has no duplicates or follow-ups yet, and its links are the ones
        # given (a follow-up is opened through its own action).
        context = {"request": request, "related": selectors.related_cases_of_new(case=case)}
        body = serializers.CaseDetailSerializer(case, context=context).data
        return Response(body, status=status.HTTP_201_CREATED)

    def _validated(self, serializer_class, data) -> dict:
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=serializers.RedactInput, responses=serializers.CaseDetailSerializer)
    @action(detail=True, methods=["post"], url_path=r"timeline/(?P<seq>\d+)/redact")
    def redact(self, request, number=None, seq=None):
        """Remove an entry's content (administrators), keeping its digest in the chain."""
        case = self.get_object()
        entry = TimelineEntry.objects.filter(case=case, seq=int(seq)).first()
        if entry is None:
            raise NotFound(_("No such timeline entry."))
        data = self._validated(serializers.RedactInput, request.data)
        services.entry_redact(entry=entry, actor=request.user, reason=data["reason"])
        return _case_response(request, case)


def _case_response(request, case: Case, code: int = status.HTTP_200_OK) -> Response:
    fresh = selectors.case_get(user=request.user, number=case.number)
    body = serializers.CaseDetailSerializer(fresh, context={"request": request}).data
    return Response(body, status=code)


class CaseActionView(generics.GenericAPIView):
    """One workflow action on one case. Refusals come before input is read: a customer
    asking to assign learns it may not, not which engineers exist."""

    action_name: str = ""

    def get_serializer_class(self):
        return ACTIONS[self.action_name].input

    @extend_schema(responses=serializers.CaseDetailSerializer)
    def post(self, request, number: str):
        spec = ACTIONS[self.action_name]
        case = selectors.case_get(user=request.user, number=number)
        transitions.check(spec.name, case, request.user)
        serializer = spec.input(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        result = spec.run(case, request.user, serializer.validated_data)
        code = status.HTTP_201_CREATED if spec.creates else status.HTTP_200_OK
        return _case_response(request, result, code)


class CaseAttachmentsView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=serializers.AttachmentSerializer(many=True))
    def get(self, request, number: str):
        case = selectors.case_get(user=request.user, number=number)
        attachments = case.attachments.exclude(file="")
        if request.user.is_customer:
            attachments = attachments.filter(visibility=Visibility.PUBLIC)
        context = {"request": request, "case_number": case.number}
        return Response(
            serializers.AttachmentSerializer(attachments, many=True, context=context).data
        )

    @extend_schema(
        request={"multipart/form-data": serializers.AttachmentInput},
        responses={201: serializers.AttachmentSerializer},
    )
    def post(self, request, number: str):
        case = selectors.case_get(user=request.user, number=number)
        transitions.check(transitions.Action.NOTE, case, request.user)
        serializer = serializers.AttachmentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        default = Visibility.PUBLIC if request.user.is_customer else Visibility.INTERNAL
        attachment = services.case_attach(
            case=case,
            actor=request.user,
            upload=data["file"],
            visibility=data.get("visibility") or default,
            note=data["note"],
        )
        context = {"request": request, "case_number": case.number}
        return Response(
            serializers.AttachmentSerializer(attachment, context=context).data,
            status=status.HTTP_201_CREATED,
        )


class CaseAttachmentDownloadView(APIView):
    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, number: str, attachment_id: int):
        attachment = selectors.attachment_get(
            user=request.user, number=number, attachment_id=attachment_id
        )
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class LookupView(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("q", str, description=_("Code, phone, name or serial."))],
        responses=serializers.LookupResultSerializer(many=True),
    )
    def get(self, request):
        matches = selectors.caller_lookup(user=request.user, q=request.query_params.get("q", ""))
        data = serializers.LookupResultSerializer(
            matches, many=True, context={"request": request}
        ).data
        return Response({"results": data})


class ConsultationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """咨询登记: calls answered on the spot (staff only)."""

    serializer_class = serializers.ConsultationSerializer

    def get_queryset(self):
        return selectors.consultation_queryset(user=self.request.user).order_by("-id")

    def perform_create(self, serializer):
        serializer.instance = services.consultation_record(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(
        request=serializers.ConsultationToCaseInput,
        responses={201: serializers.CaseDetailSerializer},
    )
    @action(detail=True, methods=["post"], url_path="to-case")
    def to_case(self, request, pk=None):
        consultation = self.get_object()
        serializer = serializers.ConsultationToCaseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.consultation_to_case(
            consultation=consultation, actor=request.user, **serializer.validated_data
        )
        return _case_response(request, case, status.HTTP_201_CREATED)
