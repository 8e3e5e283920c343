from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.customers.choices import Category
from aftersales.dispatch.choices import ACTIVE, SignatureRole, VisitResult, VisitStatus


class CategorySkill(models.Model):
    """Which skill a fault of a category needs: a case's category and its assets' categories
    name what is broken, an engineer's skills (accounts.Skill) what they can fix. A skill
    whose code is a category's value (e.g. "camera") matches that category without a row."""

    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    skill = models.ForeignKey(
        "accounts.Skill",
        verbose_name=_("skill"),
        on_delete=models.CASCADE,
        related_name="categories",
    )

    class Meta:
        verbose_name = _("skill for a category")
        verbose_name_plural = _("skills for categories")
        ordering = ["category", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["category", "skill"], name="category_skill_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.skill}"


def _signature_path(instance: "Visit", filename: str) -> str:
    return f"signatures/{instance.case_id}/{instance.pk}/{filename}"


class Visit(models.Model):
    """An on-site visit (上门服务) of one engineer for one case. Its status changes only
    through dispatch.services, by the moves in dispatch.transitions."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="visits"
    )
    seq = models.PositiveSmallIntegerField(_("visit number on the case"))
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=VisitStatus.choices,
        default=VisitStatus.SCHEDULED,
        editable=False,
    )
    window_start = models.DateTimeField(_("expected from"))
    window_end = models.DateTimeField(_("expected until"))
    purpose = models.TextField(_("what to do"), blank=True)
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_at = models.DateTimeField(_("scheduled at"))

    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("why cancelled"), blank=True)
    # Where the engineer's phone was on arrival, with their consent.
    arrival_latitude = models.DecimalField(
        _("arrival latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    arrival_longitude = models.DecimalField(
        _("arrival longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    arrival_accuracy_m = models.FloatField(_("position accuracy (m)"), null=True, blank=True)

    fault_found = models.TextField(_("fault found"), blank=True)
    work_done = models.TextField(_("work done"), blank=True)
    result = models.CharField(_("result"), max_length=12, choices=VisitResult.choices, blank=True)
    minutes_spent = models.PositiveIntegerField(_("time spent (minutes)"), null=True, blank=True)

    customer_signature = models.FileField(
        _("customer's signature"), upload_to=_signature_path, max_length=200, blank=True
    )
    customer_signer = models.CharField(_("customer's printed name"), max_length=100, blank=True)
    customer_signed_at = models.DateTimeField(_("customer signed at"), null=True, blank=True)
    engineer_signature = models.FileField(
        _("engineer's signature"), upload_to=_signature_path, max_length=200, blank=True
    )
    engineer_signer = models.CharField(_("engineer's printed name"), max_length=100, blank=True)
    engineer_signed_at = models.DateTimeField(_("engineer signed at"), null=True, blank=True)

    report = models.OneToOneField(
        "cases.Attachment",
        verbose_name=_("service report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-window_start", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="visit_seq_unique_per_case"),
            models.CheckConstraint(
                condition=Q(window_end__gt=models.F("window_start")),
                name="visit_window_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["engineer", "window_start"],
                name="visit_engineer_active",
                condition=Q(status__in=ACTIVE),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The service report's number: the case's, and the visit's on the case."""
        return f"{self.case.number}-{self.seq}"

    def signature(self, role: str):
        return (
            self.customer_signature if role == SignatureRole.CUSTOMER else self.engineer_signature
        )

    @property
    def is_signed(self) -> bool:
        return bool(self.customer_signed_at and self.engineer_signed_at)


class VisitLogEntry(models.Model):
    """One line of the engineer's work log, sent from the phone. `client_id` is made on the
    phone, so a retried send never writes the line twice."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="log"
    )
    client_id = models.UUIDField(_("client id"), unique=True)
    body = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"))
    created_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("work log entry")
        verbose_name_plural = _("work log")
        ordering = ["visit", "written_at", "id"]

    def __str__(self) -> str:
        return self.body[:40]


class VisitPhoto(models.Model):
    """A photo taken on site: the file is an attachment of the case (internal)."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="photos"
    )
    client_id = models.UUIDField(_("client id"), unique=True)
    attachment = models.OneToOneField(
        "cases.Attachment", verbose_name=_("file"), on_delete=models.PROTECT, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken at"))

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit", "taken_at", "id"]

    def __str__(self) -> str:
        return str(self.attachment_id)


class VisitRequest(models.Model):
    """A request from the engineer's phone already applied: a retry with the same client id
    (the phone lost the answer, not the request) changes nothing."""

    client_id = models.UUIDField(_("client id"), primary_key=True)
    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("action"), max_length=16)
    created_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("applied request")
        verbose_name_plural = _("applied requests")

    def __str__(self) -> str:
        return f"{self.action} {self.client_id}"


class VisitLeftover(models.Model):
    """An issue left open by a visit (遗留问题): listed on the report, followed by a case."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="leftovers"
    )
    description = models.TextField(_("description"))
    follow_up = models.OneToOneField(
        "cases.Case",
        verbose_name=_("follow-up case"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("leftover issue")
        verbose_name_plural = _("leftover issues")
        ordering = ["visit", "id"]

    def __str__(self) -> str:
        return self.description[:40]
