"""The spare-parts API from the outside: who sees what (stock and vendor tickets are staff
only; a customer sees its own organisation's RMA orders and loans, in their public form, and
another organisation's are a 404 exactly like a number that does not exist), the actions and
their refusals, and query budgets that do not grow with the data."""

import pytest

from aftersales.cases.models import Case
from aftersales.core.tests.utils import ROLES, STAFF_ROLES, assert_error, role_user
from aftersales.rma import services
from aftersales.rma.models import RmaOrder, Stock, StockMove
from aftersales.rma.tests.conftest import at
from aftersales.rma.tests.factories import stock_of

NOT_LOGGED_IN = "Authentication credentials were not provided."
STAFF_ONLY = "Only service staff see spare parts and stock."
ALL_STAFF = [*STAFF_ROLES, "parts"]
EVERYONE = [*ROLES, "parts"]


@pytest.fixture(autouse=True)
def _wednesday(clock):
    clock("2026-03-04 10:00")


@pytest.fixture
def as_role(request, client_for):
    return lambda role: client_for(role_user(request, role))


@pytest.fixture
def world(engineer, parts, case_a, case_b, asset_a, camera, psu, warehouse):
    """Case A: an RMA order shipped, a loaner out, a vendor ticket. Case B: an RMA order
    confirmed."""
    stock_of(camera, warehouse, serials=["K1", "LOAN-1"])
    stock_of(psu, warehouse, 3, minimum=1)
    order_a = services.rma_confirm_fault(
        case=case_a, actor=engineer, part=camera, fault="主板故障", ship_from=warehouse
    )
    order_a = services.rma_ship(
        order=order_a, actor=parts, replacement_serial="K1", tracking_number="SF1"
    )
    loan_a = services.loan_lend(
        case=case_a,
        actor=engineer,
        part=camera,
        serial_number="LOAN-1",
        location=warehouse,
        due_back_at=at("2026-03-20 17:00"),
    )
    ticket_a = services.vendor_ticket_open(
        case=case_a, actor=engineer, vendor=asset_a.model.vendor, reference="HK-77"
    )
    order_b = services.rma_confirm_fault(case=case_b, actor=engineer, part=psu, fault="电源损坏")
    return {"order_a": order_a, "loan_a": loan_a, "ticket_a": ticket_a, "order_b": order_b}


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


# --- staff-only resources ------------------------------------------------------------------


STAFF_RESOURCES = [
    "/api/v1/parts/",
    "/api/v1/stock-locations/",
    "/api/v1/stock/",
    "/api/v1/stock-moves/",
    "/api/v1/reservations/",
    "/api/v1/vendor-tickets/",
]


@pytest.mark.parametrize("role", EVERYONE)
@pytest.mark.parametrize("url", STAFF_RESOURCES)
def test_stock_and_vendor_tickets_are_for_staff_only(as_role, world, role, url):
    response = as_role(role).get(url)
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role in ("customer", "customer_b"):
        assert_error(response, 403, message=STAFF_ONLY)
    else:
        assert _rows(response)


@pytest.mark.parametrize("role", ["customer", "customer_b"])
def test_a_customer_is_refused_stock_by_id_alike_whatever_the_id(as_role, world, role):
    stock = Stock.objects.first()
    for url in (f"/api/v1/stock/{stock.pk}/", "/api/v1/stock/999999/", "/api/v1/stock/x/"):
        assert_error(as_role(role).get(url), 403, message=STAFF_ONLY)


@pytest.mark.parametrize("url", ["/api/v1/parts/abc/", "/api/v1/parts/99999999999999999999999/"])
def test_what_is_not_an_id_is_not_found(as_role, world, url):
    assert_error(as_role("dispatcher").get(url), 404, code="not_found")


# --- RMA orders and loans, scoped ----------------------------------------------------------


@pytest.mark.parametrize("role", EVERYONE)
def test_rma_order_list(as_role, world, role):
    response = as_role(role).get("/api/v1/rma-orders/")
    a, b = world["order_a"].number, world["order_b"].number
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
        return
    rows = _rows(response)
    expected = {"customer": {a}, "customer_b": {b}}.get(role, {a, b})
    assert {row["number"] for row in rows} == expected
    if role.startswith("customer"):
        # The public form: no stock, no repair or inspection internals.
        assert not {"ship_from", "repair_vendor", "inspection_note", "actions"} & set(rows[0])
    else:
        assert rows[0]["ship_from"] in ("bj-main", None)


@pytest.mark.parametrize("role", EVERYONE)
def test_rma_order_detail(as_role, world, role):
    order = world["order_a"]
    response = as_role(role).get(f"/api/v1/rma-orders/{order.number}/")
    if role == "anonymous":
        assert_error(response, 401, message=NOT_LOGGED_IN)
    elif role == "customer_b":
        assert_error(response, 404, message="No such RMA order.", code="not_found")
    else:
        body = response.json()
        assert response.status_code == 200
        assert (body["status"], body["tracking_number"], body["return_due_at"]) == (
            "shipped",
            "SF1",
            "2026-03-18T17:00:00+08:00",
        )
        if role == "customer":
            assert "ship_from" not in body and "北京总库" not in str(body)


def test_another_organisations_order_is_indistinguishable_from_none(as_role, world):
    client = as_role("customer_b")
    other = client.get(f"/api/v1/rma-orders/{world['order_a'].number}/")
    missing = client.get("/api/v1/rma-orders/20000101-999999-R1/")
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())
    filtered = client.get("/api/v1/rma-orders/", {"case": world["order_a"].case.number})
    assert _rows(filtered) == []


@pytest.mark.parametrize("role", ["customer", "customer_b", "parts", "engineer"])
def test_loans(as_role, world, role):
    loan = world["loan_a"]
    client = as_role(role)
    rows = _rows(client.get("/api/v1/loans/"))
    detail = client.get(f"/api/v1/loans/{loan.number}/")
    if role == "customer_b":
        assert rows == []
        assert_error(detail, 404, message="No such loan.")
        return
    assert [row["number"] for row in rows] == [loan.number]
    body = detail.json()
    assert (body["serial_number"], body["site"]["name"]) == ("LOAN-1", loan.site.name)
    if role == "customer":
        assert "from_location" not in body
    else:
        assert body["from_location"] == "bj-main"


def test_a_customer_takes_no_action_on_its_orders_and_finds_no_others(as_role, world):
    order_a, order_b = world["order_a"], world["order_b"]
    client = as_role("customer")
    before = list(RmaOrder.objects.order_by("pk").values_list("status", "updated_at"))

    own = client.post(f"/api/v1/rma-orders/{order_a.number}/receive-faulty/", {})
    assert_error(own, 403, message="You may not “Receive the faulty part”.")
    other = client.post(f"/api/v1/rma-orders/{order_b.number}/ship/", {})
    assert_error(other, 404, message="No such RMA order.")
    created = client.post(
        "/api/v1/rma-orders/", {"case": order_a.case.number, "part": order_a.part_id, "fault": "x"}
    )
    assert_error(created, 403, message="You may not “Confirm the hardware fault for RMA”.")
    lend = client.post("/api/v1/loans/", {})
    assert_error(lend, 403, message="You may not “Lend a loaner”.")

    assert list(RmaOrder.objects.order_by("pk").values_list("status", "updated_at")) == before


# --- actions -----------------------------------------------------------------------------------


def test_stock_actions_through_the_api(as_role, world, psu, warehouse, van, case_a):
    parts = as_role("parts")
    received = parts.post(
        "/api/v1/stock/receive/",
        {"part": psu.pk, "location": "bj-main", "quantity": 2, "note": "PO-9"},
        format="json",
    )
    assert received.status_code == 201, received.json()
    assert received.json()[0]["kind"] == "receive"
    moved = parts.post(
        "/api/v1/stock/transfer/",
        {"part": psu.pk, "from_location": "bj-main", "to_location": van.pk, "quantity": 1},
        format="json",
    )
    assert moved.status_code == 201, moved.json()

    engineer = as_role("engineer")
    reserved = engineer.post(
        "/api/v1/stock/reserve/",
        {"part": psu.pk, "location": "van-engineer", "quantity": 1, "case": case_a.number},
        format="json",
    )
    assert reserved.status_code == 201, reserved.json()
    consumed = engineer.post(
        "/api/v1/stock/consume/",
        {"part": psu.pk, "location": "van-engineer", "quantity": 1, "case": case_a.number},
        format="json",
    )
    assert consumed.status_code == 201, consumed.json()
    stock = Stock.objects.get(part=psu, location=van)
    assert (stock.on_hand, stock.reserved) == (0, 0)


def test_stock_refusals_through_the_api(as_role, world, psu, case_a):
    before = (StockMove.objects.count(), list(Stock.objects.values_list("on_hand", "reserved")))
    engineer = as_role("engineer")
    assert_error(
        engineer.post(
            "/api/v1/stock/receive/",
            {"part": psu.pk, "location": "bj-main", "quantity": 1},
            format="json",
        ),
        403,
        message="Only the spare-parts desk keeps the stock.",
    )
    body = assert_error(
        engineer.post(
            "/api/v1/stock/reserve/",
            {"part": psu.pk, "location": "bj-main", "quantity": 9, "case": case_a.number},
            format="json",
        ),
        409,
        field="quantity",
        code="insufficient_stock",
    )
    assert body["detail"] == (
        "Only 3 of PSU-12V-60W available at 北京总库 (3 on hand, 0 reserved); 9 asked. "
        "Nothing was changed."
    )
    assert_error(
        engineer.post(
            "/api/v1/stock/reserve/",
            {"part": psu.pk, "location": "nowhere", "quantity": 1},
            format="json",
        ),
        400,
        field="location",
        message="Unknown stock location.",
    )
    assert before == (
        StockMove.objects.count(),
        list(Stock.objects.values_list("on_hand", "reserved")),
    )


def test_an_rma_order_through_the_api(
    clock, as_role, world, camera, warehouse, asset_a, case_a, customer
):
    stock_of(camera, warehouse, serials=["K7"])
    engineer, parts = as_role("engineer"), as_role("parts")
    created = engineer.post(
        "/api/v1/rma-orders/",
        {
            "case": case_a.number,
            "part": camera.pk,
            "fault": "图像传感器损坏",
            "asset": asset_a.pk,
            "faulty_serial": asset_a.serial_number,
            "ship_from": "bj-main",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    number = created.json()["number"]
    assert created.json()["actions"] == ["cancel"]
    assert created.json()["ship_due_at"] == "2026-03-04T17:00:00+08:00"

    shipped = parts.post(
        f"/api/v1/rma-orders/{number}/ship/",
        {"replacement_serial": "K7", "carrier": "顺丰", "tracking_number": "SF9"},
        format="json",
    )
    assert shipped.status_code == 200, shipped.json()
    assert shipped.json()["actions"] == ["receive-faulty", "write-off"]
    for step, data in [
        ("receive-faulty", {}),
        ("send-to-repair", {"repair_kind": "vendor", "reference": "HK-RMA-1"}),
        ("receive-repaired", {}),
        ("inspect", {"passed": True, "note": "测试正常", "location": "bj-main"}),
    ]:
        response = parts.post(f"/api/v1/rma-orders/{number}/{step}/", data, format="json")
        assert response.status_code == 200, (step, response.json())
    assert response.json()["status"] == "restocked"

    # The customer reads the public steps on the case.
    case = as_role("customer").get(f"/api/v1/cases/{case_a.number}/").json()
    kinds = [e["kind"] for e in case["timeline"] if e["kind"].startswith("rma_")]
    assert "rma_shipped" in kinds and "rma_parts_reserved" not in kinds
    assert "rma_inspected" not in kinds


def test_a_step_refused_answers_with_the_reason(as_role, world):
    order = world["order_b"]
    response = as_role("parts").post(f"/api/v1/rma-orders/{order.number}/receive-faulty/", {})
    assert_error(
        response,
        409,
        code="invalid_transition",
        message="“Receive the faulty part” is not allowed while the RMA order is "
        "Fault confirmed, to ship.",
    )


def test_a_vendor_hand_off_through_the_api(as_role, world, case_b, asset_a):
    client = as_role("engineer")
    opened = client.post(
        "/api/v1/vendor-tickets/",
        {"case": case_b.number, "vendor": asset_a.model.vendor_id, "reference": "HK-88"},
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    ticket = opened.json()["id"]
    assert Case.objects.get(pk=case_b.pk).status == "waiting_vendor"
    answered = client.post(
        f"/api/v1/vendor-tickets/{ticket}/answer/", {"answer": "请升级固件"}, format="json"
    )
    assert answered.json()["answers"] == 1
    closed = client.post(f"/api/v1/vendor-tickets/{ticket}/close/", {}, format="json")
    assert closed.json()["status"] == "closed"
    case = Case.objects.get(pk=case_b.pk)
    assert (case.status, case.assignee.username) == ("in_progress", "engineer")


def test_a_loan_through_the_api(clock, as_role, world, camera, warehouse, case_a):
    stock_of(camera, warehouse, serials=["LOAN-2"])
    client = as_role("engineer")
    lent = client.post(
        "/api/v1/loans/",
        {
            "case": case_a.number,
            "part": camera.pk,
            "serial_number": "LOAN-2",
            "location": "bj-main",
            "due_back_at": "2026-03-25T17:00:00+08:00",
        },
        format="json",
    )
    assert lent.status_code == 201, lent.json()
    number = lent.json()["number"]
    back = client.post(f"/api/v1/loans/{number}/return/", {"location": "bj-main"}, format="json")
    assert back.json()["status"] == "returned"


# --- query budgets ------------------------------------------------------------------------------


def _more(engineer, parts, case_a, psu, warehouse, n: int) -> None:
    stock_of(psu, warehouse, n)
    for _ in range(n):
        order = services.rma_confirm_fault(case=case_a, actor=engineer, part=psu, fault="坏")
        services.rma_ship(order=order, actor=parts, ship_from=warehouse)


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        # Signing in with the token, the reader's roles, then the page (and its count).
        ("/api/v1/rma-orders/", 3),
        ("/api/v1/loans/", 4),
        ("/api/v1/stock/", 4),
        ("/api/v1/stock-moves/", 3),
        ("/api/v1/reservations/", 4),
        ("/api/v1/vendor-tickets/", 4),
        ("/api/v1/parts/", 5),
    ],
)
def test_list_endpoints_run_a_fixed_number_of_queries(
    as_role,
    world,
    engineer,
    parts,
    case_a,
    psu,
    warehouse,
    django_assert_max_num_queries,
    url,
    budget,
):
    client = as_role("parts")
    with django_assert_max_num_queries(budget):
        first = client.get(url)
    assert first.status_code == 200
    _more(engineer, parts, case_a, psu, warehouse, 5)
    with django_assert_max_num_queries(budget):
        second = client.get(url)
    assert second.status_code == 200


def test_a_customers_order_list_runs_a_fixed_number_of_queries(
    as_role, world, engineer, parts, case_a, psu, warehouse, django_assert_max_num_queries
):
    _more(engineer, parts, case_a, psu, warehouse, 5)
    client = as_role("customer")
    with django_assert_max_num_queries(4):
        rows = _rows(client.get("/api/v1/rma-orders/"))
    assert len(rows) == 6


def test_the_catalogue_through_the_api(as_role, world, asset_a):
    body = {
        "vendor": asset_a.model.vendor_id,
        "part_number": "FAN-80",
        "name": "散热风扇",
        "compatible_models": [asset_a.model_id],
    }
    assert_error(
        as_role("engineer").post("/api/v1/parts/", body, format="json"),
        403,
        message="Only the spare-parts desk keeps the stock.",
    )
    created = as_role("parts").post("/api/v1/parts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["compatible_models"] == [asset_a.model_id]
    changed = as_role("parts").patch(
        f"/api/v1/parts/{created.json()['id']}/", {"name": "散热风扇 80mm"}, format="json"
    )
    assert changed.json()["name"] == "散热风扇 80mm"
    location = as_role("parts").post(
        "/api/v1/stock-locations/",
        {"code": "van-x", "name": "随车", "kind": "engineer", "owner": "dispatcher"},
        format="json",
    )
    assert_error(location, 400, field="owner", message="dispatcher is not an engineer.")
