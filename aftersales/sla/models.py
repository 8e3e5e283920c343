from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.cases.choices import CaseType, Severity
from aftersales.sla.choices import DayKind, EventKind, HolidaySource, Metric, Weekday


def default_reminders() -> list[int]:
    return [30, 45]


class Calendar(models.Model):
    """Working time: a time zone, weekly hours, holidays and extra working days."""

    name = models.SlugField(_("name"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    always_open = models.BooleanField(
        _("all time counts (7×24)"),
        default=False,
        help_text=_("Ignore working hours and holidays: every minute counts."),
    )
    holidays = models.CharField(
        _("public holidays"), max_length=8, choices=HolidaySource.choices, default="none"
    )
    builtin = models.BooleanField(_("built in"), default=False, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} – {self.title}"


class WorkingHours(models.Model):
    """One interval of a weekday's working time; a day may have several."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"), help_text=_("00:00 means midnight at the end of the day."))

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")
        ordering = ["calendar", "weekday", "start"]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    # Loaded calendars and policies are kept per process by the parent row's version
    # (sla.selectors): a change here moves that version.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _touch(self)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _touch(self)
        return result


class CalendarDay(models.Model):
    """An administrator's entry of the official arrangement: an extra day off, or a make-up
    working day (调休) on a weekend."""

    calendar = models.ForeignKey(Calendar, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["calendar", "date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="calendar_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()

    # Loaded calendars and policies are kept per process by the parent row's version
    # (sla.selectors): a change here moves that version.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _touch(self)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _touch(self)
        return result


class SlaPolicy(models.Model):
    name = models.SlugField(_("name"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    calendar = models.ForeignKey(
        Calendar, verbose_name=_("calendar"), on_delete=models.PROTECT, related_name="policies"
    )
    is_default = models.BooleanField(
        _("default policy"),
        default=False,
        help_text=_("Used for cases whose contract names no policy."),
    )
    pause_when_waiting_customer = models.BooleanField(
        _("pause clocks while waiting on the customer"), default=True
    )
    reminder_minutes = models.JSONField(
        _("reminders of an unanswered assignment (minutes)"), default=default_reminders
    )
    auto_reassign = models.BooleanField(
        _("reassign automatically at the last reminder"), default=False
    )
    ladder_by_team = models.BooleanField(
        _("escalate to managers of the case's team only"), default=False
    )
    ladder_by_region = models.BooleanField(
        _("escalate to managers of the case's region only"), default=False
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_policy"
            )
        ]

    def __str__(self) -> str:
        return self.title


class SlaTarget(models.Model):
    """How long one metric may take. The most specific row matching a case wins: case type
    first, then warranty, then the general row."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices)
    severity = models.CharField(_("severity"), max_length=2, choices=Severity.choices)
    case_type = models.CharField(
        _("case type"), max_length=16, choices=CaseType.choices, blank=True
    )
    in_warranty = models.BooleanField(
        _("in warranty"), null=True, blank=True, help_text=_("Empty: any asset.")
    )
    minutes = models.PositiveIntegerField(_("minutes of calendar time"))

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "metric", "severity", "case_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "metric", "severity", "case_type", "in_warranty"],
                name="sla_target_unique",
            ),
            models.UniqueConstraint(
                fields=["policy", "metric", "severity", "case_type"],
                condition=Q(in_warranty__isnull=True),
                name="sla_target_unique_any_warranty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.severity}: {self.minutes} min"

    # Loaded calendars and policies are kept per process by the parent row's version
    # (sla.selectors): a change here moves that version.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _touch(self)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _touch(self)
        return result


class EscalationStep(models.Model):
    """A rung of the ladder: after this much time without a confirmed cause, tell the managers
    of this level."""

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="ladder")
    severity = models.CharField(_("severity"), max_length=2, choices=Severity.choices)
    after_minutes = models.PositiveIntegerField(_("after (minutes)"))
    level = models.PositiveSmallIntegerField(
        _("manager level"), choices=[(i, str(i)) for i in range(1, 6)]
    )

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["policy", "severity", "after_minutes"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "severity", "level"], name="escalation_step_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.severity} +{self.after_minutes} min → L{self.level}"

    # Loaded calendars and policies are kept per process by the parent row's version
    # (sla.selectors): a change here moves that version.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _touch(self)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        _touch(self)
        return result


class DutyShift(models.Model):
    """Who is on duty for a manager level at a time. Where shifts exist for a level, a step
    goes to those on duty then; otherwise to every holder of the level."""

    level = models.PositiveSmallIntegerField(
        _("manager level"), choices=[(i, str(i)) for i in range(1, 6)]
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.CASCADE
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["level", "starts_at"]
        indexes = [models.Index(fields=["level", "starts_at", "ends_at"], name="duty_shift_window")]

    def __str__(self) -> str:
        return f"L{self.level} {self.user} {self.starts_at:%Y-%m-%d %H:%M}"


class CaseClock(models.Model):
    """One target of one case: counted in the policy's calendar from the report."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="clocks")
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"))
    target_minutes = models.PositiveIntegerField(_("target (minutes)"), null=True, blank=True)
    paused_minutes = models.FloatField(_("paused (minutes)"), default=0)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    breached = models.BooleanField(_("breached"), default=False)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case clock")
        verbose_name_plural = _("case clocks")
        ordering = ["case", "metric"]
        constraints = [models.UniqueConstraint(fields=["case", "metric"], name="case_clock_unique")]
        indexes = [
            models.Index(
                fields=["due_at"], name="clock_running_due", condition=Q(met_at__isnull=True)
            ),
            models.Index(fields=["case"], name="clock_breached", condition=Q(breached=True)),
            # Breaches by day and week (the manager's page).
            models.Index(
                fields=["breached_at"], name="clock_breached_at", condition=Q(breached=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.metric}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None


class SlaEvent(models.Model):
    """Something due at a time: a reminder, an escalation step, a breach. The sweep fires each
    exactly once. `due_at` is empty while the case's clocks are paused."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="sla_events")
    kind = models.CharField(_("kind"), max_length=12, choices=EventKind.choices)
    metric = models.CharField(_("metric"), max_length=12, choices=Metric.choices, blank=True)
    level = models.PositiveSmallIntegerField(_("level or reminder number"), null=True)
    base_at = models.DateTimeField(_("counted from"))
    offset_minutes = models.FloatField(_("after (minutes of calendar time)"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    fired_at = models.DateTimeField(_("fired at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        ordering = ["due_at"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="sla_event_pending_due",
                condition=Q(fired_at__isnull=True, cancelled_at__isnull=True, due_at__isnull=False),
            ),
            models.Index(
                fields=["case"],
                name="sla_event_pending_case",
                condition=Q(fired_at__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.level or ''} @ {self.due_at}"

    @property
    def is_pending(self) -> bool:
        return self.fired_at is None and self.cancelled_at is None


def _touch(row) -> None:
    """Move the version of the calendar or policy a row belongs to."""
    at = timezone.now()
    if hasattr(row, "calendar_id"):
        Calendar.objects.filter(pk=row.calendar_id).update(updated_at=at)
    if hasattr(row, "policy_id"):
        SlaPolicy.objects.filter(pk=row.policy_id).update(updated_at=at)
