"""Reads of customer records, scoped to the reader: a customer contact sees only its own
organisation's records; staff see all; anyone else nothing. The expiry selections at the end
are the worker's: no reader asks them, and nobody sees their result but through a
notification."""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.accounts.roles import STAFF
from aftersales.core.errors import NotFound
from aftersales.core.ids import parse_id
from aftersales.customers.models import (
    Asset,
    AssetLink,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
)


def _scope(queryset: QuerySet, user: User, path: str) -> QuerySet:
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_customer:
        return queryset.filter(**{path: user.organisation_id})
    if user.roles & STAFF:
        return queryset
    return queryset.none()


def organisation_queryset(*, user: User) -> QuerySet[Organisation]:
    return _scope(Organisation.objects.select_related("region"), user, "pk")


def contact_queryset(*, user: User) -> QuerySet[Contact]:
    return _scope(Contact.objects.select_related("organisation"), user, "organisation_id")


def site_queryset(*, user: User) -> QuerySet[Site]:
    return _scope(Site.objects.select_related("organisation", "region"), user, "organisation_id")


def project_queryset(*, user: User) -> QuerySet[Project]:
    return _scope(Project.objects.select_related("organisation"), user, "organisation_id")


def contract_queryset(*, user: User) -> QuerySet[ServiceContract]:
    return _scope(
        ServiceContract.objects.select_related("organisation", "project"), user, "organisation_id"
    )


def asset_queryset(*, user: User) -> QuerySet[Asset]:
    return _scope(
        Asset.objects.select_related("model", "vendor", "site", "contract", "project"),
        user,
        "organisation_id",
    )


def asset_link_queryset(*, user: User) -> QuerySet[AssetLink]:
    return _scope(
        AssetLink.objects.select_related("source", "target"), user, "source__organisation_id"
    )


def organisation_find(*, user: User, ref: str | int) -> Organisation:
    """An organisation by id or customer code, if the reader may see it."""
    ref = str(ref).strip()
    query = Q(code__iexact=ref)
    pk = parse_id(ref)
    if pk is not None:
        query |= Q(pk=pk)
    organisation = organisation_queryset(user=user).filter(query).first()
    if organisation is None:
        raise NotFound(_("Unknown organisation."), field="organisation")
    return organisation


# --- for the worker: what is about to expire (not scoped: no reader, the system asks) ---------

EXPIRY_THRESHOLDS = (60, 30, 7)
# Assets listed by name in one warranty reminder; the rest are counted.
WARRANTY_LISTED = 10


@dataclass(frozen=True)
class ContractExpiring:
    contract: ServiceContract
    days: int
    threshold: int


@dataclass(frozen=True)
class WarrantyExpiring:
    """Assets of one organisation and contract whose warranty ends the same day: one
    acceptance batch, told about in one message rather than one per camera."""

    organisation: Organisation
    contract: ServiceContract
    warranty_end: dt.date
    days: int
    threshold: int
    assets: list[Asset]


def _threshold(days: int, thresholds: tuple[int, ...]) -> int | None:
    """The nearest reminder reached: 45 days left is the 60-day reminder, 5 days the 7-day one.
    A reminder missed while the worker was down is sent late rather than never."""
    reached = [t for t in thresholds if days <= t]
    return min(reached) if reached else None


def contracts_expiring(
    *, today: dt.date, thresholds: tuple[int, ...] = EXPIRY_THRESHOLDS
) -> list[ContractExpiring]:
    """Contracts of active organisations ending between today and the furthest threshold."""
    horizon = today + dt.timedelta(days=max(thresholds))
    contracts = ServiceContract.objects.filter(
        end_date__gte=today, end_date__lte=horizon, organisation__archived_at=None
    ).select_related("organisation")
    found = []
    for contract in contracts.order_by("end_date", "pk"):
        days = (contract.end_date - today).days
        found.append(ContractExpiring(contract, days, _threshold(days, thresholds)))
    return found


def warranties_expiring(
    *, today: dt.date, thresholds: tuple[int, ...] = EXPIRY_THRESHOLDS
) -> list[WarrantyExpiring]:
    """Assets whose warranty (Asset.warranty_end: acceptance date plus the contract's months)
    ends between today and the furthest threshold, grouped by organisation, contract and day."""
    horizon = today + dt.timedelta(days=max(thresholds))
    months = set(
        ServiceContract.objects.filter(assets__isnull=False).values_list(
            "warranty_months", flat=True
        )
    )
    if not months:
        return []
    # Acceptance dates that can end in the window, with a margin for month ends (Jan 31 plus
    # one month is Feb 28); the exact end is computed below.
    margin = dt.timedelta(days=3)
    window = Q()
    for count in months:
        span = relativedelta(months=count)
        window |= Q(
            contract__warranty_months=count,
            acceptance_date__gte=today - span - margin,
            acceptance_date__lte=horizon - span + margin,
        )
    assets = (
        Asset.objects.filter(window, archived_at=None, organisation__archived_at=None)
        .select_related("organisation", "contract", "model", "site")
        .order_by("organisation_id", "contract_id", "serial_number")
    )
    groups: dict[tuple, list[Asset]] = {}
    for asset in assets:
        end = asset.warranty_end
        if end is not None and today <= end <= horizon:
            groups.setdefault((asset.organisation_id, asset.contract_id, end), []).append(asset)
    found = []
    for (_org, _contract, end), members in sorted(groups.items(), key=lambda kv: kv[0][2]):
        days = (end - today).days
        first = members[0]
        found.append(
            WarrantyExpiring(
                organisation=first.organisation,
                contract=first.contract,
                warranty_end=end,
                days=days,
                threshold=_threshold(days, thresholds),
                assets=members,
            )
        )
    return found
