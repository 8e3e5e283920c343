"""Caller lookup (GET /api/v1/lookup/?q=): the dispatcher types what the caller says and
gets the organisation with everything needed on the call."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.cases import services
from aftersales.cases.tests.factories import open_case
from aftersales.core import clock
from aftersales.core.tests.utils import assert_error
from aftersales.customers.tests.factories import (
    AssetFactory,
    ContactFactory,
    ContractFactory,
    ProjectFactory,
)

TODAY = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def desk_data(org_a, site_a, contract_a, asset_a, asset_b, customer, dispatcher, engineer, team):
    """Organisation A with a project, an expired contract, an out-of-warranty asset, two
    cases of which engineer owns one; organisation B with its own asset."""
    ProjectFactory(organisation=org_a, code="hd-video", name="海淀视频监控")
    expired = ContractFactory(
        organisation=org_a,
        number="HT-OLD",
        start_date=dt.date(2018, 1, 1),
        end_date=dt.date(2020, 12, 31),
        warranty_months=12,
    )
    old_asset = AssetFactory(
        site=site_a, contract=expired, serial_number="OLD0001", acceptance_date=dt.date(2018, 6, 1)
    )
    first = open_case(actor=dispatcher, organisation=org_a)
    services.case_assign(case=first, assignee=engineer, actor=dispatcher)
    second = open_case(actor=dispatcher, organisation=org_a)
    return {"old_asset": old_asset, "cases": [first, second]}


def _lookup(client, q):
    with clock.frozen(TODAY):
        return client.get("/api/v1/lookup/", {"q": q})


def _results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_lookup_by_customer_code_gives_everything_for_the_call(
    api, dispatcher, desk_data, org_a, asset_a, contract_a, engineer, engineer2, customer
):
    (match,) = _results(_lookup(api.as_user(dispatcher), "hdga"))

    assert match["organisation"]["code"] == "HDGA"
    assert match["organisation"]["id"] == org_a.pk
    assert match["matched_by"] == ["code"]
    assert [c["name"] for c in match["contacts"]] == ["王警官"]
    assert match["contacts"][0]["mobile"] == customer.contact.mobile
    assert [s["name"] for s in match["sites"]] == ["中关村派出所"]
    assert [p["code"] for p in match["projects"]] == ["hd-video"]
    contracts = {c["number"]: c for c in match["contracts"]}
    assert contracts[contract_a.number]["is_active"] is True
    assert contracts["HT-OLD"]["is_active"] is False
    assets = {a["serial_number"]: a for a in match["assets"]}
    assert assets[asset_a.serial_number]["in_warranty"] is True
    assert assets[asset_a.serial_number]["warranty_end"] == "2028-03-15"
    assert assets[asset_a.serial_number]["vendor"] == asset_a.model.vendor.name
    assert assets[asset_a.serial_number]["site"] == "中关村派出所"
    assert assets["OLD0001"]["in_warranty"] is False
    assert match["asset_count"] == 2
    assert [c["number"] for c in match["recent_cases"]] == [
        c.number for c in reversed(desk_data["cases"])
    ]
    # Engineers, lightest load first.
    load = {e["username"]: e["open_cases"] for e in match["engineers"]}
    assert load == {"engineer": 1, "engineer2": 0}
    assert [e["username"] for e in match["engineers"]] == ["engineer2", "engineer"]


def test_lookup_by_contact_phone(api, dispatcher, desk_data, customer):
    (match,) = _results(_lookup(api.as_user(dispatcher), customer.contact.mobile))

    assert match["organisation"]["code"] == "HDGA"
    assert match["matched_by"] == ["phone"]


def test_lookup_by_organisation_phone(api, dispatcher, desk_data, org_b):
    (match,) = _results(_lookup(api.as_user(dispatcher), org_b.phone))

    assert match["organisation"]["code"] == "RMYY"
    assert match["matched_by"] == ["phone"]


def test_lookup_by_contact_name(api, dispatcher, desk_data):
    (match,) = _results(_lookup(api.as_user(dispatcher), "王警"))

    assert match["organisation"]["code"] == "HDGA"
    assert "contact" in match["matched_by"]


@pytest.mark.parametrize(
    ("q", "asked"),
    [("王警", {"contact"}), ("010-6253 0000", {"phone"}), ("+8613800000000", {"phone"})],
)
def test_a_name_asks_no_phone_query_and_a_number_no_name_query(
    api, dispatcher, desk_data, q, asked
):
    with CaptureQueriesContext(connection) as queries:
        _lookup(api.as_user(dispatcher), q)
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    sql = sql.replace("::text", "").replace(
        'UPPER("customers_organisation"."name")', '"customers_organisation"."name"'
    )
    assert ('"customers_contact"."mobile" =' in sql) == ("phone" in asked)
    assert ('"customers_contact"."name" LIKE' in sql) == ("contact" in asked)
    assert ('"customers_organisation"."name" LIKE' in sql) == ("contact" in asked)


def test_lookup_by_asset_serial_puts_that_asset_first(api, dispatcher, desk_data):
    (match,) = _results(_lookup(api.as_user(dispatcher), "old0001"))

    assert match["organisation"]["code"] == "HDGA"
    assert match["matched_by"] == ["serial"]
    assert match["assets"][0]["serial_number"] == "OLD0001"


def test_lookup_by_organisation_name(api, dispatcher, desk_data):
    (match,) = _results(_lookup(api.as_user(dispatcher), "人民医院"))

    assert match["organisation"]["code"] == "RMYY"
    assert match["matched_by"] == ["name"]


def test_lookup_finding_nothing_answers_an_empty_list(api, dispatcher, desk_data):
    assert _results(_lookup(api.as_user(dispatcher), "ZZZZ9999")) == []


def test_lookup_needs_something_to_look_for(api, dispatcher):
    response = _lookup(api.as_user(dispatcher), "  ")

    assert_error(response, 400, field="q", message="Type a customer code, phone, name or serial.")


def test_customer_finds_only_its_own_organisation_and_no_engineers(
    api, customer, desk_data, asset_b, customer_b
):
    client = api.as_user(customer)

    (own,) = _results(_lookup(client, "HDGA"))
    assert own["organisation"]["code"] == "HDGA"
    assert own["engineers"] == []
    for q in ("RMYY", asset_b.serial_number, customer_b.contact.mobile, "李主任", "人民医院"):
        assert _results(_lookup(client, q)) == [], q


def test_lookup_query_count_does_not_grow_with_records(api, dispatcher, desk_data, org_a, site_a):
    client = api.as_user(dispatcher)
    _lookup(client, "HDGA")
    with CaptureQueriesContext(connection) as few:
        _results(_lookup(client, "HDGA"))
    AssetFactory.create_batch(10, site=site_a, contract=desk_data["old_asset"].contract)
    ContactFactory.create_batch(5, organisation=org_a)
    for _ in range(5):
        open_case(actor=dispatcher, organisation=org_a)
    with CaptureQueriesContext(connection) as many:
        (match,) = _results(_lookup(client, "HDGA"))

    assert len(match["assets"]) == 12
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
