from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.notifications.choices import (
    ALL_EVENTS,
    LANGUAGES,
    PERSONAL_CHANNELS,
    Channel,
    Event,
    OutboxStatus,
    RobotKind,
    TemplateChannel,
)


class OutboxMessage(models.Model):
    """One message to one address on one channel, written in the same transaction as the change
    it tells about and delivered by the worker: at least once, with retries and backoff, then
    dead (kept for an administrator to retry)."""

    event = models.CharField(_("event"), max_length=32)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    robot = models.ForeignKey(
        "notifications.ChatRobot",
        verbose_name=_("chat robot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(
        _("address"), max_length=500, blank=True, help_text=_("Email, phone or webhook URL.")
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("body"), blank=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    dedupe_key = models.CharField(
        _("deduplication key"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Set when the same notification must never be written twice."),
    )

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-id"]
        indexes = [
            # What the worker looks for: due messages, and messages stuck in "sending".
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=Q(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING]),
            ),
            models.Index(fields=["status", "-id"], name="outbox_status_recent"),
            # What was written to one person about one event, newest first (escalations a
            # manager received).
            models.Index(fields=["recipient", "event", "-id"], name="outbox_recipient_event"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.address or self.recipient_id} ({self.channel})"


class InAppNotification(models.Model):
    """A notification shown in the app, created when its outbox message is delivered."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    event = models.CharField(_("event"), max_length=32, blank=True)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Delivering the same outbox message twice shows it once.
    message = models.OneToOneField(
        OutboxMessage,
        verbose_name=_("outbox message"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="in_app",
    )
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "-id"], name="inapp_user_recent"),
            models.Index(fields=["user"], name="inapp_user_unread", condition=Q(read_at=None)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationTemplate(models.Model):
    """The text of one event on one channel in one language, in Django's template language.
    Defaults are seeded in Chinese and English; administrators edit them."""

    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=12, choices=TemplateChannel.choices)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGES)
    subject = models.CharField(
        _("subject"),
        max_length=255,
        blank=True,
        help_text=_("Email subject, in-app title, robot message title. Unused by SMS."),
    )
    body = models.TextField(_("body"))

    class Meta:
        verbose_name = _("notification template")
        verbose_name_plural = _("notification templates")
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="notification_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} / {self.channel} / {self.language}"

    def clean(self) -> None:
        from aftersales.notifications.rendering import check_syntax

        errors = {}
        for field in ("subject", "body"):
            problem = check_syntax(getattr(self, field))
            if problem:
                errors[field] = problem
        if errors:
            raise DjangoValidationError(errors)


class NotificationPreference(models.Model):
    """The channels a person wants for one event, or for every event ("*"). The most specific
    preference wins; without one, the defaults apply."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    event = models.CharField(
        _("event"),
        max_length=32,
        choices=[(ALL_EVENTS, _("Every event")), *Event.choices],
        default=ALL_EVENTS,
    )
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        help_text=_("Any of in_app, email, sms; empty means none."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        ordering = ["user", "event"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.event} → {', '.join(self.channels) or '—'}"

    def clean(self) -> None:
        if not isinstance(self.channels, list) or not all(
            channel in PERSONAL_CHANNELS for channel in self.channels
        ):
            raise DjangoValidationError(
                {"channels": _("Choose among in_app, email and sms.")}, code="invalid"
            )


class ChatRobot(models.Model):
    """A group chat robot (WeCom, DingTalk, Feishu) that receives the events it subscribes to,
    optionally only for one organisation's or one team's cases."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=RobotKind.choices)
    webhook_url = models.URLField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu: the robot's signing secret (加签), if it has one."),
    )
    events = models.JSONField(
        _("events"), default=list, blank=True, help_text=_("Event codes; empty means all.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=LANGUAGES,
        blank=True,
        help_text=_("Empty: the site's default language."),
    )
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("only cases of organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("only cases of team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("chat robot")
        verbose_name_plural = _("chat robots")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not isinstance(self.events, list) or not all(
            event in Event.values for event in self.events
        ):
            raise DjangoValidationError(
                {"events": _('List event codes, e.g. ["escalated", "breached"].')}
            )
        if self.kind == RobotKind.WECOM and self.secret:
            raise DjangoValidationError(
                {"secret": _("WeCom robots are not signed: leave the secret empty.")}
            )
