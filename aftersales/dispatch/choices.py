from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    EN_ROUTE = "en_route", _("En route")
    ON_SITE = "on_site", _("On site")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


# A visit still to happen or happening: what counts in an engineer's day.
ACTIVE = frozenset({VisitStatus.SCHEDULED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE})


class VisitResult(models.TextChoices):
    FIXED = "fixed", _("Fixed")
    NEEDS_PARTS = "needs_parts", _("Needs parts")
    NEEDS_VENDOR = "needs_vendor", _("Needs the vendor")
    NEEDS_VISIT = "needs_visit", _("Needs another visit")


class SignatureRole(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    ENGINEER = "engineer", _("Engineer")


class DocumentKind(models.TextChoices):
    """Documents of a case made on demand from the case page."""

    DIAGNOSIS = "diagnosis", _("Fault diagnosis report")
    MAJOR_FAULT = "major_fault", _("Major-fault analysis report")


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
