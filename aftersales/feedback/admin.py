"""Surveys and revisits are read-only in the admin: answers come through the survey link,
calls are recorded on the revisit pages and the API (both write the case's timeline).
Revisit plans, a contract's settings, are edited here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from aftersales.core.clock import now
from aftersales.feedback.models import Revisit, RevisitPlan, Survey


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(_ReadOnly):
    list_display = [
        "case",
        "organisation",
        "engineer",
        "recipient",
        "sent_at",
        "state",
        "rating",
        "follow_up",
    ]
    list_filter = ["rating", ("answered_at", admin.EmptyFieldListFilter), "sent_at"]
    search_fields = ["case__number", "organisation__name", "organisation__code", "comment"]
    list_select_related = ["case", "organisation", "engineer", "recipient", "follow_up"]
    date_hierarchy = "sent_at"
    # The token's hash is left out: it is of no use to anyone reading.
    fields = [
        "case",
        "organisation",
        "engineer",
        "recipient",
        "language",
        "case_closed_at",
        "sent_at",
        "expires_at",
        "answered_at",
        "rating",
        "comment",
        "follow_up",
    ]
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state(self, survey: Survey) -> str:
        return survey.state_at(now()).label


@admin.register(RevisitPlan)
class RevisitPlanAdmin(admin.ModelAdmin):
    list_display = ["contract", "after_close", "after_close_days", "frequency"]
    list_filter = ["after_close", "frequency"]
    search_fields = ["contract__number", "contract__name", "contract__organisation__name"]
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]


@admin.register(Revisit)
class RevisitAdmin(_ReadOnly):
    list_display = [
        "due_at",
        "kind",
        "organisation",
        "case",
        "contract",
        "attempts",
        "done_at",
        "outcome",
        "satisfied",
    ]
    list_filter = ["kind", "outcome", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["organisation__name", "organisation__code", "case__number", "notes"]
    list_select_related = ["organisation", "case", "contract"]
    date_hierarchy = "due_at"
