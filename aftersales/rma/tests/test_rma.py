"""Advance replacement (RMA): from the confirmed hardware fault to the repaired part back in
stock, every step on the case's timeline; and the refusals, which change nothing."""

import pytest

from aftersales.cases.models import Case, TimelineEntry
from aftersales.cases.selectors import timeline_for
from aftersales.cases.tests.factories import case_in_state
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.notifications.models import OutboxMessage
from aftersales.rma import services
from aftersales.rma.models import PartUnit, Reservation, RmaOrder, Stock, StockMove
from aftersales.rma.tests.conftest import at
from aftersales.rma.tests.factories import stock_of


@pytest.fixture(autouse=True)
def _wednesday(clock):
    """Every test starts on Wednesday 4 March 2026 at 10:00, Shanghai time."""
    clock("2026-03-04 10:00")


@pytest.fixture
def cameras(camera, warehouse):
    return stock_of(camera, warehouse, serials=["K1", "K2"])


def confirm(case, actor, part, **extra):
    return services.rma_confirm_fault(
        case=case, actor=actor, part=part, fault="主板故障，无法启动", **extra
    )


def snapshot():
    return (
        list(RmaOrder.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        list(Case.objects.order_by("pk").values_list("pk", "status", "cause", "timeline_count")),
        list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved")),
        Reservation.objects.count(),
        StockMove.objects.count(),
        TimelineEntry.objects.count(),
        OutboxMessage.objects.count(),
    )


def kinds(case, user=None):
    entries = case.timeline.order_by("seq")
    if user is not None:
        entries = timeline_for(case=case, user=user)
    return [e.kind for e in entries]


def test_the_whole_life_of_an_advance_replacement(
    clock, engineer, parts, customer, case_a, asset_a, camera, cameras, warehouse
):
    order = confirm(
        case_a,
        engineer,
        camera,
        asset=asset_a,
        faulty_serial=asset_a.serial_number,
        ship_from=warehouse,
    )
    case_a.refresh_from_db()
    assert order.number == f"{case_a.number}-R1"
    assert (order.status, order.ship_due_at) == ("confirmed", at("2026-03-04 17:00"))
    # Confirming the hardware fault is the diagnosis: the case's cause is confirmed too.
    assert (case_a.cause, case_a.cause_confirmed_at is not None) == ("hardware", True)
    assert Stock.objects.get(part=camera, location=warehouse).reserved == 1
    opened = OutboxMessage.objects.get(event="rma_opened", channel="in_app")
    assert opened.recipient == parts

    clock("2026-03-04 15:00")
    order = services.rma_ship(
        order=order,
        actor=parts,
        replacement_serial="K1",
        carrier="顺丰",
        tracking_number="SF1234567890",
    )
    assert (order.status, order.ship_breached) == ("shipped", False)
    assert order.return_due_at == at("2026-03-18 17:00")
    assert PartUnit.objects.get(serial_number="K1").state == "installed"
    stock = Stock.objects.get(part=camera, location=warehouse)
    assert (stock.on_hand, stock.reserved) == (1, 0)
    shipped = OutboxMessage.objects.get(event="rma_shipped", channel="in_app")
    assert shipped.recipient == customer
    assert "SF1234567890" in shipped.body and "2026-03-18 17:00" in shipped.body

    clock("2026-03-10 10:00")
    order = services.rma_receive_faulty(order=order, actor=parts)
    assert order.status == "faulty_received"
    # 72 working hours from Tuesday 10:00: Monday 23 March, 10:00.
    assert order.repair_due_at == at("2026-03-23 10:00")

    order = services.rma_send_to_repair(
        order=order, actor=parts, repair_kind="vendor", reference="HK-RMA-0001"
    )
    assert (order.status, order.repair_vendor, order.repair_reference) == (
        "in_repair",
        camera.vendor,
        "HK-RMA-0001",
    )

    clock("2026-03-20 11:00")
    order = services.rma_receive_repaired(order=order, actor=parts, note="厂商已更换主板")
    assert (order.status, order.repair_breached) == ("repaired", False)

    order = services.rma_inspect(
        order=order, actor=parts, passed=True, note="通电测试 4 小时正常", location=warehouse
    )
    assert (order.status, order.restocked_to, order.closed_at) == (
        "restocked",
        warehouse,
        at("2026-03-20 11:00"),
    )
    unit = PartUnit.objects.get(serial_number=asset_a.serial_number)
    assert (unit.state, unit.location) == ("in_stock", warehouse)
    assert Stock.objects.get(part=camera, location=warehouse).on_hand == 2
    assert list(order.moves.order_by("pk").values_list("kind", flat=True)) == [
        "reserve",
        "consume",
        "return",
    ]

    rma_kinds = [k for k in kinds(case_a) if k.startswith("rma_") or k == "cause_confirmed"]
    assert rma_kinds == [
        "cause_confirmed",
        "rma_confirmed",
        "rma_parts_reserved",
        "rma_shipped",
        "rma_faulty_received",
        "rma_sent_to_repair",
        "rma_repaired",
        "rma_inspected",
    ]
    # The customer sees the steps that concern them; stock and repair stay internal.
    assert [k for k in kinds(case_a, customer) if k.startswith("rma_")] == [
        "rma_confirmed",
        "rma_shipped",
        "rma_faulty_received",
    ]
    public = [e for e in timeline_for(case=case_a, user=customer) if e.kind.startswith("rma_")]
    assert "北京总库" not in str([e.data for e in public])


def test_the_shipping_deadline_follows_the_clock(clock, engineer, case_a, camera):
    clock("2026-09-30 15:00")
    order = confirm(case_a, engineer, camera)
    assert order.ship_due_at == at("2026-10-08 12:00")
    entry = case_a.timeline.get(kind="rma_confirmed")
    assert entry.visibility == "public"
    assert entry.data["ship_due_at"] == "2026-10-08T12:00:00+08:00"


def test_shipping_late_is_flagged(clock, engineer, parts, case_a, camera, cameras, warehouse):
    order = confirm(case_a, engineer, camera, ship_from=warehouse)
    clock("2026-03-05 09:00")
    order = services.rma_ship(order=order, actor=parts, replacement_serial="K2")
    assert order.ship_breached is True
    assert case_a.timeline.get(kind="rma_shipped").data["late"] is True


def test_shipping_from_another_location_releases_what_was_held(
    engineer, parts, case_a, psu, warehouse, second_warehouse
):
    stock_of(psu, warehouse, 1)
    stock_of(psu, second_warehouse, 1)
    order = confirm(case_a, engineer, psu, ship_from=warehouse)
    services.rma_ship(order=order, actor=parts, ship_from=second_warehouse)
    first = Stock.objects.get(part=psu, location=warehouse)
    second = Stock.objects.get(part=psu, location=second_warehouse)
    assert (first.on_hand, first.reserved, second.on_hand) == (1, 0, 0)


def test_confirming_with_no_free_unit_changes_nothing(engineer, case_a, camera, warehouse):
    before = snapshot()
    with pytest.raises(Conflict, match="DS-2CD3T46 is not stocked at 北京总库"):
        confirm(case_a, engineer, camera, ship_from=warehouse)
    assert snapshot() == before


def test_a_part_that_does_not_fit_the_asset_is_refused(engineer, case_a, asset_a, psu):
    from aftersales.customers.tests.factories import AssetModelFactory

    psu.compatible_models.set([AssetModelFactory()])
    with pytest.raises(ValidationError, match=f"PSU-12V-60W does not fit {asset_a.model}."):
        confirm(case_a, engineer, psu, asset=asset_a)
    assert not RmaOrder.objects.exists()


def test_only_an_open_case_gets_a_hardware_fault_confirmed(
    org_a, dispatcher, engineer, manager, camera
):
    resolved = case_in_state(
        "resolved", organisation=org_a, dispatcher=dispatcher, engineer=engineer, manager=manager
    )
    with pytest.raises(Conflict) as refused:
        confirm(resolved, engineer, camera)
    assert str(refused.value) == (
        f"A hardware fault is confirmed on an open case; case {resolved.number} is Resolved."
    )


@pytest.mark.parametrize("who", ["customer", "dispatcher", "manager"])
def test_who_may_confirm_a_hardware_fault(request, who, case_a, camera):
    before = snapshot()
    with pytest.raises(Forbidden) as refused:
        confirm(case_a, request.getfixturevalue(who), camera)
    assert str(refused.value) == "You may not “Confirm the hardware fault for RMA”."
    assert snapshot() == before


def test_only_the_parts_desk_ships(engineer, case_a, camera, cameras, warehouse):
    order = confirm(case_a, engineer, camera, ship_from=warehouse)
    before = snapshot()
    with pytest.raises(Forbidden, match="You may not “Ship the replacement”."):
        services.rma_ship(order=order, actor=engineer, replacement_serial="K1")
    assert snapshot() == before


def test_a_step_out_of_order_is_refused(engineer, parts, case_a, camera, cameras, warehouse):
    order = confirm(case_a, engineer, camera, ship_from=warehouse)
    with pytest.raises(Conflict) as refused:
        services.rma_receive_faulty(order=order, actor=parts)
    assert str(refused.value) == (
        "“Receive the faulty part” is not allowed while the RMA order is Fault confirmed, to ship."
    )
    services.rma_ship(order=order, actor=parts, replacement_serial="K1")
    with pytest.raises(Conflict, match="“Ship the replacement” is not allowed"):
        services.rma_ship(order=order, actor=parts, replacement_serial="K2")


def test_a_serialised_replacement_names_its_serial(
    engineer, parts, case_a, camera, cameras, warehouse
):
    order = confirm(case_a, engineer, camera, ship_from=warehouse)
    before = snapshot()
    with pytest.raises(ValidationError, match="DS-2CD3T46 is serialised"):
        services.rma_ship(order=order, actor=parts)
    assert snapshot() == before


def test_the_faulty_part_received_must_be_the_faulty_one(engineer, parts, case_a, psu, warehouse):
    stock_of(psu, warehouse, 1)
    order = confirm(case_a, engineer, psu, ship_from=warehouse, faulty_serial="PSU-OLD-1")
    services.rma_ship(order=order, actor=parts)
    with pytest.raises(ValidationError) as refused:
        services.rma_receive_faulty(order=order, actor=parts, faulty_serial="PSU-OTHER")
    assert str(refused.value) == (
        "The serial number received (PSU-OTHER) is not the faulty part's (PSU-OLD-1)."
    )


def test_a_part_failing_inspection_is_scrapped(clock, engineer, parts, case_a, psu, warehouse):
    stock_of(psu, warehouse, 1)
    order = confirm(case_a, engineer, psu, ship_from=warehouse)
    order = services.rma_ship(order=order, actor=parts)
    order = services.rma_receive_faulty(order=order, actor=parts)
    order = services.rma_send_to_repair(order=order, actor=parts, repair_kind="internal")
    order = services.rma_receive_repaired(order=order, actor=parts)
    with pytest.raises(ValidationError, match="Write down the inspection result."):
        services.rma_inspect(order=order, actor=parts, passed=False, note="")
    order = services.rma_inspect(order=order, actor=parts, passed=False, note="输出电压不稳")
    assert order.status == "scrapped"
    scrap = order.moves.get(kind="scrap")
    assert (scrap.quantity, scrap.from_location, scrap.note) == (1, None, "输出电压不稳")
    assert Stock.objects.get(part=psu, location=warehouse).on_hand == 0


def test_repaired_late_is_flagged(clock, engineer, parts, case_a, psu, warehouse):
    stock_of(psu, warehouse, 1)
    order = confirm(case_a, engineer, psu, ship_from=warehouse)
    order = services.rma_ship(order=order, actor=parts)
    order = services.rma_receive_faulty(order=order, actor=parts)
    order = services.rma_send_to_repair(order=order, actor=parts, repair_kind="vendor")
    clock("2026-03-17 10:01")  # 72 working hours ran out at 10:00
    order = services.rma_receive_repaired(order=order, actor=parts)
    assert order.repair_breached is True


def test_cancelling_releases_the_unit_held(engineer, customer, case_a, camera, cameras, warehouse):
    order = confirm(case_a, engineer, camera, ship_from=warehouse)
    with pytest.raises(ValidationError, match="Say why the RMA order is cancelled."):
        services.rma_cancel(order=order, actor=engineer, reason="")
    order = services.rma_cancel(order=order, actor=engineer, reason="复查为网线松动，非硬件故障")
    assert order.status == "cancelled"
    assert Stock.objects.get(part=camera, location=warehouse).reserved == 0
    assert kinds(case_a, customer)[-1] == "rma_cancelled"


def test_writing_off_an_unreturned_part_stops_the_chase(engineer, parts, case_a, psu, warehouse):
    stock_of(psu, warehouse, 1)
    order = confirm(case_a, engineer, psu, ship_from=warehouse)
    order = services.rma_ship(order=order, actor=parts)
    order = services.rma_write_off(order=order, actor=parts, reason="客户确认故障件遗失，按价赔付")
    assert (order.status, order.return_notice_at) == ("written_off", None)
    assert kinds(case_a)[-1] == "rma_written_off"


def test_a_second_order_on_the_case_gets_the_next_number(engineer, case_a, psu, camera):
    first = confirm(case_a, engineer, psu)
    second = confirm(case_a, engineer, camera)
    assert (first.number, second.number) == (f"{case_a.number}-R1", f"{case_a.number}-R2")
