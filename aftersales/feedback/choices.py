from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyState(models.TextChoices):
    OPEN = "open", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")
    EXPIRED = "expired", _("Expired unanswered")


class RevisitKind(models.TextChoices):
    AFTER_CLOSE = "after_close", _("After a closed case")
    PERIODIC = "periodic", _("Periodic (contract)")
    MANUAL = "manual", _("Scheduled by hand")


class RevisitOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NOT_REACHED = "not_reached", _("Not reached")
    CANCELLED = "cancelled", _("Cancelled")


class RevisitView(models.TextChoices):
    """The revisit lists of the workspace and the API."""

    TODAY = "today", _("Due today")
    OVERDUE = "overdue", _("Overdue")
    UPCOMING = "upcoming", _("Upcoming")
    DONE = "done", _("Done")


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week")
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class SatisfactionBy(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    ENGINEER = "engineer", _("Engineer")


RATINGS = (1, 2, 3, 4, 5)
