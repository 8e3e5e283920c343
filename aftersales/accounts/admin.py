from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.models import Region, Skill, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "organisation", "region", "is_active"]
    list_filter = ["is_active", "is_staff", "groups", "region"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email", "phone"]
    autocomplete_fields = ["organisation", "contact"]
    filter_horizontal = ["groups", "user_permissions", "skills"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Service"),
            {
                "fields": [
                    "display_name",
                    "phone",
                    "organisation",
                    "contact",
                    "region",
                    "skills",
                    "language",
                    "time_zone",
                ]
            },
        ),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Users who wrote timeline entries stay; deactivate them instead.
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["members"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
