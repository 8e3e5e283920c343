"""The outbox, templates, robots and preferences in the admin. Outbox messages are read-only:
an administrator retries dead or failed ones (list action or the button on a message)."""

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from aftersales.core.errors import DomainError
from aftersales.notifications import services
from aftersales.notifications.choices import OutboxStatus
from aftersales.notifications.models import (
    ChatRobot,
    InAppNotification,
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "created_at",
        "event",
        "channel",
        "recipient",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "channel", "event"]
    search_fields = [
        "address",
        "subject",
        "recipient__username",
        "case__number",
        "dedupe_key",
        "last_error",
    ]
    list_select_related = ["recipient"]
    readonly_fields = [
        "event",
        "channel",
        "recipient",
        "robot",
        "address",
        "language",
        "subject",
        "body",
        "payload",
        "case",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "dedupe_key",
    ]
    fields = readonly_fields
    actions = ["retry"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    change_form_template = "admin/notifications/outboxmessage/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "<int:message_id>/retry/",
                self.admin_site.admin_view(self.retry_view),
                name="notifications_outboxmessage_retry",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description=_("Retry the selected dead or failed messages"), permissions=["change"]
    )
    def retry(self, request, queryset):
        self._retry(request, list(queryset.values_list("pk", flat=True)))

    def retry_view(self, request, message_id: int):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        message = get_object_or_404(OutboxMessage, pk=message_id)
        if not self.has_change_permission(request, message):
            return HttpResponseRedirect(reverse("admin:index"))
        self._retry(request, [message.pk])
        return HttpResponseRedirect(
            reverse("admin:notifications_outboxmessage_change", args=[message.pk])
        )

    def _retry(self, request, ids: list[int]) -> None:
        try:
            count = services.outbox_retry(actor=request.user, ids=ids)
        except DomainError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message will be sent again.",
                    "%(count)d messages will be sent again.",
                    count,
                )
                % {"count": count},
            )
        else:
            self.message_user(
                request, _("Only dead or failed messages can be retried."), messages.WARNING
            )

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        context["can_retry"] = (
            obj is not None
            and self.has_change_permission(request, obj)
            and (
                obj.status == OutboxStatus.DEAD
                or (obj.status == OutboxStatus.PENDING and obj.attempts > 0)
            )
        )
        # Every field is read-only: the page's only action is the retry button.
        context.update(show_save=False, show_save_and_continue=False)
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)


@admin.register(InAppNotification)
class InAppNotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "case", "read_at"]
    list_filter = ["event"]
    search_fields = ["user__username", "title", "case__number"]
    list_select_related = ["user", "case"]
    readonly_fields = [
        "user",
        "title",
        "body",
        "url",
        "event",
        "case",
        "message",
        "created_at",
        "read_at",
    ]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(admin.ModelAdmin):
    list_display = ["event", "channel", "language", "subject"]
    list_filter = ["channel", "language", "event"]
    search_fields = ["event", "subject", "body"]
    ordering = ["event", "channel", "language"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "channels"]
    list_filter = ["event"]
    search_fields = ["user__username", "user__display_name"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]


@admin.register(ChatRobot)
class ChatRobotAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "events", "organisation", "team", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "team"]
    actions = ["send_test"]

    @admin.action(description=_("Send a test message"), permissions=["change"])
    def send_test(self, request, queryset):
        for robot in queryset:
            try:
                services.robot_send_test(robot=robot, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{robot}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request, _("A test message to %(robot)s is queued.") % {"robot": robot}
                )
