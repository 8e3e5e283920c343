import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.core.clock import now
from aftersales.core.models import ArchivableModel
from aftersales.customers.choices import (
    AssetLinkKind,
    Category,
    ContractCoverage,
    MaintenanceFrequency,
)


def _same_organisation(owner_id, **related) -> None:
    """Raise a field error for every related record that belongs to another organisation."""
    errors = {
        field: _("This belongs to another organisation.")
        for field, obj in related.items()
        if obj is not None and owner_id is not None and obj.organisation_id != owner_id
    }
    if errors:
        raise DjangoValidationError(errors)


class Organisation(ArchivableModel):
    """A customer organisation (客户单位). Never deleted, only archived."""

    code = models.SlugField(
        _("customer code"),
        max_length=32,
        unique=True,
        help_text=_("Short code callers quote, e.g. HDGA."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Contact(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    name = models.CharField(_("name"), max_length=100, db_index=True)
    title = models.CharField(_("job title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    mobile = models.CharField(_("mobile"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["organisation", "-is_primary", "name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "accounts.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact = models.ForeignKey(
        Contact, verbose_name=_("site contact"), null=True, blank=True, on_delete=models.SET_NULL
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organisation", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _same_organisation(self.organisation_id, contact=self.contact)


class Project(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["organisation", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceContract(models.Model):
    """A service contract (服务合同 / 维护合约): period, warranty, included services."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    coverage = models.CharField(
        _("coverage"),
        max_length=10,
        choices=ContractCoverage.choices,
        default=ContractCoverage.WARRANTY,
    )
    warranty_months = models.PositiveSmallIntegerField(
        _("warranty months"),
        default=36,
        help_text=_("Warranty of the assets it covers, from the day after acceptance."),
    )
    onsite_support = models.BooleanField(_("on-site visits included"), default=True)
    remote_support = models.BooleanField(_("remote support included"), default=True)
    maintenance_frequency = models.CharField(
        _("periodic maintenance"),
        max_length=12,
        choices=MaintenanceFrequency.choices,
        default=MaintenanceFrequency.QUARTERLY,
    )
    trainings_per_year = models.PositiveSmallIntegerField(_("trainings per year"), default=2)
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy",
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
        help_text=_("Empty: the default policy."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("service contract")
        verbose_name_plural = _("service contracts")
        ordering = ["organisation", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="contract_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def clean(self) -> None:
        _same_organisation(self.organisation_id, project=self.project)

    def is_active_on(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date


class Vendor(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    support_phone = models.CharField(_("support phone"), max_length=32, blank=True)
    support_email = models.EmailField(_("support email"), blank=True)

    class Meta:
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssetModel(models.Model):
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, related_name="models"
    )
    name = models.CharField(_("model"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("asset model")
        verbose_name_plural = _("asset models")
        ordering = ["vendor", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="asset_model_unique_per_vendor")
        ]

    def __str__(self) -> str:
        return f"{self.vendor.name} {self.name}"


class Asset(ArchivableModel):
    """An asset / configuration item (设备, 配置项) at a customer's site."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="assets",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="assets"
    )
    model = models.ForeignKey(
        AssetModel, verbose_name=_("model"), on_delete=models.PROTECT, related_name="assets"
    )
    # Copied from the model so the database can hold serials unique per vendor.
    vendor = models.ForeignKey(
        Vendor, verbose_name=_("vendor"), on_delete=models.PROTECT, editable=False
    )
    serial_number = models.CharField(_("serial number"), max_length=100, db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("e.g. 3号摄像头"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    contract = models.ForeignKey(
        ServiceContract,
        verbose_name=_("covering contract"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assets",
    )
    install_date = models.DateField(_("install date"), null=True, blank=True)
    acceptance_date = models.DateField(_("acceptance date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["organisation", "site", "serial_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "serial_number"], name="asset_serial_unique_per_vendor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or self.model.name} [{self.serial_number}]"

    def save(self, *args, **kwargs):
        self.vendor_id = self.model.vendor_id
        if self.site_id and not self.organisation_id:
            self.organisation_id = self.site.organisation_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        _same_organisation(
            self.organisation_id, site=self.site, project=self.project, contract=self.contract
        )

    @property
    def category(self) -> str:
        return self.model.category

    @property
    def warranty_start(self) -> dt.date | None:
        """The day after acceptance sign-off (质保期自验收签字次日开始计算)."""
        if self.acceptance_date is None:
            return None
        return self.acceptance_date + dt.timedelta(days=1)

    @property
    def warranty_end(self) -> dt.date | None:
        """The last day of warranty, included: the day of the final month that corresponds
        to the acceptance day (the month's last day where it has none)."""
        if self.acceptance_date is None or self.contract is None:
            return None
        return self.acceptance_date + relativedelta(months=self.contract.warranty_months)

    def in_warranty(self, on: dt.date | None = None) -> bool:
        start, end = self.warranty_start, self.warranty_end
        if start is None or end is None:
            return False
        day = on or timezone.localdate(now())
        return start <= day <= end


class AssetLink(models.Model):
    """Topology: camera → switch → NVR."""

    source = models.ForeignKey(
        Asset, verbose_name=_("from"), on_delete=models.CASCADE, related_name="links_out"
    )
    target = models.ForeignKey(
        Asset, verbose_name=_("to"), on_delete=models.CASCADE, related_name="links_in"
    )
    kind = models.CharField(
        _("kind"), max_length=12, choices=AssetLinkKind.choices, default=AssetLinkKind.UPLINK
    )

    class Meta:
        verbose_name = _("asset link")
        verbose_name_plural = _("asset links")
        constraints = [
            models.UniqueConstraint(fields=["source", "target", "kind"], name="asset_link_unique"),
            models.CheckConstraint(
                condition=~Q(source=models.F("target")), name="asset_link_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"

    def clean(self) -> None:
        if (
            self.source_id
            and self.target_id
            and self.source.organisation_id != self.target.organisation_id
        ):
            raise DjangoValidationError(
                {"target": _("Linked assets must belong to the same organisation.")}
            )
