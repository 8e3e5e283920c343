"""Writes for accounts: roles, users, API tokens."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from aftersales.accounts.models import User
from aftersales.accounts.roles import ADMIN_PERMISSIONS, STAFF, Role
from aftersales.core.errors import NotFound, ValidationError
from aftersales.notifications.choices import Event
from aftersales.notifications.services import notify


def roles_sync(*, using: str = "default") -> None:
    """Create one group per role and give staff groups their admin permissions. Idempotent;
    runs after every migrate."""
    for role in Role:
        group, _created = Group.objects.using(using).get_or_create(name=role.value)
        grants = ADMIN_PERMISSIONS.get(role, {})
        wanted = []
        for app_label, actions in grants.items():
            perms = Permission.objects.using(using).filter(content_type__app_label=app_label)
            wanted.extend(p for p in perms if p.codename.split("_", 1)[0] in actions)
        group.permissions.set(wanted)


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str]) -> User:
    """Give a user exactly these roles. A customer contact holds only the customer role and
    belongs to one organisation; staff hold no organisation."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(
            _("Unknown roles: %(roles)s") % {"roles": ", ".join(sorted(unknown))}, field="roles"
        )
    if Role.CUSTOMER in roles:
        if len(set(roles)) > 1:
            raise ValidationError(
                _("A customer contact cannot hold staff roles."),
                field="roles",
                code="customer_role",
            )
        if user.organisation_id is None:
            raise ValidationError(
                _("A customer contact must belong to an organisation."), field="organisation"
            )
    elif user.organisation_id is not None:
        raise ValidationError(_("Staff do not belong to a customer organisation."), field="roles")
    user.groups.set(Group.objects.filter(name__in=roles))
    user.is_staff = bool(set(roles) & STAFF)
    user.save(update_fields=["is_staff"])
    user.__dict__.pop("roles", None)
    return user


def user_token(*, username: str) -> str:
    """The user's API token, created on first use."""
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise NotFound(
            _("No user named %(username)s.") % {"username": username}, field="username"
        ) from exc
    token, _created = Token.objects.get_or_create(user=user)
    return token.key


def password_reset_send(*, user: User, url: str) -> None:
    """Send a person the link that lets them choose a new password: by email, through the
    notifications outbox (never from inside the request)."""
    with transaction.atomic():
        notify(event=Event.PASSWORD_RESET, recipients=[user], context={"url": url})
