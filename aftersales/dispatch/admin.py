"""Administration of field service: which skills fix which categories (edited here); visits
are read here and changed only through the service desk's pages and the API."""

from django.contrib import admin

from aftersales.dispatch.models import CategorySkill, Visit


@admin.register(CategorySkill)
class CategorySkillAdmin(admin.ModelAdmin):
    list_display = ["category", "skill"]
    list_filter = ["category"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["__str__", "engineer", "status", "window_start", "arrived_at", "result"]
    list_filter = ["status", "result"]
    search_fields = ["case__number", "engineer__username", "customer_signer"]
    list_select_related = ["case", "engineer"]
    date_hierarchy = "window_start"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
