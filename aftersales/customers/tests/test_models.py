import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from aftersales.core.errors import Forbidden, ValidationError
from aftersales.core.models import ArchivedError
from aftersales.customers import services
from aftersales.customers.models import Asset, Organisation
from aftersales.customers.tests.factories import (
    AssetFactory,
    AssetModelFactory,
    ContractFactory,
    SiteFactory,
)


@pytest.mark.parametrize(
    ("accepted", "months", "first", "last"),
    [
        # Signed on 15 March 2024: warranty from the 16th, last day 15 March 2025.
        (dt.date(2024, 3, 15), 12, dt.date(2024, 3, 16), dt.date(2025, 3, 15)),
        # A month without the corresponding day ends on its last day.
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 1), dt.date(2025, 2, 28)),
        (dt.date(2023, 8, 31), 6, dt.date(2023, 9, 1), dt.date(2024, 2, 29)),
    ],
)
def test_warranty_runs_from_the_day_after_acceptance(db, accepted, months, first, last):
    asset = AssetFactory(acceptance_date=accepted, contract=ContractFactory(warranty_months=months))
    assert (asset.warranty_start, asset.warranty_end) == (first, last)
    assert not asset.in_warranty(accepted)
    assert asset.in_warranty(first)
    assert asset.in_warranty(last)
    assert not asset.in_warranty(last + dt.timedelta(days=1))


def test_no_warranty_without_acceptance_or_contract(db):
    assert not AssetFactory(acceptance_date=None, contract=ContractFactory()).in_warranty()
    assert not AssetFactory(contract=None).in_warranty()


def test_serials_are_unique_per_vendor(db):
    model = AssetModelFactory()
    AssetFactory(model=model, serial_number="DS123")
    AssetFactory(serial_number="DS123")  # another vendor may reuse it
    with pytest.raises(IntegrityError), transaction.atomic():
        AssetFactory(model=AssetModelFactory(vendor=model.vendor), serial_number="DS123")
    assert Asset.objects.filter(serial_number="DS123").count() == 2


def test_organisations_are_archived_never_deleted(org_a, dispatcher):
    with pytest.raises(ArchivedError):
        org_a.delete()
    with pytest.raises(ArchivedError):
        Organisation.objects.all().delete()
    services.organisation_archive(actor=dispatcher, organisation=org_a)
    org_a.refresh_from_db()
    assert org_a.is_archived


def test_records_must_stay_within_one_organisation(dispatcher, org_a, org_b, site_b):
    asset = Asset(organisation=org_a)
    with pytest.raises(ValidationError) as refused:
        services.record_save(
            actor=dispatcher,
            instance=asset,
            site=site_b,
            model=AssetModelFactory(),
            serial_number="X1",
        )
    assert refused.value.field == "site"
    assert str(refused.value) == "This belongs to another organisation."


def test_only_the_desk_keeps_customer_records(engineer, customer, org_a):
    for actor in (engineer, customer):
        with pytest.raises(Forbidden, match="Only the service desk keeps customer records."):
            services.record_save(actor=actor, instance=org_a, name="改名")


def test_asset_takes_its_organisation_and_vendor_from_site_and_model(dispatcher, org_a):
    site = SiteFactory(organisation=org_a)
    model = AssetModelFactory()
    asset = services.record_save(
        actor=dispatcher, instance=Asset(), site=site, model=model, serial_number="NVR-01"
    )
    assert (asset.organisation, asset.vendor) == (org_a, model.vendor)
