from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import DomainError
from aftersales.customers import services
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


class _NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    can_delete = False


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    can_delete = False
    fields = ["name", "region", "address"]


@admin.register(Organisation)
class OrganisationAdmin(_NoDelete):
    list_display = ["code", "name", "region", "phone", "archived_at"]
    list_filter = ["region", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name", "short_name", "phone"]
    inlines = [ContactInline, SiteInline]
    actions = ["archive"]

    @admin.action(description=_("Archive the selected organisations"))
    def archive(self, request, queryset):
        for organisation in queryset:
            try:
                services.organisation_archive(actor=request.user, organisation=organisation)
            except DomainError as exc:
                self.message_user(request, f"{organisation}: {exc}", messages.WARNING)


@admin.register(Contact)
class ContactAdmin(_NoDelete):
    list_display = ["name", "organisation", "phone", "mobile", "email", "is_primary", "is_active"]
    list_filter = ["is_active", "is_primary"]
    search_fields = ["name", "phone", "mobile", "email", "organisation__code"]
    autocomplete_fields = ["organisation"]


@admin.register(Site)
class SiteAdmin(_NoDelete):
    list_display = ["name", "organisation", "region", "address"]
    list_filter = ["region"]
    search_fields = ["name", "address", "organisation__code", "organisation__name"]
    autocomplete_fields = ["organisation", "contact"]


@admin.register(Project)
class ProjectAdmin(_NoDelete):
    list_display = ["code", "name", "organisation", "start_date", "end_date"]
    search_fields = ["code", "name", "organisation__code"]
    autocomplete_fields = ["organisation"]


@admin.register(ServiceContract)
class ServiceContractAdmin(_NoDelete):
    list_display = [
        "number",
        "name",
        "organisation",
        "coverage",
        "start_date",
        "end_date",
        "warranty_months",
    ]
    list_filter = ["coverage", "maintenance_frequency"]
    search_fields = ["number", "name", "organisation__code", "organisation__name"]
    autocomplete_fields = ["organisation", "project"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "support_phone", "support_email"]
    search_fields = ["code", "name"]


@admin.register(AssetModel)
class AssetModelAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "category", "description"]
    list_filter = ["category", "vendor"]
    search_fields = ["name", "vendor__name", "description"]


class AssetLinkInline(admin.TabularInline):
    model = AssetLink
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target"]


@admin.register(Asset)
class AssetAdmin(_NoDelete):
    list_display = [
        "serial_number",
        "name",
        "model",
        "organisation",
        "site",
        "acceptance_date",
        "warranty_end_display",
        "archived_at",
    ]
    list_filter = ["model__category", "vendor", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["serial_number", "name", "organisation__code", "site__name", "model__name"]
    autocomplete_fields = ["organisation", "site", "model", "project", "contract"]
    list_select_related = ["model__vendor", "organisation", "site", "contract"]
    inlines = [AssetLinkInline]

    @admin.display(description=_("warranty ends"))
    def warranty_end_display(self, asset: Asset):
        return asset.warranty_end
