from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    RESPONSE = "response", _("First response")
    ONSITE = "onsite", _("On-site arrival")
    CAUSE = "cause", _("Cause confirmed")
    RESOLUTION = "resolution", _("Resolution")


class HolidaySource(models.TextChoices):
    NONE = "none", _("None (only the days entered here)")
    CHINA = "cn", _("China's statutory holidays and make-up working days")


class DayKind(models.TextChoices):
    OFF = "off", _("Day off")
    WORKING = "working", _("Working day (make-up, 调休)")


class EventKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder of an unanswered assignment")
    REASSIGN = "reassign", _("Automatic reassignment")
    ESCALATION = "escalation", _("Escalation step")
    BREACH = "breach", _("Breach")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
