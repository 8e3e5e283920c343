"""REST endpoints for visits: parse, call a service or selector, render."""

import datetime as dt

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales.cases import selectors as case_selectors
from aftersales.cases.api.serializers import AttachmentSerializer
from aftersales.core.api import CursorPagination
from aftersales.core.clock import now
from aftersales.core.errors import NotFound, ValidationError
from aftersales.dispatch import selectors, services
from aftersales.dispatch.api import serializers
from aftersales.dispatch.choices import SignatureRole, VisitStatus
from aftersales.dispatch.models import Visit


class VisitFilter(filters.FilterSet):
    case = filters.CharFilter(field_name="case__number", help_text=_("Case number."))
    engineer = filters.CharFilter(field_name="engineer__username")
    status = filters.BaseInFilter(field_name="status", help_text=_("Comma-separated states."))
    starts_after = filters.IsoDateTimeFilter(field_name="window_start", lookup_expr="gte")
    starts_before = filters.IsoDateTimeFilter(field_name="window_start", lookup_expr="lt")

    class Meta:
        model = Visit
        fields: list[str] = []


def _phone(data: dict) -> dict:
    return {key: data[key] for key in ("client_id", "recorded_at", "sent_at") if key in data}


class VisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """On-site visits the reader may see: all for staff, its organisation's for a customer
    contact. The service desk schedules (POST); the visit's engineer reports each step from
    the phone with POSTs to /visits/<id>/<action>/, each carrying the phone's `client_id`."""

    serializer_class = serializers.VisitSerializer
    filterset_class = VisitFilter
    pagination_class = CursorPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.visit_list(user=self.request.user)

    def get_object(self):
        pk = self.kwargs["pk"]
        if not str(pk).isdigit():
            raise NotFound(_("No such visit."))
        return selectors.visit_get(user=self.request.user, pk=int(pk))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "detail": self.action != "list"}

    def _input(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _visit(self, visit: Visit, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.visit_get(user=self.request.user, pk=visit.pk)
        context = {**self.get_serializer_context(), "detail": True}
        return Response(serializers.VisitSerializer(fresh, context=context).data, status=code)

    def _readable(self):
        """The visit, found among those the reader may see, before any input is read."""
        return self.get_object()

    @extend_schema(request=serializers.ScheduleInput, responses={201: serializers.VisitSerializer})
    def create(self, request):
        data = self._input(serializers.ScheduleInput)
        visit = services.visit_schedule(actor=request.user, **data)
        return self._visit(visit, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.RescheduleInput, responses=serializers.VisitSerializer)
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.RescheduleInput)
        return self._visit(services.visit_reschedule(visit=visit, actor=request.user, **data))

    @extend_schema(request=serializers.CancelInput, responses=serializers.VisitSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.CancelInput)
        return self._visit(services.visit_cancel(visit=visit, actor=request.user, **data))

    @extend_schema(request=serializers.PhoneInput, responses=serializers.VisitSerializer)
    @action(detail=True, methods=["post"])
    def depart(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.PhoneInput)
        return self._visit(services.visit_depart(visit=visit, actor=request.user, **data))

    @extend_schema(request=serializers.ArriveInput, responses=serializers.VisitSerializer)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.ArriveInput)
        return self._visit(services.visit_arrive(visit=visit, actor=request.user, **data))

    @extend_schema(request=serializers.LogInput, responses={201: serializers.VisitSerializer})
    @action(detail=True, methods=["post"])
    def log(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.LogInput)
        services.visit_log(visit=visit, actor=request.user, **data)
        return self._visit(visit, status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": serializers.PhotoInput},
        responses={201: serializers.VisitSerializer},
    )
    @action(detail=True, methods=["post"])
    def photos(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.PhotoInput)
        services.visit_photo_add(
            visit=visit, actor=request.user, upload=data.pop("file"), **_phone(data)
        )
        return self._visit(visit, status.HTTP_201_CREATED)

    @extend_schema(request=serializers.SignInput, responses=serializers.VisitSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.SignInput)
        image = services.signature_decode(data["image"])
        return self._visit(
            services.visit_sign(
                visit=visit,
                actor=request.user,
                role=data["role"],
                name=data["name"],
                image=image,
                **_phone(data),
            )
        )

    @extend_schema(request=serializers.FinishInput, responses=serializers.VisitSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        visit = self._readable()
        data = self._input(serializers.FinishInput)
        return self._visit(services.visit_finish(visit=visit, actor=request.user, **data))

    @extend_schema(
        parameters=[
            OpenApiParameter("case", str, required=True, description=_("Case number.")),
            OpenApiParameter("day", str, description=_("YYYY-MM-DD; today if absent.")),
        ],
        responses=serializers.EngineerSuggestionSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def suggestions(self, request):
        """Engineers for a visit to the case on a day, best first, each with the reason."""
        if request.user.is_customer or not request.user.is_service_staff:
            raise NotFound(_("Not found."))
        case = case_selectors.case_get(
            user=request.user, number=request.query_params.get("case", "")
        )
        day = _day(request.query_params.get("day"))
        found = selectors.engineer_suggestions(case, day)
        return Response(
            {"day": day, "results": serializers.EngineerSuggestionSerializer(found, many=True).data}
        )


def _day(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate(now())
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError(_("Give the day as YYYY-MM-DD."), field="day") from exc


class VisitSignatureView(APIView):
    @extend_schema(responses={(200, "image/png"): bytes})
    def get(self, request, pk: int, role: str):
        visit = selectors.visit_get(user=request.user, pk=pk)
        if role not in SignatureRole.values or not visit.signature(role):
            raise NotFound(_("No such signature."))
        response = FileResponse(visit.signature(role).open("rb"), content_type="image/png")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=0"
        return response


class CaseDocumentView(APIView):
    """Make a document of the case (fault diagnosis report; major-fault analysis report for
    a P1 case) and archive it on the case."""

    @extend_schema(request=serializers.DocumentInput, responses={201: AttachmentSerializer})
    def post(self, request, number: str):
        case = case_selectors.case_get(user=request.user, number=number)
        serializer = serializers.DocumentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        kind, visibility = data.pop("kind"), data.pop("visibility")
        attachment = services.case_document_issue(
            case=case, actor=request.user, kind=kind, fields=data, visibility=visibility
        )
        context = {"request": request, "case_number": case.number}
        return Response(
            AttachmentSerializer(attachment, context=context).data, status=status.HTTP_201_CREATED
        )


__all__ = ["CaseDocumentView", "VisitSignatureView", "VisitStatus", "VisitViewSet"]
