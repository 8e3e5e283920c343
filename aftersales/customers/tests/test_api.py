"""The customer-records API (/api/v1/organisations, contacts, sites, projects, contracts,
assets): what the service desk reads and writes, and what a customer contact sees."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.core import clock
from aftersales.core.tests.utils import assert_error
from aftersales.customers.models import (
    Asset,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
)
from aftersales.customers.tests.factories import (
    AssetFactory,
    AssetModelFactory,
    ContactFactory,
    ContractFactory,
    ProjectFactory,
)

TODAY = dt.datetime(2026, 6, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def en(api):
    api.credentials()
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


# --- reading --------------------------------------------------------------------------


def test_desk_lists_every_organisation_with_its_fields(api, dispatcher, org_a, org_b):
    response = api.as_user(dispatcher).get("/api/v1/organisations/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["code"] == "HDGA"
    assert first["name"] == "海淀区公安分局"
    assert first["is_archived"] is False
    assert first["time_zone"] == "Asia/Shanghai"


def test_customer_lists_only_its_own_organisation(api, customer, org_a, org_b):
    response = api.as_user(customer).get("/api/v1/organisations/")

    assert _ids(response) == {org_a.pk}


@pytest.mark.parametrize(
    "resource", ["contacts", "sites", "projects", "contracts", "assets"], ids=str
)
def test_lists_filter_by_organisation(api, dispatcher, resource, asset_a, asset_b, customer):
    ProjectFactory(organisation=asset_a.organisation)
    ProjectFactory(organisation=asset_b.organisation)
    ContactFactory(organisation=asset_b.organisation)
    ContractFactory(organisation=asset_b.organisation)
    org_a_id = asset_a.organisation_id

    everything = api.as_user(dispatcher).get(f"/api/v1/{resource}/")
    only_a = api.as_user(dispatcher).get(f"/api/v1/{resource}/", {"organisation": org_a_id})

    rows = {row["organisation"] for row in everything.json()["results"]}
    assert len(rows) == 2, everything.json()
    assert {row["organisation"] for row in only_a.json()["results"]} == {org_a_id}


def test_asset_shows_vendor_category_and_warranty(api, dispatcher, asset_a, asset_b):
    with clock.frozen(TODAY):
        response = api.as_user(dispatcher).get(f"/api/v1/assets/{asset_a.pk}/")
        other = api.as_user(dispatcher).get(f"/api/v1/assets/{asset_b.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["serial_number"] == asset_a.serial_number
    assert body["organisation"] == asset_a.organisation_id
    assert body["vendor"] == asset_a.model.vendor.name
    assert body["category"] == "camera"
    # Accepted 2025-03-15: warranty from the next day, for the contract's 36 months.
    assert body["warranty_start"] == "2025-03-16"
    assert body["warranty_end"] == "2028-03-15"
    assert body["in_warranty"] is True
    # No covering contract: no warranty.
    assert other.json()["warranty_end"] is None
    assert other.json()["in_warranty"] is False


def test_asset_warranty_ends_on_its_last_day(api, dispatcher, asset_a):
    with clock.frozen(dt.datetime(2028, 3, 15, 12, 0, tzinfo=dt.UTC)):
        last_day = api.as_user(dispatcher).get(f"/api/v1/assets/{asset_a.pk}/").json()
    with clock.frozen(dt.datetime(2028, 3, 16, 12, 0, tzinfo=dt.UTC)):
        after = api.as_user(dispatcher).get(f"/api/v1/assets/{asset_a.pk}/").json()

    assert last_day["in_warranty"] is True
    assert after["in_warranty"] is False


def test_asset_filters_by_serial_and_category(api, dispatcher, asset_a, asset_b):
    by_serial = api.as_user(dispatcher).get("/api/v1/assets/", {"serial": asset_b.serial_number})
    by_category = api.as_user(dispatcher).get("/api/v1/assets/", {"category": "nvr"})

    assert _ids(by_serial) == {asset_b.pk}
    assert _ids(by_category) == set()


def test_organisation_filter_by_code_ignores_case(api, dispatcher, org_a, org_b):
    response = api.as_user(dispatcher).get("/api/v1/organisations/", {"code": "rmyy"})

    assert _ids(response) == {org_b.pk}


def test_contract_reports_whether_it_is_active(api, dispatcher, contract_a):
    with clock.frozen(TODAY):
        active = api.as_user(dispatcher).get(f"/api/v1/contracts/{contract_a.pk}/").json()
    with clock.frozen(dt.datetime(2031, 1, 2, tzinfo=dt.UTC)):
        expired = api.as_user(dispatcher).get(f"/api/v1/contracts/{contract_a.pk}/").json()

    assert active["is_active"] is True
    assert expired["is_active"] is False


def test_list_query_count_does_not_grow_with_assets(api, dispatcher, site_a, contract_a):
    client = api.as_user(dispatcher)
    AssetFactory.create_batch(3, site=site_a, contract=contract_a)
    client.get("/api/v1/assets/")  # warm up: token and roles
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/api/v1/assets/").json()["results"]) == 3
    AssetFactory.create_batch(17, site=site_a, contract=contract_a)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/assets/").json()["results"]) == 20

    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 5


# --- writing --------------------------------------------------------------------------


def test_desk_creates_an_organisation(api, dispatcher):
    response = api.as_user(dispatcher).post(
        "/api/v1/organisations/",
        {"code": "XCJY", "name": "西城区教育局", "phone": "010-66000000"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    organisation = Organisation.objects.get(code="XCJY")
    assert response.json()["id"] == organisation.pk
    assert organisation.name == "西城区教育局"


def test_desk_updates_a_contact(api, dispatcher, customer):
    contact = customer.contact

    response = api.as_user(dispatcher).patch(
        f"/api/v1/contacts/{contact.pk}/", {"mobile": "13800000001"}, format="json"
    )

    assert response.status_code == 200, response.json()
    contact.refresh_from_db()
    assert contact.mobile == "13800000001"


def test_desk_creates_site_project_contract_and_asset(api, dispatcher, org_a):
    client = api.as_user(dispatcher)
    model = AssetModelFactory(category="nvr")

    site = client.post(
        "/api/v1/sites/", {"organisation": org_a.pk, "name": "上地派出所"}, format="json"
    )
    project = client.post(
        "/api/v1/projects/",
        {"organisation": org_a.pk, "code": "hd-video", "name": "海淀视频监控"},
        format="json",
    )
    contract = client.post(
        "/api/v1/contracts/",
        {
            "organisation": org_a.pk,
            "project": project.json()["id"],
            "number": "HT-2026-001",
            "name": "2026年维保合同",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
            "warranty_months": 12,
        },
        format="json",
    )
    asset = client.post(
        "/api/v1/assets/",
        {
            "site": site.json()["id"],
            "model": model.pk,
            "serial_number": "NVR0001",
            "contract": contract.json()["id"],
            "acceptance_date": "2026-01-10",
        },
        format="json",
    )

    for response in (site, project, contract, asset):
        assert response.status_code == 201, response.json()
    created = Asset.objects.get(serial_number="NVR0001")
    assert created.organisation == org_a  # taken from the site
    assert created.vendor == model.vendor
    assert asset.json()["organisation"] == org_a.pk
    assert asset.json()["warranty_end"] == "2027-01-10"


def test_site_with_another_organisations_contact_is_refused(en, dispatcher, org_a, customer_b):
    response = en.as_user(dispatcher).post(
        "/api/v1/sites/",
        {"organisation": org_a.pk, "name": "上地派出所", "contact": customer_b.contact.pk},
        format="json",
    )

    assert_error(response, 400, field="contact", message="This belongs to another organisation.")
    assert not Site.objects.filter(name="上地派出所").exists()


def test_asset_with_another_organisations_contract_is_refused(en, dispatcher, site_a, org_b):
    contract_b = ContractFactory(organisation=org_b)
    model = AssetModelFactory()

    response = en.as_user(dispatcher).post(
        "/api/v1/assets/",
        {
            "site": site_a.pk,
            "model": model.pk,
            "serial_number": "CAM-X",
            "contract": contract_b.pk,
        },
        format="json",
    )

    assert_error(response, 400, field="contract", message="This belongs to another organisation.")
    assert not Asset.objects.filter(serial_number="CAM-X").exists()


def test_duplicate_serial_of_one_vendor_is_refused(en, dispatcher, asset_a, site_a):
    response = en.as_user(dispatcher).post(
        "/api/v1/assets/",
        {"site": site_a.pk, "model": asset_a.model_id, "serial_number": asset_a.serial_number},
        format="json",
    )

    body = assert_error(response, 400, code="invalid")
    assert "serial" in body["detail"].lower() or "vendor" in body["detail"].lower(), body
    assert Asset.objects.filter(serial_number=asset_a.serial_number).count() == 1


def test_duplicate_customer_code_is_refused(en, dispatcher, org_a):
    response = en.as_user(dispatcher).post(
        "/api/v1/organisations/", {"code": "HDGA", "name": "重复"}, format="json"
    )

    assert_error(
        response,
        400,
        field="code",
        message="organisation with this customer code already exists.",
    )
    assert Organisation.objects.count() == 1


def test_contract_ending_before_it_starts_is_refused(en, dispatcher, org_a):
    response = en.as_user(dispatcher).post(
        "/api/v1/contracts/",
        {
            "organisation": org_a.pk,
            "number": "HT-BAD",
            "name": "倒序合同",
            "start_date": "2026-12-31",
            "end_date": "2026-01-01",
        },
        format="json",
    )

    assert_error(response, 400, code="invalid")
    assert not ServiceContract.objects.filter(number="HT-BAD").exists()


def test_records_are_never_deleted(en, dispatcher, org_a):
    response = en.as_user(dispatcher).delete(f"/api/v1/organisations/{org_a.pk}/")

    assert_error(response, 405, message='Method "DELETE" not allowed.')
    assert Organisation.objects.filter(pk=org_a.pk).exists()


def test_desk_archives_an_organisation_once(en, dispatcher, org_a):
    client = en.as_user(dispatcher)

    first = client.post(f"/api/v1/organisations/{org_a.pk}/archive/")
    second = client.post(f"/api/v1/organisations/{org_a.pk}/archive/")

    assert first.status_code == 200
    assert first.json()["is_archived"] is True
    assert_error(second, 409, message="This organisation is already archived.")
    assert _ids(client.get("/api/v1/organisations/", {"archived": "false"})) == set()
    assert _ids(client.get("/api/v1/organisations/", {"archived": "true"})) == {org_a.pk}


def test_desk_archives_an_asset(en, dispatcher, asset_a):
    response = en.as_user(dispatcher).post(f"/api/v1/assets/{asset_a.pk}/archive/")

    assert response.status_code == 200
    assert response.json()["is_archived"] is True
    asset_a.refresh_from_db()
    assert asset_a.is_archived


# --- customers read, never write ------------------------------------------------------


@pytest.mark.parametrize(
    ("resource", "make"),
    [
        ("organisations", lambda org: org),
        ("contacts", lambda org: ContactFactory(organisation=org)),
        ("projects", lambda org: ProjectFactory(organisation=org)),
    ],
    ids=["organisations", "contacts", "projects"],
)
def test_customer_may_not_change_its_own_records(en, customer, org_a, resource, make):
    record = make(org_a)
    before = (
        {
            "organisations": Organisation,
            "contacts": Contact,
            "projects": Project,
        }[resource]
        .objects.values()
        .get(pk=record.pk)
    )

    response = en.as_user(customer).patch(
        f"/api/v1/{resource}/{record.pk}/", {"name": "改名"}, format="json"
    )

    assert_error(
        response,
        403,
        message="Only the service desk keeps these records.",
        code="permission_denied",
    )
    after = type(record).objects.values().get(pk=record.pk)
    assert after == before


def test_customer_may_not_create_records(en, customer, org_a):
    response = en.as_user(customer).post(
        "/api/v1/contacts/", {"organisation": org_a.pk, "name": "新联系人"}, format="json"
    )

    assert_error(response, 403, message="Only the service desk keeps these records.")
    assert not Contact.objects.filter(name="新联系人").exists()


def test_customer_may_not_archive(en, customer, org_a):
    response = en.as_user(customer).post(f"/api/v1/organisations/{org_a.pk}/archive/")

    assert_error(response, 403, message="Only the service desk keeps these records.")
    org_a.refresh_from_db()
    assert not org_a.is_archived


def test_engineer_reads_but_does_not_write(en, engineer, org_a):
    client = en.as_user(engineer)

    assert _ids(client.get("/api/v1/organisations/")) == {org_a.pk}
    response = client.patch(f"/api/v1/organisations/{org_a.pk}/", {"name": "改名"}, format="json")

    assert_error(response, 403, message="Only the service desk keeps these records.")
    org_a.refresh_from_db()
    assert org_a.name == "海淀区公安分局"


def test_anonymous_gets_401_not_an_empty_list_or_a_crash(en, org_a):
    listing = en.get("/api/v1/organisations/")
    creating = en.post("/api/v1/organisations/", {"code": "X", "name": "X"}, format="json")
    detail = en.get(f"/api/v1/organisations/{org_a.pk}/")

    for response in (listing, creating, detail):
        assert_error(response, 401, message="Authentication credentials were not provided.")
    assert Organisation.objects.count() == 1


# --- odd filter values: an answer, never a crash --------------------------------------


@pytest.mark.parametrize(
    ("resource", "name"),
    [
        ("contacts", "organisation"),
        ("sites", "organisation"),
        ("sites", "region"),
        ("contracts", "project"),
        ("assets", "organisation"),
        ("assets", "site"),
        ("assets", "vendor"),
        ("organisations", "region"),
    ],
)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "99999999999999999999999",
            "Ensure this value is less than or equal to 9223372036854775807.",
        ),
        ("1.5", "Enter a whole number."),
    ],
    ids=["huge", "fraction"],
)
def test_id_filters_refuse_what_is_not_an_id(
    en, dispatcher, asset_a, resource, name, value, message
):
    response = en.as_user(dispatcher).get(f"/api/v1/{resource}/", {name: value})

    assert_error(response, 400, field=name, message=message, code="invalid")
