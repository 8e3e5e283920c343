from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a notification is about. Other apps name these when they call `notify`."""

    ASSIGNED = "assigned", _("Case assigned to you")
    REMINDER = "reminder", _("Response reminder")
    REASSIGNED = "reassigned", _("Case reassigned away from you")
    ESCALATED = "escalated", _("Case escalated")
    BREACHED = "breached", _("Service target breached")
    TRANSFERRED = "transferred", _("Case transferred to you")
    EXPERT = "expert", _("Expert help requested")
    RESOLVED = "resolved", _("Case resolved")
    CONFIRMED = "confirmed", _("Resolution confirmed")
    REJECTED = "rejected", _("Resolution rejected")
    CLOSED = "closed", _("Case closed")
    REOPENED = "reopened", _("Case reopened")
    CONTRACT_EXPIRING = "contract_expiring", _("Service contract expiring")
    WARRANTY_EXPIRING = "warranty_expiring", _("Asset warranty expiring")
    VISIT_SCHEDULED = "visit_scheduled", _("On-site visit scheduled")
    VISIT_RESCHEDULED = "visit_rescheduled", _("On-site visit rescheduled")
    VISIT_CANCELLED = "visit_cancelled", _("On-site visit cancelled")
    VISIT_REPORT = "visit_report", _("Service report of a visit")
    PASSWORD_RESET = "password_reset", _("Password reset")
    SURVEY = "survey", _("Satisfaction survey")
    COMPLAINTS_RISING = "complaints_rising", _("Complaints rising")
    STOCK_LOW = "stock_low", _("Spare part below its minimum level")
    RMA_OPENED = "rma_opened", _("Replacement to ship (RMA)")
    RMA_SHIPPED = "rma_shipped", _("Replacement part shipped")
    RMA_RETURN_DUE = "rma_return_due", _("Faulty part due back")
    RMA_RETURN_OVERDUE = "rma_return_overdue", _("Faulty part return overdue")
    RMA_OVERDUE = "rma_overdue", _("RMA deadline missed")
    LOAN_DUE = "loan_due", _("Loaner due back")
    LOAN_OVERDUE = "loan_overdue", _("Loaner overdue")
    TEST = "test", _("Test message")


class Channel(models.TextChoices):
    """How an outbox message leaves."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WECOM = "wecom", _("WeCom robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    FEISHU = "feishu", _("Feishu robot")


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")
    FEISHU = "feishu", _("Feishu (飞书)")


class TemplateChannel(models.TextChoices):
    """Templates are written per person channel, and once for all chat robots."""

    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ROBOT = "robot", _("Chat robots")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    DEAD = "dead", _("Dead (gave up)")


# The channels a person can choose for themselves; robots are configured by administrators.
PERSONAL_CHANNELS = (Channel.IN_APP, Channel.EMAIL, Channel.SMS)
ROBOT_CHANNELS = frozenset({Channel.WECOM, Channel.DINGTALK, Channel.FEISHU})
# A person who sets no preference gets these.
DEFAULT_CHANNELS = (Channel.IN_APP, Channel.EMAIL)
# Events urgent enough for an SMS by default (the spec: "notified by email and SMS").
SMS_EVENTS = frozenset(
    {
        Event.ASSIGNED,
        Event.REMINDER,
        Event.ESCALATED,
        Event.BREACHED,
        # A visit's time window matters to the engineer and to whoever opens the door.
        Event.VISIT_SCHEDULED,
        Event.VISIT_RESCHEDULED,
        Event.VISIT_CANCELLED,
    }
)
# Events about one person's account: email only by default, never to a group robot.
PRIVATE_EVENTS = frozenset({Event.PASSWORD_RESET})
# Events carrying one person's link (a survey's, usable once): never to a group robot.
PERSONAL_LINK_EVENTS = frozenset({Event.SURVEY})
# A preference for every event.
ALL_EVENTS = "*"
# Languages templates are written in (settings.LANGUAGES, fixed here for the migrations).
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# What a missing template falls back to.
FALLBACK_LANGUAGE = "en"
