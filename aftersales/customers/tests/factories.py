import datetime as dt

import factory

from aftersales.customers.models import (
    Asset,
    AssetModel,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
    Vendor,
)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ORG{n}")
    name = factory.Sequence(lambda n: f"客户单位{n}")
    phone = factory.Sequence(lambda n: f"010-8000{n:04d}")


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"站点{n}")
    address = "北京市海淀区"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"prj-{n}")
    name = factory.Sequence(lambda n: f"项目{n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceContract

    organisation = factory.SubFactory(OrganisationFactory)
    number = factory.Sequence(lambda n: f"HT-{n:05d}")
    name = factory.Sequence(lambda n: f"维护合同{n}")
    start_date = dt.date(2025, 1, 1)
    end_date = dt.date(2030, 12, 31)
    warranty_months = 36


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"vendor-{n}")
    name = factory.Sequence(lambda n: f"厂商{n}")


class AssetModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetModel

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"DS-2CD{n:04d}")
    category = "camera"


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    site = factory.SubFactory(SiteFactory)
    organisation = factory.SelfAttribute("site.organisation")
    model = factory.SubFactory(AssetModelFactory)
    serial_number = factory.Sequence(lambda n: f"SN{n:08d}")
    name = factory.Sequence(lambda n: f"{n}号摄像头")
    acceptance_date = dt.date(2025, 3, 15)
