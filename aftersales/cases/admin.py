"""Cases in the admin are read-only: every change goes through the workflow services (the
workspace and the API). Administrators redact timeline entries from here."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from aftersales.cases import services
from aftersales.cases.models import Attachment, Case, Consultation, TimelineEntry
from aftersales.cases.presenters import entry_summary
from aftersales.core.errors import DomainError


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TimelineInline(admin.TabularInline):
    model = TimelineEntry
    fields = ["seq", "created_at", "kind", "visibility", "author", "summary", "text"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["seq"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "content")

    @admin.display(description=_("summary"))
    def summary(self, entry):
        return entry_summary(entry)

    @admin.display(description=_("text"))
    def text(self, entry):
        return entry.body


@admin.register(Case)
class CaseAdmin(_ReadOnly):
    list_display = [
        "number",
        "title",
        "organisation",
        "severity",
        "status",
        "assignee",
        "reported_at",
    ]
    list_filter = ["status", "severity", "case_type", "channel"]
    search_fields = ["number", "title", "organisation__code", "caller_name", "caller_phone"]
    list_select_related = ["organisation", "assignee"]
    date_hierarchy = "created_at"
    inlines = [TimelineInline]
    show_full_result_count = False


class RedactForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(TimelineEntry)
class TimelineEntryAdmin(_ReadOnly):
    list_display = ["case", "seq", "kind", "visibility", "author", "created_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["case__number"]
    list_select_related = ["case", "author"]
    actions = ["redact"]
    show_full_result_count = False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Redact the content of the selected entries"))
    def redact(self, request, queryset):
        form = RedactForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            for entry in queryset:
                try:
                    services.entry_redact(
                        entry=entry, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                except DomainError as exc:
                    self.message_user(request, f"{entry}: {exc}", messages.ERROR)
                else:
                    self.message_user(request, _("Redacted %(entry)s.") % {"entry": entry})
            return HttpResponseRedirect(request.get_full_path())
        return TemplateResponse(
            request,
            "admin/cases/redact.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "entries": queryset,
                "title": _("Redact timeline entries"),
            },
        )


@admin.register(Attachment)
class AttachmentAdmin(_ReadOnly):
    list_display = ["name", "case", "size", "visibility", "uploaded_by", "created_at"]
    search_fields = ["name", "case__number"]
    list_select_related = ["case", "uploaded_by"]


@admin.register(Consultation)
class ConsultationAdmin(_ReadOnly):
    list_display = ["created_at", "caller_name", "organisation", "answered_by", "resolved", "case"]
    list_filter = ["resolved", "satisfied", "channel"]
    search_fields = ["caller_name", "caller_phone", "question"]
    list_select_related = ["organisation", "answered_by", "case"]
