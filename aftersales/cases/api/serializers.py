"""Input serializers parse requests; output serializers render cases. No rules live here."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aftersales.accounts.models import Team, User
from aftersales.cases import selectors, transitions
from aftersales.cases.choices import (
    CallKind,
    CaseType,
    Cause,
    Channel,
    Severity,
    Visibility,
    WaitingOn,
)
from aftersales.cases.models import Attachment, Case, Consultation, TimelineEntry
from aftersales.cases.presenters import entry_summary, kind_label, status_label
from aftersales.core.clock import now
from aftersales.core.errors import NotFound
from aftersales.customers import selectors as customer_selectors
from aftersales.customers.choices import Category
from aftersales.customers.models import Vendor
from aftersales.sla import selectors as sla_selectors

# --- references in requests, resolved within what the reader may see -------------------


@extend_schema_field(OpenApiTypes.INT)
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id of a record the reader may see; any other id is simply unknown."""

    def __init__(self, selector, **kwargs):
        self.selector = selector
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.selector(user=self.context["request"].user)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string"}]})
class OrganisationRefField(serializers.Field):
    """An organisation by id or customer code."""

    default_error_messages = {"unknown": _("Unknown organisation.")}

    def to_internal_value(self, data):
        try:
            return customer_selectors.organisation_find(user=self.context["request"].user, ref=data)
        except NotFound:
            self.fail("unknown")

    def to_representation(self, value):
        return value.pk


def _staff() -> "serializers.SlugRelatedField":
    return serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True, organisation__isnull=True),
    )


@extend_schema_field(OpenApiTypes.STR)
class CaseRefField(serializers.SlugRelatedField):
    """A case by number, among those the reader may see."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="number", **kwargs)

    def get_queryset(self):
        return selectors.case_queryset(user=self.context["request"].user)


# --- case creation and actions ----------------------------------------------------------


class CaseCreateInput(serializers.Serializer):
    organisation = OrganisationRefField(help_text=_("Id or customer code."))
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    reported_at = serializers.DateTimeField(required=False)
    assets = serializers.ListField(
        child=ScopedPrimaryKeyField(customer_selectors.asset_queryset),
        required=False,
        default=list,
    )
    case_type = serializers.ChoiceField(choices=CaseType.choices, default=CaseType.FAULT)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    vendor = serializers.IntegerField(required=False, write_only=True)
    site = ScopedPrimaryKeyField(customer_selectors.site_queryset, required=False)
    project = ScopedPrimaryKeyField(customer_selectors.project_queryset, required=False)
    contract = ScopedPrimaryKeyField(customer_selectors.contract_queryset, required=False)
    contact = ScopedPrimaryKeyField(customer_selectors.contact_queryset, required=False)
    caller_name = serializers.CharField(max_length=100, required=False)
    caller_phone = serializers.CharField(max_length=32, required=False)
    caller_email = serializers.EmailField(required=False)

    def validate_vendor(self, value):
        vendor = Vendor.objects.filter(pk=value).first()
        if vendor is None:
            raise serializers.ValidationError(_("Unknown vendor."))
        return vendor


class EmptyInput(serializers.Serializer):
    pass


class NoteTextInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField()


class AssignInput(serializers.Serializer):
    assignee = _staff()
    team = serializers.SlugRelatedField(
        slug_field="code", queryset=Team.objects.filter(is_active=True), required=False
    )


class TakeoverInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class TransferInput(serializers.Serializer):
    team = serializers.SlugRelatedField(slug_field="code", queryset=Team.objects.all())
    assignee = _staff()
    reason = serializers.CharField()


class EscalateInput(serializers.Serializer):
    expert = _staff()
    reason = serializers.CharField()


class WaitInput(serializers.Serializer):
    on = serializers.ChoiceField(choices=WaitingOn.choices)
    reason = serializers.CharField()


class ConfirmCauseInput(serializers.Serializer):
    cause = serializers.ChoiceField(choices=Cause.choices)
    diagnosis = serializers.CharField()


class SetSeverityInput(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    reason = serializers.CharField()


class CallInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CallKind.choices, default=CallKind.PHONE)
    summary = serializers.CharField()
    minutes = serializers.IntegerField(required=False, min_value=0, allow_null=True)
    consent = serializers.BooleanField(required=False, default=False)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.PUBLIC)


class ResolveInput(serializers.Serializer):
    cause = serializers.ChoiceField(choices=Cause.choices)
    solution = serializers.CharField()


class NoteInput(serializers.Serializer):
    body = serializers.CharField()
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class LinkMasterInput(serializers.Serializer):
    master = CaseRefField()


class FollowUpInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField()
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RedactInput(serializers.Serializer):
    reason = serializers.CharField()


# --- output -----------------------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer):
    # Methods rather than `source="__str__"` / `source="get_…_display"` here and below: DRF
    # inspects the signature of a callable source on every object, and Django's
    # get_FOO_display() hashes every (lazy, so translated) label of the field's choices on
    # every call. Timelines and lists call these per row; the output is the same.
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["username", "name"]

    def get_name(self, user: User) -> str:
        return str(user)


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type", "sha256", "visibility", "url", "created_at"]

    def get_url(self, attachment: Attachment) -> str:
        number = self.context.get("case_number") or attachment.case.number
        return f"/api/v1/cases/{number}/attachments/{attachment.pk}/"


class TimelineEntrySerializer(serializers.ModelSerializer):
    kind_display = serializers.SerializerMethodField()
    author = UserRefSerializer(read_only=True)
    body = serializers.CharField(read_only=True)
    data = serializers.JSONField(read_only=True)
    summary = serializers.SerializerMethodField()
    redacted = serializers.BooleanField(source="is_redacted", read_only=True)
    attachment = serializers.SerializerMethodField()

    class Meta:
        model = TimelineEntry
        fields = [
            "seq",
            "kind",
            "kind_display",
            "visibility",
            "author",
            "created_at",
            "summary",
            "body",
            "data",
            "attachment",
            "redacted",
        ]

    def get_kind_display(self, entry: TimelineEntry) -> str:
        return kind_label(entry.kind)

    def get_summary(self, entry: TimelineEntry) -> str:
        return entry_summary(entry)

    @extend_schema_field(AttachmentSerializer(allow_null=True))
    def get_attachment(self, entry: TimelineEntry):
        attachment = getattr(entry, "attachment", None)
        if attachment is None or not attachment.file:
            return None
        return AttachmentSerializer(attachment, context=self.context).data


class ClockSerializer(serializers.Serializer):
    """One SLA clock: due, remaining (negative when overdue, in minutes of the policy's
    calendar), met or breached."""

    metric = serializers.CharField()
    label = serializers.CharField()
    state = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    met_at = serializers.DateTimeField(allow_null=True)
    breached = serializers.BooleanField()
    paused = serializers.BooleanField()
    remaining_minutes = serializers.FloatField(allow_null=True)


class CaseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["number", "title", "status", "severity"]


class _CaseBase(serializers.ModelSerializer):
    organisation = serializers.SerializerMethodField()
    status_display = serializers.SerializerMethodField()
    assignee = serializers.SlugRelatedField(slug_field="username", read_only=True)
    team = serializers.SlugRelatedField(slug_field="code", read_only=True)
    vendor = serializers.SlugRelatedField(slug_field="name", read_only=True)

    def get_organisation(self, case: Case) -> dict:
        org = case.organisation
        return {"id": org.pk, "code": org.code, "name": org.name}

    def get_status_display(self, case: Case) -> str:
        return status_label(case.status)


class CaseListSerializer(_CaseBase):
    class Meta:
        model = Case
        fields = [
            "number",
            "title",
            "status",
            "status_display",
            "severity",
            "case_type",
            "channel",
            "category",
            "organisation",
            "assignee",
            "team",
            "vendor",
            "reported_at",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
        ]


class CaseAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial_number = serializers.CharField()
    name = serializers.CharField()
    model = serializers.CharField(source="model.name")
    vendor = serializers.CharField(source="model.vendor.name")
    category = serializers.CharField(source="model.category")
    in_warranty = serializers.SerializerMethodField()

    def get_in_warranty(self, asset) -> bool:
        return asset.in_warranty()


class CaseDetailSerializer(_CaseBase):
    expert = serializers.SlugRelatedField(slug_field="username", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    site = serializers.SerializerMethodField()
    contract = serializers.SerializerMethodField()
    project = serializers.SerializerMethodField()
    assets = serializers.SerializerMethodField()
    master = serializers.SerializerMethodField()
    follow_up_of = serializers.SerializerMethodField()
    duplicates = serializers.SerializerMethodField()
    follow_ups = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    clocks = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            *CaseListSerializer.Meta.fields,
            "description",
            "caller_name",
            "caller_organisation",
            "caller_phone",
            "caller_email",
            "site",
            "project",
            "contract",
            "assets",
            "expert",
            "created_by",
            "assigned_at",
            "responded_at",
            "cause",
            "diagnosis",
            "cause_confirmed_at",
            "solution",
            "confirm_deadline",
            "confirmed_at",
            "confirmation",
            "master",
            "follow_up_of",
            "duplicates",
            "follow_ups",
            "allowed_actions",
            "clocks",
            "timeline",
        ]

    def _user(self) -> User:
        return self.context["request"].user

    def _related(self, case: Case) -> dict:
        if "related" not in self.context:
            self.context["related"] = selectors.related_cases(case=case, user=self._user())
        return self.context["related"]

    def get_site(self, case: Case) -> dict | None:
        return {"id": case.site.pk, "name": case.site.name} if case.site else None

    def get_project(self, case: Case) -> dict | None:
        return {"id": case.project.pk, "name": case.project.name} if case.project else None

    def get_contract(self, case: Case) -> dict | None:
        if case.contract is None:
            return None
        return {"id": case.contract.pk, "number": case.contract.number, "name": case.contract.name}

    @extend_schema_field(CaseAssetSerializer(many=True))
    def get_assets(self, case: Case):
        assets = case.assets.select_related("model__vendor", "contract")
        return CaseAssetSerializer(assets, many=True).data

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_master(self, case: Case):
        master = self._related(case)["master"]
        return CaseRefSerializer(master).data if master else None

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_follow_up_of(self, case: Case):
        original = self._related(case)["follow_up_of"]
        return CaseRefSerializer(original).data if original else None

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_duplicates(self, case: Case):
        return CaseRefSerializer(self._related(case)["duplicates"], many=True).data

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_follow_ups(self, case: Case):
        return CaseRefSerializer(self._related(case)["follow_ups"], many=True).data

    def get_allowed_actions(self, case: Case) -> list[str]:
        return transitions.allowed_actions(case, self._user())

    @extend_schema_field(ClockSerializer(many=True))
    def get_clocks(self, case: Case):
        return ClockSerializer(sla_selectors.case_clocks(case=case, now=now()), many=True).data

    @extend_schema_field(TimelineEntrySerializer(many=True))
    def get_timeline(self, case: Case):
        entries = selectors.timeline_for(case=case, user=self._user())
        context = {**self.context, "case_number": case.number}
        return TimelineEntrySerializer(entries, many=True, context=context).data


class ConsultationSerializer(serializers.ModelSerializer):
    organisation = ScopedPrimaryKeyField(
        customer_selectors.organisation_queryset, required=False, allow_null=True
    )
    contact = ScopedPrimaryKeyField(
        customer_selectors.contact_queryset, required=False, allow_null=True
    )
    answered_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "organisation",
            "contact",
            "caller_name",
            "caller_phone",
            "channel",
            "question",
            "answer",
            "resolved",
            "satisfied",
            "answered_by",
            "created_at",
            "case",
        ]
        read_only_fields = ["created_at"]


class ConsultationToCaseInput(serializers.Serializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class LookupContractSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    coverage = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    warranty_months = serializers.IntegerField()
    is_active = serializers.BooleanField()


class LookupAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial_number = serializers.CharField()
    name = serializers.CharField()
    model = serializers.CharField(source="model.name")
    vendor = serializers.CharField(source="vendor.name")
    category = serializers.CharField(source="model.category")
    site = serializers.CharField(source="site.name")
    warranty_end = serializers.DateField()
    in_warranty = serializers.BooleanField(source="warranty_state")


class LookupEngineerSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(source="__str__")
    phone = serializers.CharField()
    region = serializers.CharField(source="region.name", default=None)
    open_cases = serializers.IntegerField()


class LookupResultSerializer(serializers.Serializer):
    organisation = serializers.SerializerMethodField()
    matched_by = serializers.ListField(child=serializers.CharField())
    contacts = serializers.SerializerMethodField()
    sites = serializers.SerializerMethodField()
    projects = serializers.SerializerMethodField()
    contracts = LookupContractSerializer(many=True)
    assets = LookupAssetSerializer(many=True)
    asset_count = serializers.IntegerField()
    recent_cases = CaseListSerializer(many=True)
    engineers = LookupEngineerSerializer(many=True)

    def get_organisation(self, match) -> dict:
        org = match.organisation
        return {
            "id": org.pk,
            "code": org.code,
            "name": org.name,
            "phone": org.phone,
            "address": org.address,
        }

    def get_contacts(self, match) -> list[dict]:
        return [
            {
                "id": c.pk,
                "name": c.name,
                "title": c.title,
                "phone": c.phone,
                "mobile": c.mobile,
                "email": c.email,
            }
            for c in match.contacts
        ]

    def get_sites(self, match) -> list[dict]:
        return [{"id": s.pk, "name": s.name, "address": s.address} for s in match.sites]

    def get_projects(self, match) -> list[dict]:
        return [{"id": p.pk, "code": p.code, "name": p.name} for p in match.projects]
