from django.contrib import admin, messages
from django.utils import timezone

from aftersales.core.clock import now
from aftersales.sla.models import (
    Calendar,
    CalendarDay,
    CaseClock,
    DutyShift,
    EscalationStep,
    SlaEvent,
    SlaPolicy,
    SlaTarget,
    WorkingHours,
)
from aftersales.sla.selectors import calendar_warnings


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "time_zone", "always_open", "holidays", "builtin"]
    inlines = [WorkingHoursInline, CalendarDayInline]

    def changelist_view(self, request, extra_context=None):
        for warning in calendar_warnings(today=timezone.localdate(now())):
            messages.warning(request, warning)
        return super().changelist_view(request, extra_context)

    def has_delete_permission(self, request, obj=None) -> bool:
        return not (obj and obj.builtin) and super().has_delete_permission(request, obj)


class TargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0


class StepInline(admin.TabularInline):
    model = EscalationStep
    extra = 0


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "title", "calendar", "is_default", "pause_when_waiting_customer"]
    list_filter = ["calendar", "is_default"]
    inlines = [TargetInline, StepInline]


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["level", "user", "starts_at", "ends_at"]
    list_filter = ["level"]
    autocomplete_fields = ["user"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CaseClock)
class CaseClockAdmin(_ReadOnly):
    list_display = ["case", "metric", "due_at", "met_at", "breached", "paused_since"]
    list_filter = ["metric", "breached"]
    search_fields = ["case__number"]
    list_select_related = ["case"]


@admin.register(SlaEvent)
class SlaEventAdmin(_ReadOnly):
    list_display = ["case", "kind", "level", "metric", "due_at", "fired_at", "cancelled_at"]
    list_filter = ["kind"]
    search_fields = ["case__number"]
    list_select_related = ["case"]
