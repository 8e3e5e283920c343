"""Input serializers parse requests; output serializers render visits. No rules live here."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.accounts.models import User
from aftersales.cases.api.serializers import CaseRefField
from aftersales.cases.choices import Visibility
from aftersales.dispatch import selectors, transitions
from aftersales.dispatch.choices import DocumentKind, SignatureRole, VisitResult
from aftersales.dispatch.models import Visit


def _engineers(**kwargs):
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True, organisation__isnull=True),
        **kwargs,
    )


# --- input ------------------------------------------------------------------------------------


class ScheduleInput(serializers.Serializer):
    case = CaseRefField(help_text=_("Case number."))
    engineer = _engineers()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    purpose = serializers.CharField(required=False, allow_blank=True, default="")


class RescheduleInput(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    engineer = _engineers(required=False, allow_null=True, default=None)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class PhoneInput(serializers.Serializer):
    """What every request from the engineer's phone carries: the id the phone gave it (a
    retry with the same id changes nothing), when it was recorded and when it was sent, by
    the phone's clock (the server keeps the difference, not the phone's time)."""

    client_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    recorded_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    sent_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ArriveInput(PhoneInput):
    latitude = serializers.DecimalField(
        max_digits=12, decimal_places=8, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=12, decimal_places=8, required=False, allow_null=True, default=None
    )
    accuracy_m = serializers.FloatField(required=False, allow_null=True, default=None, min_value=0)


class LogInput(PhoneInput):
    client_id = serializers.UUIDField()
    body = serializers.CharField(allow_blank=True, max_length=5000)


class PhotoInput(PhoneInput):
    client_id = serializers.UUIDField()
    file = serializers.FileField()


class SignInput(PhoneInput):
    role = serializers.ChoiceField(choices=SignatureRole.choices)
    name = serializers.CharField(allow_blank=True, max_length=100)
    image = serializers.CharField(help_text=_("The drawing as a PNG data: URL."))


class FinishInput(PhoneInput):
    result = serializers.ChoiceField(choices=VisitResult.choices)
    work_done = serializers.CharField(allow_blank=True, max_length=10000)
    fault_found = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=10000
    )
    minutes_spent = serializers.IntegerField(required=False, allow_null=True, default=None)
    leftovers = serializers.ListField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        required=False,
        default=list,
    )


class DocumentInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)
    site_situation = serializers.CharField(required=False, allow_blank=True, default="")
    fault_level = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("P1, P2, P3 or P4; empty: the case's severity."),
    )
    emergency_handling = serializers.CharField(required=False, allow_blank=True, default="")
    diagnosis = serializers.CharField(required=False, allow_blank=True, default="")
    impact = serializers.CharField(required=False, allow_blank=True, default="")
    cause = serializers.CharField(required=False, allow_blank=True, default="")
    measures = serializers.CharField(required=False, allow_blank=True, default="")


# --- output -----------------------------------------------------------------------------------


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")


class LogEntrySerializer(serializers.Serializer):
    client_id = serializers.UUIDField()
    body = serializers.CharField()
    written_at = serializers.DateTimeField()
    author = serializers.CharField(source="author.__str__")


class EngineerSuggestionSerializer(serializers.Serializer):
    engineer = PersonSerializer()
    skills = serializers.ListField(child=serializers.CharField())
    region = serializers.CharField()
    open_cases = serializers.IntegerField()
    visits_that_day = serializers.IntegerField()
    reason = serializers.CharField()


class VisitSerializer(serializers.ModelSerializer):
    """A visit as its reader may see it: customers never see the engineer's position or the
    internal photos."""

    number = serializers.CharField(read_only=True)
    case = serializers.CharField(source="case.number")
    case_title = serializers.CharField(source="case.title")
    organisation = serializers.CharField(source="case.organisation.name")
    site = serializers.SerializerMethodField()
    engineer = PersonSerializer()
    status_display = serializers.CharField(source="get_status_display")
    result_display = serializers.CharField(source="get_result_display")
    log = serializers.SerializerMethodField()
    parts = serializers.SerializerMethodField()
    leftovers = serializers.SerializerMethodField()
    signatures = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    position = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "number",
            "case",
            "case_title",
            "organisation",
            "site",
            "engineer",
            "status",
            "status_display",
            "window_start",
            "window_end",
            "purpose",
            "scheduled_at",
            "departed_at",
            "arrived_at",
            "finished_at",
            "cancelled_at",
            "cancel_reason",
            "fault_found",
            "work_done",
            "result",
            "result_display",
            "minutes_spent",
            "log",
            "parts",
            "leftovers",
            "signatures",
            "report",
            "photos",
            "position",
            "actions",
        ]

    def _reader(self) -> User:
        return self.context["request"].user

    def _detail(self) -> bool:
        return bool(self.context.get("detail"))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_site(self, visit: Visit) -> dict | None:
        site = visit.case.site
        if site is None:
            return None
        return {"name": site.name, "address": site.address or visit.case.organisation.address}

    @extend_schema_field(LogEntrySerializer(many=True))
    def get_log(self, visit: Visit):
        if not self._detail():
            return []
        return LogEntrySerializer(selectors.work_log(visit), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_parts(self, visit: Visit) -> list:
        return [
            {
                "name": getattr(part, "name", ""),
                "part_number": getattr(part, "part_number", ""),
                "serial_number": getattr(part, "serial_number", ""),
                "quantity": getattr(part, "quantity", None),
            }
            for part in selectors.visit_parts(visit)
        ]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_leftovers(self, visit: Visit) -> list:
        if not self._detail():
            return []
        return [
            {"description": left.description, "case": left.follow_up.number}
            for left in visit.leftovers.select_related("follow_up").order_by("id")
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_signatures(self, visit: Visit) -> dict:
        def one(role: str, name: str, at) -> dict | None:
            if at is None:
                return None
            url = reverse("v1:visit-signature", kwargs={"pk": visit.pk, "role": role})
            return {"name": name, "signed_at": at, "url": url}

        return {
            SignatureRole.CUSTOMER: one(
                SignatureRole.CUSTOMER, visit.customer_signer, visit.customer_signed_at
            ),
            SignatureRole.ENGINEER: one(
                SignatureRole.ENGINEER, visit.engineer_signer, visit.engineer_signed_at
            ),
        }

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_report(self, visit: Visit) -> dict | None:
        report = visit.report
        if report is None:
            return None
        number = visit.case.number
        return {
            "id": report.pk,
            "name": report.name,
            "url": reverse(
                "v1:case-attachment", kwargs={"number": number, "attachment_id": report.pk}
            ),
            "page_url": reverse("workspace:attachment", args=[number, report.pk])
            if not self._reader().is_customer
            else reverse("portal:attachment", args=[number, report.pk]),
        }

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, visit: Visit) -> list:
        if self._reader().is_customer or not self._detail():
            return []
        number = visit.case.number
        return [
            {
                "client_id": photo.client_id,
                "name": photo.attachment.name,
                "taken_at": photo.taken_at,
                "url": reverse("workspace:attachment", args=[number, photo.attachment_id]),
            }
            for photo in visit.photos.select_related("attachment").order_by("taken_at", "id")
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_position(self, visit: Visit) -> dict | None:
        if self._reader().is_customer or visit.arrival_latitude is None:
            return None
        return {
            "latitude": float(visit.arrival_latitude),
            "longitude": float(visit.arrival_longitude),
            "accuracy_m": visit.arrival_accuracy_m,
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, visit: Visit) -> list[str]:
        reader = self._reader()
        if reader.is_customer:
            return []
        return transitions.allowed_actions(visit, reader)
