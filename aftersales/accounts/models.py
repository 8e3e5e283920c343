from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.choices import TeamKind
from aftersales.accounts.roles import ENGINEERS, MANAGER_LEVELS, MANAGERS, STAFF, Role


class Region(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent region"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Skill(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Staff and customer contacts alike. A customer contact has an organisation, and only one;
    staff have none. Roles are the groups named after `Role` codes."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    organisation = models.ForeignKey(
        "customers.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        help_text=_("Set for customer contacts only: the one organisation whose records they see."),
    )
    contact = models.OneToOneField(
        "customers.Contact",
        verbose_name=_("contact record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="user",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    skills = models.ManyToManyField(Skill, verbose_name=_("skills"), blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
    )
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk or not self.is_active:
            return frozenset()
        if (
            hasattr(self, "_prefetched_objects_cache")
            and "groups" in self._prefetched_objects_cache
        ):
            names = {group.name for group in self.groups.all()}
        else:
            names = set(self.groups.values_list("name", flat=True))
        return frozenset(names & set(Role.values))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def is_customer(self) -> bool:
        return self.organisation_id is not None

    @property
    def is_service_staff(self) -> bool:
        return not self.is_customer and bool(self.roles & STAFF)

    @property
    def is_manager(self) -> bool:
        return bool(self.roles & MANAGERS)

    @property
    def is_engineer(self) -> bool:
        return bool(self.roles & ENGINEERS)

    @property
    def manager_levels(self) -> list[int]:
        return sorted(level for level, role in MANAGER_LEVELS.items() if role in self.roles)


class Team(models.Model):
    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    members = models.ManyToManyField(
        User, verbose_name=_("members"), blank=True, related_name="teams"
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
