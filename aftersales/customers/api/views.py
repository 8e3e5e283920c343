"""REST endpoints for customer records: scoped reads, service-desk writes through services."""

from django_filters import rest_framework as filters
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aftersales.core.api import DeskWrites, IdFilter
from aftersales.customers import selectors, services
from aftersales.customers.api import serializers


class _RecordViewSet(viewsets.ModelViewSet):
    """Create and update through `services.record_save`; never delete."""

    permission_classes = [DeskWrites]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    selector = None

    def get_queryset(self):
        return type(self).selector(user=self.request.user).order_by("pk")

    def perform_create(self, serializer):
        model = serializer.Meta.model
        serializer.instance = services.record_save(
            actor=self.request.user, instance=model(), **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.record_save(
            actor=self.request.user, instance=serializer.instance, **serializer.validated_data
        )


# Foreign keys filter by number, never by a model choice: a choice filter would answer
# "not a valid choice" for ids that do not exist and so tell a customer which ids do.
class _OrganisationFilter(filters.FilterSet):
    organisation = IdFilter(field_name="organisation_id")


class OrganisationFilter(filters.FilterSet):
    code = filters.CharFilter(field_name="code", lookup_expr="iexact")
    region = IdFilter(field_name="region_id")
    archived = filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)


class ContactFilter(_OrganisationFilter):
    phone = filters.CharFilter()
    mobile = filters.CharFilter()
    is_active = filters.BooleanFilter()


class SiteFilter(_OrganisationFilter):
    region = IdFilter(field_name="region_id")


class ProjectFilter(_OrganisationFilter):
    code = filters.CharFilter()


class ContractFilter(_OrganisationFilter):
    project = IdFilter(field_name="project_id")
    coverage = filters.CharFilter()


class AssetFilter(_OrganisationFilter):
    serial = filters.CharFilter(field_name="serial_number")
    category = filters.CharFilter(field_name="model__category")
    site = IdFilter(field_name="site_id")
    project = IdFilter(field_name="project_id")
    contract = IdFilter(field_name="contract_id")
    vendor = IdFilter(field_name="vendor_id")
    model = IdFilter(field_name="model_id")
    archived = filters.BooleanFilter(field_name="archived_at", lookup_expr="isnull", exclude=True)


class OrganisationViewSet(_RecordViewSet):
    serializer_class = serializers.OrganisationSerializer
    selector = staticmethod(selectors.organisation_queryset)
    filterset_class = OrganisationFilter

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        organisation = services.organisation_archive(
            actor=request.user, organisation=self.get_object()
        )
        return Response(self.get_serializer(organisation).data)


class ContactViewSet(_RecordViewSet):
    serializer_class = serializers.ContactSerializer
    selector = staticmethod(selectors.contact_queryset)
    filterset_class = ContactFilter


class SiteViewSet(_RecordViewSet):
    serializer_class = serializers.SiteSerializer
    selector = staticmethod(selectors.site_queryset)
    filterset_class = SiteFilter


class ProjectViewSet(_RecordViewSet):
    serializer_class = serializers.ProjectSerializer
    selector = staticmethod(selectors.project_queryset)
    filterset_class = ProjectFilter


class ContractViewSet(_RecordViewSet):
    serializer_class = serializers.ContractSerializer
    selector = staticmethod(selectors.contract_queryset)
    filterset_class = ContractFilter


class AssetViewSet(_RecordViewSet):
    serializer_class = serializers.AssetSerializer
    selector = staticmethod(selectors.asset_queryset)
    filterset_class = AssetFilter

    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        asset = services.asset_archive(actor=request.user, asset=self.get_object())
        return Response(self.get_serializer(asset).data)
