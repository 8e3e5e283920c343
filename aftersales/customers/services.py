"""Writes to customer records. Staff at the service desk (dispatchers, managers,
administrators) keep them; everyone else reads."""

import datetime as dt

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import DESK, MANAGERS, Role
from aftersales.core.clock import now
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.customers import selectors
from aftersales.customers.models import Asset, AssetLink, Organisation
from aftersales.notifications.choices import Event
from aftersales.notifications.services import Notification, notify_many


def _require_desk(actor: User) -> None:
    if actor.is_customer or not (actor.roles & DESK):
        raise Forbidden(_("Only the service desk keeps customer records."), code="not_permitted")


def _full_clean(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ValidationError(messages[0], field=None if field == "__all__" else field) from exc


@transaction.atomic
def record_save(*, actor: User, instance: models.Model, **fields) -> models.Model:
    """Create or update a customer record (organisation, contact, site, project, contract,
    asset, asset link) after checking the actor's right and the record's consistency."""
    _require_desk(actor)
    for name, value in fields.items():
        setattr(instance, name, value)
    if isinstance(instance, Asset):
        if instance.model_id:
            instance.vendor_id = instance.model.vendor_id
        if instance.site_id and not instance.organisation_id:
            instance.organisation_id = instance.site.organisation_id
    _full_clean(instance)
    instance.save()
    return instance


@transaction.atomic
def organisation_archive(*, actor: User, organisation: Organisation) -> Organisation:
    """Organisations are never deleted: archived, they take no new cases."""
    _require_desk(actor)
    if organisation.is_archived:
        raise Conflict(_("This organisation is already archived."))
    organisation.archived_at = now()
    organisation.save(update_fields=["archived_at"])
    return organisation


@transaction.atomic
def asset_archive(*, actor: User, asset: Asset) -> Asset:
    _require_desk(actor)
    if asset.is_archived:
        raise Conflict(_("This asset is already archived."))
    asset.archived_at = now()
    asset.save(update_fields=["archived_at"])
    return asset


def asset_link_delete(*, actor: User, link: AssetLink) -> None:
    _require_desk(actor)
    link.delete()


# --- reminders (the worker's daily job) ----------------------------------------------------


def _reminded_staff() -> list[User]:
    """Who hears about expiring contracts and warranties: dispatchers and managers."""
    return list(
        User.objects.filter(
            is_active=True,
            organisation=None,
            pk__in=User.objects.filter(groups__name__in=[Role.DISPATCHER, *MANAGERS]).values("pk"),
        ).order_by("pk")
    )


def _primary_contacts(organisation_ids: set[int]) -> dict[int, list[User]]:
    """The accounts of organisations' primary contacts, by organisation."""
    found: dict[int, list[User]] = {}
    users = User.objects.filter(
        is_active=True,
        organisation_id__in=organisation_ids,
        contact__is_primary=True,
        contact__is_active=True,
    ).order_by("pk")
    for user in users:
        found.setdefault(user.organisation_id, []).append(user)
    return found


def expiry_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind dispatchers and managers (and, for contracts, the customer's primary contact)
    of service contracts and asset warranties ending in 60, 30 and 7 days. Safe to run any
    number of times: each (record, end date, threshold) is told once. Returns the number of
    messages written."""
    today = today or timezone.localdate(now())
    staff = _reminded_staff()
    contracts = selectors.contracts_expiring(today=today)
    warranties = selectors.warranties_expiring(today=today)
    contacts = _primary_contacts({c.contract.organisation_id for c in contracts})
    items = [
        Notification(
            event=Event.CONTRACT_EXPIRING,
            recipients=[*staff, *contacts.get(e.contract.organisation_id, [])],
            context={
                "organisation": e.contract.organisation.name,
                "contract": {
                    "number": e.contract.number,
                    "name": e.contract.name,
                    "end_date": e.contract.end_date,
                },
                "days": e.days,
                "threshold": e.threshold,
            },
            dedupe_key=f"contract_expiring:{e.contract.pk}:{e.contract.end_date}:{e.threshold}",
        )
        for e in contracts
    ]
    items += [
        Notification(
            event=Event.WARRANTY_EXPIRING,
            recipients=staff,
            context={
                "organisation": w.organisation.name,
                "contract": w.contract.number,
                "warranty_end": w.warranty_end,
                "days": w.days,
                "threshold": w.threshold,
                "count": len(w.assets),
                "assets": [
                    {
                        "name": asset.name or asset.model.name,
                        "model": str(asset.model),
                        "serial_number": asset.serial_number,
                        "site": asset.site.name,
                    }
                    for asset in w.assets[: selectors.WARRANTY_LISTED]
                ],
                "more": max(len(w.assets) - selectors.WARRANTY_LISTED, 0),
            },
            dedupe_key=(
                f"warranty_expiring:{w.organisation.pk}:{w.contract.pk}:{w.warranty_end}"
                f":{w.threshold}"
            ),
        )
        for w in warranties
    ]
    return notify_many(items)
