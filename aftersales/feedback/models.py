from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.customers.choices import MaintenanceFrequency
from aftersales.feedback.choices import RevisitKind, RevisitOutcome, SurveyState


class Survey(models.Model):
    """The satisfaction survey sent to the customer when a case closes: a link with a token
    of its own (only its hash is kept), usable once until it expires. The answer is also a
    public entry of the case's timeline."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="surveys"
    )
    # Copied from the case when sent, so that reports group answers without joining cases,
    # and by the engineer who owned the case then, whoever owns it later.
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    engineer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engineer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent to"),
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=10)
    case_closed_at = models.DateTimeField(_("case closed at"))
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    follow_up = models.ForeignKey(
        "cases.Case",
        verbose_name=_("follow-up case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="survey_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, rating__isnull=True)
                | Q(answered_at__isnull=False, rating__isnull=False),
                name="survey_answer_has_rating",
            ),
        ]
        indexes = [
            models.Index(
                fields=["answered_at"],
                name="survey_answered",
                condition=Q(answered_at__isnull=False),
            ),
            models.Index(fields=["organisation", "answered_at"], name="survey_org_answered"),
            models.Index(fields=["engineer", "answered_at"], name="survey_engineer_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.recipient_id}"

    def state_at(self, moment) -> SurveyState:
        if self.answered_at is not None:
            return SurveyState.ANSWERED
        if self.expires_at <= moment:
            return SurveyState.EXPIRED
        return SurveyState.OPEN


class RevisitPlan(models.Model):
    """How a contract's customer is called back (回访): after each closed case, and
    periodically. A contract without a plan follows the defaults: a call a few days after
    each closing (FEEDBACK_REVISIT_AFTER_CLOSE_DAYS), and one per period of its periodic
    maintenance."""

    contract = models.OneToOneField(
        "customers.ServiceContract",
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="revisit_plan",
    )
    after_close = models.BooleanField(_("call back after each closed case"), default=True)
    after_close_days = models.PositiveSmallIntegerField(
        _("days after closing"),
        null=True,
        blank=True,
        help_text=_("Empty: the default (FEEDBACK_REVISIT_AFTER_CLOSE_DAYS)."),
    )
    frequency = models.CharField(
        _("periodic revisits"),
        max_length=12,
        choices=MaintenanceFrequency.choices,
        blank=True,
        help_text=_("Empty: as often as the contract's periodic maintenance."),
    )

    class Meta:
        verbose_name = _("revisit plan")
        verbose_name_plural = _("revisit plans")
        ordering = ["contract"]

    def __str__(self) -> str:
        return str(self.contract)


class Revisit(models.Model):
    """A follow-up call (回访) the service desk owes a customer: after a closed case, once a
    period of a contract, or scheduled by hand. Open until its outcome is recorded; a call
    that did not reach the customer may be tried again later."""

    kind = models.CharField(_("kind"), max_length=12, choices=RevisitKind.choices)
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="revisits",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisits",
    )
    contract = models.ForeignKey(
        "customers.ServiceContract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisits",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("whom to call"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_at = models.DateTimeField(_("due at"))
    # What makes the revisit unique: the closing it follows, or the period's date.
    case_closed_at = models.DateTimeField(_("case closed at"), null=True, blank=True)
    scheduled_for = models.DateField(_("scheduled for"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    attempts = models.PositiveSmallIntegerField(_("calls"), default=0)
    calls = models.JSONField(
        _("call log"),
        default=list,
        blank=True,
        help_text=_("One item per call: when, who, reached, satisfied, notes."),
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=RevisitOutcome.choices, blank=True
    )
    satisfied = models.BooleanField(_("customer satisfied"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    complaint = models.ForeignKey(
        "cases.Case",
        verbose_name=_("complaint case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("revisit")
        verbose_name_plural = _("revisits")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "case_closed_at"],
                condition=Q(kind=RevisitKind.AFTER_CLOSE),
                name="revisit_once_per_closing",
            ),
            models.UniqueConstraint(
                fields=["contract", "scheduled_for"],
                condition=Q(kind=RevisitKind.PERIODIC),
                name="revisit_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(done_at__isnull=True, outcome="")
                | (Q(done_at__isnull=False) & ~Q(outcome="")),
                name="revisit_done_has_outcome",
            ),
        ]
        indexes = [
            # The desk's lists: open revisits by due time, done ones newest first.
            models.Index(
                fields=["due_at"], name="revisit_open_due", condition=Q(done_at__isnull=True)
            ),
            models.Index(
                fields=["-done_at"],
                name="revisit_done_recent",
                condition=Q(done_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.organisation_id} {self.due_at:%Y-%m-%d}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
