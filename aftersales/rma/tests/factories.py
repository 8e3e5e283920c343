"""Catalogue parts and locations for tests; stock put there through the services, as the
parts desk would (so every quantity has its moves)."""

import factory

from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.customers.tests.factories import VendorFactory
from aftersales.rma import services
from aftersales.rma.choices import LocationKind
from aftersales.rma.models import SparePart, Stock, StockLocation


class PartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SparePart

    vendor = factory.SubFactory(VendorFactory)
    part_number = factory.Sequence(lambda n: f"PN-{n:05d}")
    name = factory.Sequence(lambda n: f"备件{n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StockLocation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"loc-{n}")
    name = factory.Sequence(lambda n: f"库位{n}")
    kind = LocationKind.WAREHOUSE


def _desk() -> User:
    user = (
        User.objects.filter(groups__name=Role.SPARE_PARTS_ADMIN, is_active=True)
        .order_by("pk")
        .first()
    )
    if user is None:
        from aftersales.accounts.tests.factories import UserFactory

        user = UserFactory(username="parts-desk", roles=[Role.SPARE_PARTS_ADMIN])
    return user


def stock_of(
    part: SparePart,
    location: StockLocation,
    quantity: int = 0,
    *,
    minimum: int = 0,
    serials: list[str] | None = None,
) -> Stock:
    """Receive `quantity` (or the units `serials`) of `part` at `location`, with a minimum."""
    desk = _desk()
    if serials:
        services.stock_receive(actor=desk, part=part, location=location, serial_numbers=serials)
    elif quantity:
        services.stock_receive(actor=desk, part=part, location=location, quantity=quantity)
    if minimum:
        services.stock_set_minimum(actor=desk, part=part, location=location, minimum=minimum)
    return Stock.objects.get(part=part, location=location)
