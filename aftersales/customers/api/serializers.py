from django.utils import timezone
from rest_framework import serializers

from aftersales.core.clock import now
from aftersales.customers.models import (
    Asset,
    AssetLink,
    AssetModel,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
    Vendor,
)


class OrganisationSerializer(serializers.ModelSerializer):
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "region",
            "address",
            "phone",
            "email",
            "time_zone",
            "notes",
            "is_archived",
            "archived_at",
            "created_at",
        ]
        read_only_fields = ["archived_at", "created_at"]


class OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "organisation",
            "name",
            "title",
            "phone",
            "mobile",
            "email",
            "is_primary",
            "is_active",
        ]


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = [
            "id",
            "organisation",
            "name",
            "region",
            "address",
            "contact",
            "latitude",
            "longitude",
        ]


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = ["id", "organisation", "code", "name", "description", "start_date", "end_date"]


class ContractSerializer(serializers.ModelSerializer):
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = ServiceContract
        fields = [
            "id",
            "organisation",
            "project",
            "number",
            "name",
            "start_date",
            "end_date",
            "coverage",
            "warranty_months",
            "onsite_support",
            "remote_support",
            "maintenance_frequency",
            "trainings_per_year",
            "notes",
            "is_active",
        ]

    def get_is_active(self, contract: ServiceContract) -> bool:
        return contract.is_active_on(timezone.localdate(now()))


class VendorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vendor
        fields = ["id", "code", "name", "support_phone", "support_email"]


class AssetModelSerializer(serializers.ModelSerializer):
    vendor = VendorSerializer(read_only=True)

    class Meta:
        model = AssetModel
        fields = ["id", "vendor", "name", "category", "description"]


class AssetSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="vendor.name", read_only=True)
    model_name = serializers.CharField(source="model.name", read_only=True)
    category = serializers.CharField(source="model.category", read_only=True)
    warranty_start = serializers.DateField(read_only=True)
    warranty_end = serializers.DateField(read_only=True)
    in_warranty = serializers.SerializerMethodField()
    organisation = serializers.PrimaryKeyRelatedField(read_only=True)
    is_archived = serializers.BooleanField(read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "organisation",
            "site",
            "model",
            "model_name",
            "vendor",
            "category",
            "serial_number",
            "name",
            "ip_address",
            "project",
            "contract",
            "install_date",
            "acceptance_date",
            "warranty_start",
            "warranty_end",
            "in_warranty",
            "notes",
            "is_archived",
        ]

    def get_in_warranty(self, asset: Asset) -> bool:
        return asset.in_warranty()


class AssetLinkSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssetLink
        fields = ["id", "source", "target", "kind"]
