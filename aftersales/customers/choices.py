from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What a fault is about: an asset category, or a service area where no asset is named."""

    CAMERA = "camera", _("Camera")
    NVR = "nvr", _("NVR / DVR")
    VIDEO_PLATFORM = "video_platform", _("Video platform")
    DISPLAY = "display", _("Display / video wall")
    SWITCH = "switch", _("Switch")
    ROUTER = "router", _("Router")
    FIREWALL = "firewall", _("Firewall")
    WIRELESS = "wireless", _("Wireless")
    SERVER = "server", _("Server")
    STORAGE = "storage", _("Storage")
    WORKSTATION = "workstation", _("Workstation")
    UPS = "ups", _("UPS / power")
    CABLING = "cabling", _("Cabling / fibre")
    SOFTWARE = "software", _("Software")
    NETWORK = "network", _("Network service")
    APPLICATION = "application", _("Application system")
    OTHER = "other", _("Other")


class MaintenanceFrequency(models.TextChoices):
    NONE = "none", _("None")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    YEARLY = "yearly", _("Yearly")


class ContractCoverage(models.TextChoices):
    WARRANTY = "warranty", _("In warranty")
    PAID = "paid", _("Paid maintenance")


class AssetLinkKind(models.TextChoices):
    UPLINK = "uplink", _("Uplink (network)")
    RECORDS_TO = "records_to", _("Records to")
    POWERED_BY = "powered_by", _("Powered by")
    RUNS_ON = "runs_on", _("Runs on")
    OTHER = "other", _("Other")
