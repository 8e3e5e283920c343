from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.audit.chain import GENESIS
from aftersales.cases.choices import (
    OPEN,
    PERSONAL_KINDS,
    UNFINISHED,
    CaseType,
    Cause,
    Channel,
    Confirmation,
    EntryKind,
    Severity,
    Status,
    Visibility,
)
from aftersales.core.models import ArchivableModel
from aftersales.customers.choices import Category


class ImmutableError(Exception):
    pass


def status_rank():
    """A case's state as its place in the workflow (new 0 … cancelled 9): what the case list
    sorts by, served by the index case_status_rank (the query's expression must be this one,
    character for character, for the database to use it)."""
    return models.Case(
        *[
            models.When(status=value, then=models.Value(rank))
            for rank, value in enumerate(Status.values)
        ],
        default=models.Value(len(Status.values)),
        output_field=models.IntegerField(),
    )


class Case(ArchivableModel):
    """The unit of tracking (Case / 工单). Its status changes only through cases.services."""

    number = models.CharField(_("number"), max_length=24, unique=True)
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    contract = models.ForeignKey(
        "customers.ServiceContract",
        verbose_name=_("contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    site = models.ForeignKey(
        "customers.Site", verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT
    )
    project = models.ForeignKey(
        "customers.Project",
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # The caller as they gave themselves on the day, kept even if the contact record changes.
    caller_name = models.CharField(_("caller"), max_length=100, blank=True)
    caller_organisation = models.CharField(_("caller's organisation"), max_length=200, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=32, blank=True)
    caller_email = models.EmailField(_("caller's email"), blank=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    assets = models.ManyToManyField(
        "customers.Asset", verbose_name=_("assets"), blank=True, related_name="cases"
    )
    case_type = models.CharField(
        _("case type"), max_length=16, choices=CaseType.choices, default=CaseType.FAULT
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    vendor = models.ForeignKey(
        "customers.Vendor",
        verbose_name=_("vendor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    severity = models.CharField(_("severity"), max_length=2, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW, editable=False
    )

    reported_at = models.DateTimeField(_("reported at"))
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="expert_cases",
    )

    cause = models.CharField(_("cause"), max_length=16, choices=Cause.choices, blank=True)
    diagnosis = models.TextField(_("diagnosis"), blank=True)
    cause_confirmed_at = models.DateTimeField(_("cause confirmed at"), null=True, blank=True)
    solution = models.TextField(_("solution"), blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirm_deadline = models.DateTimeField(
        _("confirmation deadline"), null=True, blank=True, db_index=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmation = models.CharField(
        _("confirmation"), max_length=10, choices=Confirmation.choices, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    master = models.ForeignKey(
        "self",
        verbose_name=_("master incident"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("follow-up of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )

    # Head of this case's timeline hash chain, kept here so appending needs no extra read.
    timeline_head = models.CharField(max_length=64, default=GENESIS, editable=False)
    timeline_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["organisation", "-id"], name="case_org_recent"),
            models.Index(fields=["status", "-id"], name="case_status_recent"),
            models.Index(fields=["assignee", "status"], name="case_assignee_status"),
            # Each engineer's open cases, counted for every engineer on each caller lookup
            # (engineer_workload): ~80 entries per engineer here, not their whole history.
            models.Index(
                fields=["assignee"], name="case_assignee_open", condition=Q(status__in=OPEN)
            ),
            models.Index(fields=["reported_at"], name="case_reported"),
            models.Index(fields=["created_at"], name="case_created"),
            # The case list's sorts, paged by (column, id) without counting.
            models.Index(fields=["updated_at", "id"], name="case_updated"),
            models.Index(fields=["severity", "id"], name="case_severity"),
            models.Index(status_rank(), models.F("id"), name="case_status_rank"),
            models.Index(
                fields=["team", "-id"], name="case_team_open", condition=Q(status__in=OPEN)
            ),
            models.Index(
                fields=["-id"], name="case_unfinished", condition=Q(status__in=UNFINISHED)
            ),
            # The reports (reports.selectors): one organisation's cases reported, or resolved,
            # in a period, read from the index alone (PostgreSQL; other databases ignore
            # `include` and skip these).
            models.Index(
                fields=["organisation", "reported_at"],
                include=[
                    "id",
                    "case_type",
                    "status",
                    "master",
                    "severity",
                    "cause",
                    "category",
                    "vendor",
                    "site",
                    "project",
                    "team",
                    "resolved_at",
                ],
                name="case_report_reported",
            ),
            models.Index(
                fields=["organisation", "resolved_at"],
                include=["id", "case_type", "status", "master", "project", "team", "resolved_by"],
                name="case_report_resolved",
                condition=Q(resolved_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class CaseCounter(models.Model):
    """Case numbers on SQLite (PostgreSQL uses a sequence): one row, bumped inside the
    creating transaction, which SQLite's single writer serialises."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class TimelineEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableError("Timeline entries are never updated.")

    def delete(self):
        raise ImmutableError("Timeline entries are never deleted.")

    update.queryset_only = True  # type: ignore[attr-defined]
    delete.queryset_only = True  # type: ignore[attr-defined]


class TimelineEntry(models.Model):
    """One entry of a case's append-only timeline. Content lives in TimelineContent so that an
    administrator can redact it; the entry itself, with its digest and chain hash, never changes
    (a database trigger refuses UPDATE and DELETE)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="timeline"
    )
    seq = models.PositiveIntegerField(_("sequence"))
    # An EntryKind value; no choices here, so that apps adding kinds need no migration.
    kind = models.CharField(_("kind"), max_length=24)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))
    digest = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64)

    objects = TimelineEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["case", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["case", "seq"], name="timeline_seq_unique_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.seq} {self.kind}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableError("Timeline entries are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableError("Timeline entries are never deleted.")

    def get_kind_display(self) -> str:
        try:
            return str(EntryKind(self.kind).label)
        except ValueError:
            return self.kind

    @property
    def is_system(self) -> bool:
        return self.kind not in PERSONAL_KINDS

    @property
    def body(self) -> str:
        content = getattr(self, "content", None)
        return content.body if content else ""

    @property
    def data(self) -> dict:
        content = getattr(self, "content", None)
        return content.data if content else {}

    @property
    def is_redacted(self) -> bool:
        return getattr(self, "content", None) is None


class TimelineContent(models.Model):
    """What an entry says. Removed only by redaction, which leaves the entry's digest behind."""

    entry = models.OneToOneField(
        TimelineEntry, primary_key=True, on_delete=models.PROTECT, related_name="content"
    )
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline content")
        verbose_name_plural = _("timeline contents")

    def __str__(self) -> str:
        return f"content of entry {self.entry_id}"


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.case_id}/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file on a case. Never served from MEDIA_URL: downloads go through a view that checks
    the reader's right to the case and to the entry's visibility."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments"
    )
    entry = models.OneToOneField(
        TimelineEntry,
        verbose_name=_("timeline entry"),
        on_delete=models.PROTECT,
        related_name="attachment",
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class Consultation(models.Model):
    """A call answered on the spot (咨询登记). Turned into a case when not resolved on the call
    or when the caller is not satisfied."""

    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    caller_name = models.CharField(_("caller"), max_length=100)
    caller_phone = models.CharField(_("caller's phone"), max_length=32, blank=True)
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.PHONE
    )
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"), blank=True)
    resolved = models.BooleanField(_("resolved on the call"), default=True)
    satisfied = models.BooleanField(_("caller satisfied"), default=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("time"))
    case = models.OneToOneField(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation",
    )

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.caller_name}: {self.question[:40]}"
