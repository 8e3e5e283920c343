from django.db import models
from django.utils.translation import gettext_lazy as _


class TeamKind(models.TextChoices):
    ONSITE = "onsite", _("On-site team")
    SERVICE_CENTRE = "service_centre", _("Service centre")
    APPLICATION = "application", _("Application division")
    VENDOR_LIAISON = "vendor_liaison", _("Vendor liaison")
    SPARE_PARTS = "spare_parts", _("Spare-parts desk")
    OTHER = "other", _("Other")
