"""Stock: what the parts desk and engineers do with it, every move recorded, refusals that
change nothing, and the alert when a part drops below its minimum."""

import pytest

from aftersales.cases.models import TimelineEntry
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.notifications.models import OutboxMessage
from aftersales.rma import services
from aftersales.rma.models import ImmutableError, PartUnit, Reservation, Stock, StockMove
from aftersales.rma.tests.factories import stock_of


def snapshot():
    """What a refused request must leave as it was."""
    return (
        list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved", "low_since")),
        list(Reservation.objects.order_by("pk").values_list("pk", "quantity", "closed_at")),
        StockMove.objects.count(),
        TimelineEntry.objects.count(),
        list(PartUnit.objects.order_by("pk").values_list("serial_number", "state", "location")),
        OutboxMessage.objects.count(),
    )


def row(part, location) -> Stock:
    return Stock.objects.get(part=part, location=location)


# --- receiving -----------------------------------------------------------------------------


def test_receiving_adds_to_the_stock_and_records_the_move(parts, warehouse, psu):
    (move,) = services.stock_receive(
        actor=parts, part=psu, location=warehouse, quantity=5, note="采购单 PO-1"
    )
    assert (row(psu, warehouse).on_hand, row(psu, warehouse).reserved) == (5, 0)
    assert (move.kind, move.quantity, move.to_location, move.actor, move.note) == (
        "receive",
        5,
        warehouse,
        parts,
        "采购单 PO-1",
    )


def test_a_serialised_part_names_each_unit(parts, warehouse, camera):
    moves = services.stock_receive(
        actor=parts, part=camera, location=warehouse, serial_numbers=["K001", "K002"]
    )
    assert [(m.serial_number, m.quantity) for m in moves] == [("K001", 1), ("K002", 1)]
    assert row(camera, warehouse).on_hand == 2
    assert set(PartUnit.objects.values_list("serial_number", "state", "location")) == {
        ("K001", "in_stock", warehouse.pk),
        ("K002", "in_stock", warehouse.pk),
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"quantity": 2}, "DS-2CD3T46 is serialised: name the serial number of each unit."),
        ({"serial_numbers": ["K1", "K1"]}, "Serial numbers named twice: K1."),
        ({"quantity": 3, "serial_numbers": ["K1", "K2"]}, "2 serial numbers for a quantity of 3."),
    ],
)
def test_receiving_a_serialised_part_refuses_bad_serials(
    parts, warehouse, camera, arguments, message
):
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        services.stock_receive(actor=parts, part=camera, location=warehouse, **arguments)
    assert str(refused.value) == message
    assert snapshot() == before


def test_a_unit_already_in_stock_is_not_received_twice(parts, warehouse, second_warehouse, camera):
    stock_of(camera, warehouse, serials=["K001"])
    before = snapshot()
    with pytest.raises(Conflict, match="Already in stock or on loan: DS-2CD3T46 serial K001."):
        services.stock_receive(
            actor=parts, part=camera, location=second_warehouse, serial_numbers=["K001"]
        )
    assert snapshot() == before


@pytest.mark.parametrize("quantity", [0, -1, 2.5, True])
def test_a_quantity_is_a_whole_number_of_one_or_more(parts, warehouse, psu, quantity):
    with pytest.raises(ValidationError, match="whole number of 1 or more"):
        services.stock_receive(actor=parts, part=psu, location=warehouse, quantity=quantity)


def test_only_the_parts_desk_receives(engineer, customer, warehouse, psu):
    for person in (engineer, customer):
        with pytest.raises(Forbidden, match="Only the spare-parts desk keeps the stock."):
            services.stock_receive(actor=person, part=psu, location=warehouse, quantity=1)
    assert not Stock.objects.exists()


# --- reserving -----------------------------------------------------------------------------


def test_reserving_holds_units_for_the_case(engineer, warehouse, psu, stocked, case_a):
    reservation = services.stock_reserve(
        part=psu, quantity=2, location=warehouse, actor=engineer, case=case_a, visit_id=7
    )
    stock = row(psu, warehouse)
    assert (stock.on_hand, stock.reserved, stock.available) == (5, 2, 3)
    assert (reservation.quantity, reservation.case, reservation.visit_id) == (2, case_a, 7)
    move = StockMove.objects.get(kind="reserve")
    assert (move.quantity, move.case, move.visit_id, move.reservation) == (
        2,
        case_a,
        7,
        reservation,
    )
    entry = case_a.timeline.order_by("-seq").first()
    assert (entry.kind, entry.visibility) == ("rma_parts_reserved", "internal")


def test_reserving_what_is_not_there_fails_clearly_and_changes_nothing(
    engineer, warehouse, psu, stocked, case_a
):
    services.stock_reserve(part=psu, quantity=4, location=warehouse, actor=engineer, case=case_a)
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        services.stock_reserve(
            part=psu, quantity=2, location=warehouse, actor=engineer, case=case_a
        )
    assert str(refused.value) == (
        "Only 1 of PSU-12V-60W available at 北京总库 (5 on hand, 4 reserved); 2 asked. "
        "Nothing was changed."
    )
    assert (refused.value.code, refused.value.field) == ("insufficient_stock", "quantity")
    assert snapshot() == before


def test_reserving_at_a_location_that_never_stocked_the_part(engineer, van, psu, case_a):
    before = snapshot()
    with pytest.raises(Conflict, match="PSU-12V-60W is not stocked at 工程师随车库; 1 asked."):
        services.stock_reserve(part=psu, quantity=1, location=van, actor=engineer, case=case_a)
    assert snapshot() == before


def test_an_engineer_takes_from_warehouses_and_their_own_stock_only(
    engineer, warehouse, van2, psu, stocked, case_a
):
    stock_of(psu, van2, 2)
    before = snapshot()
    with pytest.raises(Forbidden, match="only from a warehouse or your own stock"):
        services.stock_reserve(part=psu, quantity=1, location=van2, actor=engineer, case=case_a)
    assert snapshot() == before


def test_a_customer_takes_nothing(customer, warehouse, psu, stocked, case_a):
    with pytest.raises(Forbidden, match="You may not take parts from stock."):
        services.stock_reserve(part=psu, quantity=1, location=warehouse, actor=customer)


def test_releasing_gives_the_units_back(engineer, warehouse, psu, stocked, case_a):
    reservation = services.stock_reserve(
        part=psu, quantity=3, location=warehouse, actor=engineer, case=case_a
    )
    services.stock_release(reservation=reservation, actor=engineer, quantity=1)
    assert row(psu, warehouse).reserved == 2
    reservation.refresh_from_db()
    assert (reservation.quantity, reservation.closed_at) == (2, None)
    services.stock_release(reservation=reservation, actor=engineer)
    reservation.refresh_from_db()
    assert reservation.quantity == 0 and reservation.closed_at is not None
    assert row(psu, warehouse).reserved == 0
    with pytest.raises(Conflict, match="This reservation is already closed."):
        services.stock_release(reservation=reservation, actor=engineer)
    kinds = list(case_a.timeline.order_by("seq").values_list("kind", flat=True))
    assert kinds[-3:] == ["rma_parts_reserved", "rma_parts_released", "rma_parts_released"]


# --- consuming -----------------------------------------------------------------------------


def test_consuming_draws_on_the_cases_reservation_first(
    engineer, warehouse, psu, stocked, case_a, asset_a
):
    reservation = services.stock_reserve(
        part=psu, quantity=1, location=warehouse, actor=engineer, case=case_a
    )
    (move,) = services.stock_consume(
        part=psu, quantity=2, location=warehouse, actor=engineer, case=case_a, note="更换电源"
    )
    stock = row(psu, warehouse)
    assert (stock.on_hand, stock.reserved) == (3, 0)
    reservation.refresh_from_db()
    assert reservation.closed_at is not None
    # The case's only asset is where the parts went.
    assert (move.kind, move.quantity, move.case, move.asset, move.reservation) == (
        "consume",
        2,
        case_a,
        asset_a,
        reservation,
    )
    entry = case_a.timeline.order_by("-seq").first()
    assert (entry.kind, entry.visibility, entry.body) == (
        "rma_parts_consumed",
        "internal",
        "更换电源",
    )
    assert entry.data["quantity"] == 2


def test_consuming_for_a_visit_uses_the_visits_reservation_and_leaves_others(
    engineer, warehouse, psu, stocked, case_a
):
    other_visit = services.stock_reserve(
        part=psu, quantity=1, location=warehouse, actor=engineer, case=case_a, visit_id=2
    )
    mine = services.stock_reserve(
        part=psu, quantity=1, location=warehouse, actor=engineer, case=case_a, visit_id=1
    )
    services.stock_consume(
        part=psu, quantity=1, location=warehouse, actor=engineer, case=case_a, visit_id=1
    )
    mine.refresh_from_db()
    other_visit.refresh_from_db()
    assert (mine.quantity, other_visit.quantity) == (0, 1)
    assert StockMove.objects.get(kind="consume").visit_id == 1


def test_consuming_more_than_is_there_changes_nothing(engineer, warehouse, psu, stocked, case_a):
    before = snapshot()
    with pytest.raises(Conflict, match="Only 5 of PSU-12V-60W available"):
        services.stock_consume(
            part=psu, quantity=6, location=warehouse, actor=engineer, case=case_a
        )
    assert snapshot() == before


def test_consuming_a_serialised_part_installs_the_named_unit(
    engineer, van, camera, case_a, asset_a
):
    stock_of(camera, van, serials=["K1", "K2"])
    before = snapshot()
    with pytest.raises(Conflict, match="Not in stock at 工程师随车库: DS-2CD3T46 serial K9."):
        services.stock_consume(
            part=camera,
            quantity=1,
            location=van,
            actor=engineer,
            case=case_a,
            serial_numbers=["K9"],
        )
    assert snapshot() == before
    services.stock_consume(
        part=camera, quantity=1, location=van, actor=engineer, case=case_a, serial_numbers=["K2"]
    )
    assert PartUnit.objects.get(serial_number="K2").state == "installed"
    assert row(camera, van).on_hand == 1


def test_nothing_is_consumed_on_a_closed_case(make_closed_case, engineer, warehouse, psu, stocked):
    case = make_closed_case()
    before = snapshot()
    with pytest.raises(Conflict, match=r"Case .* is Closed."):
        services.stock_consume(part=psu, quantity=1, location=warehouse, actor=engineer, case=case)
    assert snapshot() == before


@pytest.fixture
def make_closed_case(org_a, dispatcher, engineer, manager):
    from aftersales.cases.tests.factories import case_in_state

    return lambda: case_in_state(
        "closed", organisation=org_a, dispatcher=dispatcher, engineer=engineer, manager=manager
    )


def test_a_caller_holding_the_case_lock_passes_its_instance(
    engineer, warehouse, psu, stocked, case_a
):
    """A visit service that locked the case itself keeps using its instance: the entry is
    appended to it, so its later save does not lose it."""
    from django.db import transaction

    from aftersales.cases.models import Case
    from aftersales.cases.services import case_note

    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case_a.pk)
        services.stock_consume(
            part=psu, quantity=1, location=warehouse, actor=engineer, case=locked, locked=True
        )
        case_note(case=locked, actor=engineer, body="换下的电源已带回", visibility="internal")
    kinds = list(case_a.timeline.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == ["rma_parts_consumed", "note"]
    from aftersales.audit.services import audit_verify

    assert audit_verify(case_numbers=[case_a.number]).first_mismatch is None


# --- transfers and scrap ------------------------------------------------------------------------


def test_transferring_moves_free_stock_between_locations(parts, warehouse, van, psu, stocked):
    services.stock_transfer(
        actor=parts, part=psu, from_location=warehouse, to_location=van, quantity=2
    )
    assert (row(psu, warehouse).on_hand, row(psu, van).on_hand) == (3, 2)
    move = StockMove.objects.get(kind="transfer")
    assert (move.from_location, move.to_location, move.quantity) == (warehouse, van, 2)


def test_reserved_units_are_not_transferred(parts, engineer, warehouse, van, psu, stocked, case_a):
    services.stock_reserve(part=psu, quantity=4, location=warehouse, actor=engineer, case=case_a)
    before = snapshot()
    with pytest.raises(Conflict, match="Only 1 of PSU-12V-60W available"):
        services.stock_transfer(
            actor=parts, part=psu, from_location=warehouse, to_location=van, quantity=2
        )
    assert snapshot() == before


def test_an_engineer_hands_back_their_own_stock_but_moves_no_other(
    engineer, warehouse, van, psu, stocked
):
    with pytest.raises(Forbidden, match="or an engineer their own"):
        services.stock_transfer(
            actor=engineer, part=psu, from_location=warehouse, to_location=van, quantity=1
        )
    stock_of(psu, van, 1)
    services.stock_transfer(
        actor=engineer, part=psu, from_location=van, to_location=warehouse, quantity=1
    )
    assert row(psu, van).on_hand == 0


def test_a_serialised_unit_moves_with_its_serial(parts, warehouse, van, camera):
    stock_of(camera, warehouse, serials=["K1", "K2"])
    services.stock_transfer(
        actor=parts, part=camera, from_location=warehouse, to_location=van, serial_numbers=["K2"]
    )
    assert PartUnit.objects.get(serial_number="K2").location == van
    assert (row(camera, warehouse).on_hand, row(camera, van).on_hand) == (1, 1)


def test_transferring_to_the_same_location_is_refused(parts, warehouse, psu, stocked):
    with pytest.raises(ValidationError, match="Choose two different locations."):
        services.stock_transfer(
            actor=parts, part=psu, from_location=warehouse, to_location=warehouse, quantity=1
        )


def test_scrapping_says_why(parts, warehouse, psu, stocked):
    with pytest.raises(ValidationError, match="Say why the parts are scrapped."):
        services.stock_scrap(actor=parts, part=psu, location=warehouse, quantity=1, reason=" ")
    services.stock_scrap(actor=parts, part=psu, location=warehouse, quantity=1, reason="受潮")
    assert row(psu, warehouse).on_hand == 4
    assert StockMove.objects.get(kind="scrap").note == "受潮"


# --- below the minimum ---------------------------------------------------------------------------


def stock_low_messages():
    return OutboxMessage.objects.filter(event="stock_low", channel="in_app")


def test_the_admins_are_told_once_when_stock_drops_below_its_minimum(
    parts, engineer, warehouse, psu, stocked, case_a
):
    take = dict(part=psu, location=warehouse, actor=engineer, case=case_a)
    services.stock_consume(quantity=3, **take)  # 2 left: at the minimum, not below
    assert not stock_low_messages().exists()
    services.stock_consume(quantity=1, **take)  # 1 left: below
    (message,) = stock_low_messages()
    assert message.recipient == parts
    # In the admin's language (Chinese unless they chose English).
    assert message.subject == "备件低于安全库存：PSU-12V-60W（北京总库）"
    assert "北京总库的备件“PSU-12V-60W 电源适配器”可用数量为 1（在库 1），低于安全库存 2" in (
        message.body
    )
    services.stock_consume(quantity=1, **take)  # still below: not told again
    assert stock_low_messages().count() == 1
    assert row(psu, warehouse).low_since is not None
    # Restocked, then below again: told again.
    services.stock_receive(actor=parts, part=psu, location=warehouse, quantity=4)
    assert row(psu, warehouse).low_since is None
    services.stock_consume(quantity=3, **take)
    assert stock_low_messages().count() == 2


def test_a_reservation_counts_against_the_minimum(engineer, warehouse, psu, stocked, case_a):
    services.stock_reserve(part=psu, quantity=4, location=warehouse, actor=engineer, case=case_a)
    assert stock_low_messages().count() == 1


def test_raising_the_minimum_above_the_stock_alerts_at_once(parts, warehouse, psu, stocked):
    services.stock_set_minimum(actor=parts, part=psu, location=warehouse, minimum=10)
    assert stock_low_messages().count() == 1


# --- the record ----------------------------------------------------------------------------------


def test_moves_are_never_changed_or_deleted(parts, warehouse, psu, stocked):
    move = StockMove.objects.first()
    move.quantity = 99
    with pytest.raises(ImmutableError):
        move.save()
    with pytest.raises(ImmutableError):
        move.delete()
    with pytest.raises(ImmutableError):
        StockMove.objects.update(quantity=1)
    with pytest.raises(ImmutableError):
        StockMove.objects.all().delete()
