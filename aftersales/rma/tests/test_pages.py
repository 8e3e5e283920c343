"""The spare-parts desk's pages, the case page's panel and the customer's view: what people
see and do there, who is kept out, and query counts that do not grow with the data."""

import pytest
from django.urls import reverse

from aftersales.cases.tests.factories import case_in_state
from aftersales.rma import services
from aftersales.rma.models import RmaOrder, Stock, StockMove
from aftersales.rma.tests.conftest import at
from aftersales.rma.tests.factories import LocationFactory, PartFactory, stock_of
from aftersales.workspace.navigation import landing_url, menu


@pytest.fixture(autouse=True)
def _wednesday(clock):
    clock("2026-03-04 10:00")


def page(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- /parts/ ------------------------------------------------------------------------------------


def test_the_stock_board_highlights_what_is_below_its_minimum(
    client, parts, engineer, warehouse, van, psu, camera, stocked, case_a
):
    stock_of(camera, warehouse, serials=["K1"], minimum=3)
    response = page(client, parts, reverse("rma:parts"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 part is below its minimum level." in body
    short = [s for s in response.context["rows"] if s.short]
    assert [(s.part.part_number, s.available_now, s.minimum) for s in short] == [
        ("DS-2CD3T46", 1, 3)
    ]
    # What is below its minimum comes first, highlighted.
    assert response.context["rows"][0].part == camera
    assert body.count('data-below-minimum="true"') == 1

    only = page(client, parts, reverse("rma:parts"), below="1")
    assert [s.part for s in only.context["rows"]] == [camera]
    there = page(client, parts, reverse("rma:parts"), location="bj-main", q="PSU")
    assert [s.part for s in there.context["rows"]] == [psu]


def test_receiving_from_the_page(client, parts, warehouse, psu):
    client.force_login(parts)
    response = client.post(
        reverse("rma:receive"),
        {"part": psu.pk, "location": warehouse.pk, "quantity": "4", "note": "PO-2026-031"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("rma:parts")
    assert "Received into stock." in response.content.decode()
    assert Stock.objects.get(part=psu, location=warehouse).on_hand == 4


def test_a_refused_receipt_says_why_and_changes_nothing(client, parts, warehouse, camera):
    client.force_login(parts)
    response = client.post(
        reverse("rma:receive"),
        {"part": camera.pk, "location": warehouse.pk, "quantity": "2"},
        follow=True,
    )
    assert "Not done: DS-2CD3T46 is serialised: name the serial number of each unit." in (
        response.content.decode()
    )
    assert not StockMove.objects.exists()
    response = client.post(reverse("rma:receive"), {"part": camera.pk}, follow=True)
    assert "Not done:" in response.content.decode()


def test_transferring_serialised_units_from_the_page(client, parts, warehouse, van, camera):
    stock_of(camera, warehouse, serials=["K1", "K2", "K3"])
    client.force_login(parts)
    client.post(
        reverse("rma:transfer"),
        {
            "part": camera.pk,
            "from_location": warehouse.pk,
            "to_location": van.pk,
            "serial_numbers": "K1\nK3",
        },
    )
    assert Stock.objects.get(part=camera, location=van).on_hand == 2


def test_the_moves_page_filters(client, parts, warehouse, van, psu, stocked):
    services.stock_transfer(
        actor=parts, part=psu, from_location=warehouse, to_location=van, quantity=1
    )
    response = page(client, parts, reverse("rma:moves"), kind="transfer")
    assert [m.kind for m in response.context["rows"]] == ["transfer"]
    response = page(client, parts, reverse("rma:moves"), location="van-engineer")
    assert [m.kind for m in response.context["rows"]] == ["transfer"]


@pytest.mark.parametrize("url_name", ["rma:parts", "rma:moves", "rma:board"])
def test_customers_are_kept_out_of_the_desk(client, customer, url_name):
    assert page(client, customer, reverse(url_name)).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("rma:parts"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _more_stock(n: int) -> None:
    for i in range(n):
        location = LocationFactory(code=f"wh-{i}", name=f"分库{i}")
        stock_of(PartFactory(), location, 2, minimum=3)


def test_the_stock_board_runs_a_fixed_number_of_queries(
    client, parts, warehouse, psu, stocked, django_assert_num_queries
):
    client.force_login(parts)
    url = reverse("rma:parts")
    client.get(url)  # warm the session
    with django_assert_num_queries(9) as before:
        client.get(url)
    _more_stock(8)
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 9


# --- /rma/ -------------------------------------------------------------------------------------


@pytest.fixture
def orders(clock, engineer, parts, case_a, psu, warehouse):
    """Three orders of case A: one confirmed, one shipped whose return is overdue, one
    shipped and not due yet."""
    stock_of(psu, warehouse, 5)
    confirm = lambda: services.rma_confirm_fault(  # noqa: E731
        case=case_a, actor=engineer, part=psu, fault="电源损坏", ship_from=warehouse
    )
    overdue = services.rma_ship(order=confirm(), actor=parts)
    clock("2026-03-10 10:00")
    recent = services.rma_ship(order=confirm(), actor=parts)
    waiting = confirm()
    clock("2026-03-19 10:00")
    from aftersales.rma.sweep import rma_sweep

    rma_sweep()  # flags the first order's return overdue
    return {"overdue": overdue, "recent": recent, "waiting": waiting}


def test_the_rma_desk_puts_overdue_returns_first(client, parts, orders):
    response = page(client, parts, reverse("rma:board"))
    assert response.status_code == 200
    numbers = [o.number for o in response.context["orders"]]
    assert numbers[0] == orders["overdue"].number
    assert set(numbers) == {o.number for o in orders.values()}
    first = response.context["orders"][0]
    assert first.return_overdue and first.due == at("2026-03-18 17:00")
    tabs = {key: count for key, _label, count in response.context["tabs"]}
    assert (tabs["open"], tabs["shipped"], tabs["confirmed"]) == (3, 2, 1)
    assert "return overdue" in response.content.decode()


def test_the_rma_desk_by_status(client, parts, orders):
    response = page(client, parts, reverse("rma:board"), status="confirmed")
    assert [o.number for o in response.context["orders"]] == [orders["waiting"].number]


def test_the_rma_desk_runs_a_fixed_number_of_queries(
    client, parts, orders, engineer, case_a, psu, django_assert_num_queries
):
    client.force_login(parts)
    client.get(reverse("rma:board"))
    with django_assert_num_queries(7) as before:
        client.get(reverse("rma:board"))
    for _ in range(4):
        services.rma_confirm_fault(case=case_a, actor=engineer, part=psu, fault="坏")
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(reverse("rma:board"))
    assert len(response.context["orders"]) == 7


def test_an_order_page_offers_the_next_step_and_takes_it(client, parts, orders):
    order = orders["waiting"]
    response = page(client, parts, reverse("rma:order", args=[order.number]))
    assert [step for step, _label, _id in response.context["order"].steps] == ["ship", "cancel"]
    response = client.post(
        reverse("rma:order-step", args=[order.number, "ship"]),
        {"tracking_number": "SF555", "carrier": "顺丰"},
        follow=True,
    )
    assert "Done: Ship the replacement." in response.content.decode()
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("shipped", "SF555")


def test_an_engineer_sees_an_order_but_cannot_ship_it(client, engineer, orders):
    order = orders["waiting"]
    response = page(client, engineer, reverse("rma:order", args=[order.number]))
    assert [step for step, _label, _id in response.context["order"].steps] == ["cancel"]
    response = client.post(reverse("rma:order-step", args=[order.number, "ship"]), follow=True)
    assert "Not done: You may not “Ship the replacement”." in response.content.decode()
    assert RmaOrder.objects.get(pk=order.pk).status == "confirmed"


# --- the case page's panel ------------------------------------------------------------------


def test_the_case_page_loads_the_panel(client, engineer, case_a):
    response = page(client, engineer, reverse("workspace:case", args=[case_a.number]))
    assert reverse("rma:case-panel", args=[case_a.number]) in response.content.decode()


def test_the_panel_shows_the_cases_orders_loans_and_actions(
    client, engineer, parts, case_a, camera, warehouse, orders
):
    stock_of(camera, warehouse, serials=["LOAN-1"])
    services.loan_lend(
        case=case_a,
        actor=engineer,
        part=camera,
        serial_number="LOAN-1",
        location=warehouse,
        due_back_at=at("2026-03-27 17:00"),
    )
    response = page(client, engineer, reverse("rma:case-panel", args=[case_a.number]))
    assert response.status_code == 200
    body = response.content.decode()
    panel = response.context["panel"]
    assert len(panel.orders) == 3 and len(panel.loans) == 1
    for testid in ("open-rma-confirm", "open-rma-lend", "open-rma-vendor", "open-rma-reserve"):
        assert f'data-testid="{testid}"' in body
    assert 'data-testid="open-loan-return"' in body
    assert "LOAN-1" in body


def test_confirming_a_hardware_fault_from_the_panel(
    client, engineer, case_a, asset_a, camera, warehouse
):
    stock_of(camera, warehouse, serials=["K1"])
    client.force_login(engineer)
    response = client.post(
        reverse("rma:case-action", args=[case_a.number, "confirm"]),
        {
            "part": camera.pk,
            "fault": "主板故障",
            "asset": asset_a.pk,
            "faulty_serial": asset_a.serial_number,
            "ship_from": warehouse.pk,
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("workspace:case", args=[case_a.number])
    assert "Done: Confirm the hardware fault for RMA." in response.content.decode()
    order = RmaOrder.objects.get()
    assert (order.case, order.ship_due_at, order.reservation.quantity) == (
        case_a,
        at("2026-03-04 17:00"),
        1,
    )


def test_using_a_part_from_the_panel(client, engineer, case_a, van, psu):
    stock_of(psu, van, 2)
    client.force_login(engineer)
    client.post(
        reverse("rma:case-action", args=[case_a.number, "consume"]),
        {"part": psu.pk, "location": van.pk, "quantity": "1", "note": "现场更换"},
    )
    assert Stock.objects.get(part=psu, location=van).on_hand == 1
    assert case_a.timeline.order_by("-seq").first().kind == "rma_parts_consumed"


def test_handing_to_a_vendor_from_the_panel(client, engineer, case_a, asset_a):
    client.force_login(engineer)
    client.post(
        reverse("rma:case-action", args=[case_a.number, "vendor"]),
        {"vendor": asset_a.model.vendor_id, "reference": "HK-123", "wait": "on"},
    )
    case_a.refresh_from_db()
    assert (case_a.status, case_a.assignee) == ("waiting_vendor", engineer)


def test_the_panel_runs_a_fixed_number_of_queries(
    client,
    engineer,
    parts,
    case_a,
    psu,
    warehouse,
    orders,
    django_assert_num_queries,
    django_assert_max_num_queries,
):
    client.force_login(engineer)
    url = reverse("rma:case-panel", args=[case_a.number])
    client.get(url)
    with django_assert_max_num_queries(20) as before:
        client.get(url)
    stock_of(psu, warehouse, 5)
    for _ in range(3):
        order = services.rma_confirm_fault(case=case_a, actor=engineer, part=psu, fault="坏")
        services.rma_ship(order=order, actor=parts, ship_from=warehouse)
    services.stock_reserve(part=psu, quantity=1, location=warehouse, actor=engineer, case=case_a)
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url)
    assert len(response.context["panel"].orders) == 6


def test_a_customer_gets_no_staff_panel(client, customer, case_a):
    assert (
        page(client, customer, reverse("rma:case-panel", args=[case_a.number])).status_code == 403
    )


# --- the customer's view ----------------------------------------------------------------------


def test_the_customer_sees_its_replacements_in_the_portal(client, customer, orders, case_a):
    detail = page(client, customer, reverse("portal:case", args=[case_a.number]))
    assert reverse("rma:portal-panel", args=[case_a.number]) in detail.content.decode()
    response = page(client, customer, reverse("rma:portal-panel", args=[case_a.number]))
    body = response.content.decode()
    assert response.status_code == 200
    assert orders["recent"].number in body and "北京总库" not in body
    assert "Return the faulty part by" in body


def test_another_organisations_replacements_are_not_found(
    client, customer_b, org_a, dispatcher, engineer, manager, orders, case_a
):
    response = page(client, customer_b, reverse("rma:portal-panel", args=[case_a.number]))
    assert response.status_code == 404


# --- navigation ----------------------------------------------------------------------------------


def test_the_spare_parts_admin_lands_on_the_rma_desk_with_its_menu(parts, engineer):
    assert landing_url(parts) == reverse("rma:board")
    assert [item.url_name for item in menu(parts)] == [
        "rma:board",
        "rma:parts",
        "workspace:case-list",
        "knowledge:list",
        "exports:list",
    ]
    assert "rma:parts" not in [item.url_name for item in menu(engineer)]


def test_nothing_is_done_on_another_organisations_closed_case(
    client, engineer, org_b, dispatcher, manager, psu, warehouse, stocked
):
    closed = case_in_state(
        "closed", organisation=org_b, dispatcher=dispatcher, engineer=engineer, manager=manager
    )
    client.force_login(engineer)
    response = client.post(
        reverse("rma:case-action", args=[closed.number, "consume"]),
        {"part": psu.pk, "location": warehouse.pk, "quantity": "1"},
        follow=True,
    )
    assert f"Case {closed.number} is Closed." in response.content.decode()
    assert Stock.objects.get(part=psu, location=warehouse).on_hand == 5
