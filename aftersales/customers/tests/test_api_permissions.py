"""The shared permission suite for customer records (organisations, contacts, sites,
projects, contracts, assets), every role: staff read everything, the service desk writes;
a customer contact reads its own organisation's records, writes none (403 on its own, 404
on another's, exactly as for an id that does not exist); anonymous requests get 401."""

import pytest

from aftersales.core.tests.utils import DESK_ROLES, ROLES, assert_error, role_user
from aftersales.customers.models import (
    Asset,
    Contact,
    Organisation,
    Project,
    ServiceContract,
    Site,
)
from aftersales.customers.tests.factories import AssetModelFactory, ContractFactory, ProjectFactory

RESOURCES = {
    "organisations": Organisation,
    "contacts": Contact,
    "sites": Site,
    "projects": Project,
    "contracts": ServiceContract,
    "assets": Asset,
}
NOT_LOGGED_IN = "Authentication credentials were not provided."
DESK_ONLY = "Only the service desk keeps these records."
MISSING = 999999


@pytest.fixture
def as_role(request, api):
    def make(role):
        user = role_user(request, role)
        client = api if user is None else api.as_user(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return make


@pytest.fixture
def records(org_a, org_b, customer, customer_b, site_a, site_b, asset_a, asset_b, contract_a):
    """For each resource, organisation A's record and organisation B's."""
    return {
        "organisations": (org_a, org_b),
        "contacts": (customer.contact, customer_b.contact),
        "sites": (site_a, site_b),
        "projects": (ProjectFactory(organisation=org_a), ProjectFactory(organisation=org_b)),
        "contracts": (contract_a, ContractFactory(organisation=org_b)),
        "assets": (asset_a, asset_b),
    }


def _own(role):
    """Which organisation's records the role sees: "a", "b" or both."""
    return {"customer": {"a"}, "customer_b": {"b"}}.get(role, {"a", "b"})


def _state():
    return {name: list(model.objects.order_by("pk").values()) for name, model in RESOURCES.items()}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_list(as_role, records, resource, role):
    response = as_role(role).get(f"/api/v1/{resource}/")

    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN, code="not_authenticated")
        return
    assert response.status_code == 200
    a, b = records[resource]
    expected = {rec.pk for key, rec in (("a", a), ("b", b)) if key in _own(role)}
    assert {row["id"] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_detail(as_role, records, resource, role):
    client = as_role(role)
    a, b = records[resource]

    for key, record in (("a", a), ("b", b)):
        response = client.get(f"/api/v1/{resource}/{record.pk}/")
        if role == "anonymous":
            assert_error(response, 401, message=NOT_LOGGED_IN)
        elif key in _own(role):
            assert response.status_code == 200
            assert response.json()["id"] == record.pk
        else:
            missing = client.get(f"/api/v1/{resource}/{MISSING}/")
            assert_error(response, 404, message="Not found.", code="not_found")
            assert response.json() == missing.json()


@pytest.mark.parametrize("role", ["customer", "customer_b"])
@pytest.mark.parametrize("resource", [r for r in RESOURCES if r != "organisations"])
def test_organisation_filter_never_reaches_another_organisation(
    as_role, records, org_a, org_b, resource, role
):
    other = org_b if role == "customer" else org_a
    client = as_role(role)

    other_org = client.get(f"/api/v1/{resource}/", {"organisation": other.pk})
    no_org = client.get(f"/api/v1/{resource}/", {"organisation": MISSING})

    assert other_org.status_code == no_org.status_code == 200
    assert (
        other_org.json()
        == no_org.json()
        == {
            "count": 0,
            "next": None,
            "previous": None,
            "results": [],
        }
    )


@pytest.mark.parametrize("role", ["customer", "customer_b"])
def test_asset_serial_filter_never_reaches_another_organisation(as_role, records, role):
    asset_a, asset_b = records["assets"]
    other = asset_b if role == "customer" else asset_a

    response = as_role(role).get("/api/v1/assets/", {"serial": other.serial_number})

    assert response.json()["results"] == []


def _create_payload(resource, org_a, site_a, model):
    return {
        "organisations": {"code": "NEW1", "name": "新客户"},
        "contacts": {"organisation": org_a.pk, "name": "新联系人"},
        "sites": {"organisation": org_a.pk, "name": "新站点"},
        "projects": {"organisation": org_a.pk, "code": "new-prj", "name": "新项目"},
        "contracts": {
            "organisation": org_a.pk,
            "number": "HT-NEW",
            "name": "新合同",
            "start_date": "2026-01-01",
            "end_date": "2026-12-31",
        },
        "assets": {"site": site_a.pk, "model": model.pk, "serial_number": "NEW-SN"},
    }[resource]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_create(as_role, records, org_a, site_a, resource, role):
    model = AssetModelFactory()
    before = _state()

    response = as_role(role).post(
        f"/api/v1/{resource}/", _create_payload(resource, org_a, site_a, model), format="json"
    )

    if role in DESK_ROLES:
        assert response.status_code == 201, response.json()
        assert RESOURCES[resource].objects.filter(pk=response.json()["id"]).exists()
        return
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    else:
        assert_error(response, 403, message=DESK_ONLY, code="permission_denied")
    assert _state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", list(RESOURCES))
@pytest.mark.parametrize("whose", ["a", "b"])
def test_update(as_role, records, resource, role, whose):
    record = records[resource][0 if whose == "a" else 1]
    before = _state()

    response = as_role(role).patch(
        f"/api/v1/{resource}/{record.pk}/", {"name": "改过的名字"}, format="json"
    )

    if role in DESK_ROLES:
        assert response.status_code == 200, response.json()
        record.refresh_from_db()
        assert record.name == "改过的名字"
        return
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif whose in _own(role) and role in ("customer", "customer_b"):
        assert_error(response, 403, message=DESK_ONLY, code="permission_denied")
    elif role in ("customer", "customer_b"):
        assert_error(response, 404, message="Not found.")
    else:
        assert_error(response, 403, message=DESK_ONLY)
    assert _state() == before


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("resource", ["organisations", "assets"])
def test_archive(as_role, records, resource, role):
    record = records[resource][0]
    before = _state()

    response = as_role(role).post(f"/api/v1/{resource}/{record.pk}/archive/")

    if role in DESK_ROLES:
        assert response.status_code == 200, response.json()
        assert response.json()["is_archived"] is True
        return
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message="Not found.")
    else:
        assert_error(response, 403, message=DESK_ONLY)
    assert _state() == before
