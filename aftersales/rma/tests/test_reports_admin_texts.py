"""The reports feed (parts used, RMA turnaround, overdue returns, loaners out), the catalogue's
checks and the admin, and the notification texts of the spare-parts events."""

import pytest
from django.urls import reverse

from aftersales.accounts.tests.factories import UserFactory
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.notifications.choices import Event
from aftersales.notifications.models import NotificationTemplate
from aftersales.notifications.services import notify
from aftersales.rma import selectors, services
from aftersales.rma.choices import LocationKind
from aftersales.rma.models import SparePart, StockLocation
from aftersales.rma.tests.conftest import at
from aftersales.rma.tests.factories import stock_of


@pytest.fixture(autouse=True)
def _wednesday(clock):
    clock("2026-03-04 10:00")


@pytest.fixture
def history(clock, engineer, parts, case_a, case_b, asset_a, psu, camera, warehouse, van):
    """Parts used on cases A and B; two RMA orders of case A (one shipped late and repaired
    in time, one shipped in time), one order of case B; a loaner out."""
    stock_of(psu, warehouse, 10)
    stock_of(psu, van, 3)
    stock_of(camera, warehouse, serials=["K1", "K2", "K3", "LOAN-1"])
    services.stock_consume(part=psu, quantity=2, location=van, actor=engineer, case=case_a)
    services.stock_consume(part=psu, quantity=1, location=warehouse, actor=engineer, case=case_b)
    late = services.rma_confirm_fault(
        case=case_a, actor=engineer, part=camera, fault="坏", asset=asset_a, ship_from=warehouse
    )
    clock("2026-03-05 09:00")  # due Wednesday 17:00: late by the desk's first hour
    late = services.rma_ship(order=late, actor=parts, replacement_serial="K1")
    clock("2026-03-06 10:00")
    late = services.rma_receive_faulty(order=late, actor=parts)
    late = services.rma_send_to_repair(order=late, actor=parts, repair_kind="internal")
    clock("2026-03-09 10:00")
    services.rma_receive_repaired(order=late, actor=parts)
    on_time = services.rma_confirm_fault(case=case_a, actor=engineer, part=psu, fault="坏")
    clock("2026-03-09 11:00")
    services.rma_ship(order=on_time, actor=parts, ship_from=warehouse)
    services.rma_confirm_fault(case=case_b, actor=engineer, part=psu, fault="坏")
    services.loan_lend(
        case=case_a,
        actor=engineer,
        part=camera,
        serial_number="LOAN-1",
        location=warehouse,
        due_back_at=at("2026-03-10 17:00"),
    )
    return {"late": late, "on_time": on_time}


# --- reports feed ----------------------------------------------------------------------------


def test_parts_used_per_case(history, dispatcher, case_a, case_b):
    rows = selectors.parts_used_by_case(user=dispatcher)
    assert [(r["case_number"], r["part_number"], r["quantity"]) for r in rows] == sorted(
        [
            (case_a.number, "DS-2CD3T46", 1),  # the replacement shipped
            (case_a.number, "PSU-12V-60W", 3),  # 2 used on site, 1 shipped as a replacement
            (case_b.number, "PSU-12V-60W", 1),
        ]
    )


def test_parts_used_per_asset_model(history, dispatcher, asset_a, case_b):
    rows = selectors.parts_used_by_asset_model(user=dispatcher)
    by_model = {(r["asset_model"], r["part_number"]): r["quantity"] for r in rows}
    model_b = case_b.assets.get().model.name
    assert by_model == {
        (asset_a.model.name, "DS-2CD3T46"): 1,
        (asset_a.model.name, "PSU-12V-60W"): 3,
        (model_b, "PSU-12V-60W"): 1,
    }


def test_parts_used_in_a_period(history, dispatcher):
    rows = selectors.parts_used_by_case(
        user=dispatcher, start=at("2026-03-05 00:00"), end=at("2026-03-10 00:00")
    )
    assert sum(r["quantity"] for r in rows) == 2  # the two replacements shipped


def test_rma_turnaround(history, dispatcher):
    calendar = services.desk_calendar()
    rows = {r.number: r for r in selectors.rma_turnaround(user=dispatcher, calendar=calendar)}
    late = rows[history["late"].number]
    # Confirmed Wednesday 10:00, shipped Thursday 09:00: 7 desk hours.
    assert (late.ship_minutes, late.shipped_on_time) == (7 * 60, False)
    # Received Friday 10:00, back Monday 10:00: 8 desk hours, within 72.
    assert (late.repair_minutes, late.repaired_on_time) == (8 * 60, True)
    on_time = rows[history["on_time"].number]
    assert (on_time.ship_minutes, on_time.shipped_on_time, on_time.repair_minutes) == (
        60,
        True,
        None,
    )
    summary = selectors.rma_turnaround_summary(list(rows.values()))
    assert summary["orders"] == 3
    assert summary["shipping"] == {"done": 2, "average_minutes": 240.0, "on_time_rate": 0.5}
    assert summary["repair"] == {"done": 1, "average_minutes": 480.0, "on_time_rate": 1.0}


def test_overdue_returns_and_loaners_out(history, dispatcher):
    # The replacement shipped on Monday 9 March is due back by Monday 23 March, 17:00.
    assert selectors.overdue_returns(user=dispatcher, now=at("2026-03-23 16:59")) == []
    overdue = selectors.overdue_returns(user=dispatcher, now=at("2026-03-24 10:00"))
    assert [o.number for o in overdue] == [history["on_time"].number]
    loans = selectors.loans_out(user=dispatcher, now=at("2026-03-11 10:00"))
    assert [(loan.serial_number, loan.overdue) for loan in loans] == [("LOAN-1", True)]


def test_a_customer_reads_only_its_own_figures(history, customer, customer_b, case_b):
    assert {r["case_number"] for r in selectors.parts_used_by_case(user=customer_b)} == {
        case_b.number
    }
    calendar = services.desk_calendar()
    assert [
        r.organisation for r in selectors.rma_turnaround(user=customer_b, calendar=calendar)
    ] == [case_b.organisation.code]
    assert selectors.loans_out(user=customer_b, now=at("2026-03-11 10:00")) == []
    assert len(selectors.loans_out(user=customer, now=at("2026-03-11 10:00"))) == 1


# --- the catalogue and locations --------------------------------------------------------------


def test_only_the_parts_desk_keeps_the_catalogue(engineer, parts, asset_a):
    vendor = asset_a.model.vendor
    with pytest.raises(Forbidden, match="Only the spare-parts desk keeps the stock."):
        services.part_save(
            actor=engineer, instance=SparePart(), vendor=vendor, part_number="X1", name="x"
        )
    part = services.part_save(
        actor=parts,
        instance=SparePart(),
        vendor=vendor,
        part_number="X1",
        name="风扇",
        compatible_models=[asset_a.model],
    )
    assert list(part.compatible_models.all()) == [asset_a.model]
    with pytest.raises(ValidationError, match="already exists"):
        services.part_save(
            actor=parts, instance=SparePart(), vendor=vendor, part_number="X1", name="重复"
        )


def test_a_stocked_part_keeps_whether_it_is_serialised(parts, psu, stocked):
    with pytest.raises(Conflict, match="The part is in stock"):
        services.part_save(actor=parts, instance=psu, serialised=True)
    assert SparePart.objects.get(pk=psu.pk).serialised is False


def test_an_engineers_stock_belongs_to_an_engineer(parts, dispatcher, customer):
    for owner, message in (
        (None, "An engineer's stock needs its engineer."),
        (dispatcher, "dispatcher is not an engineer."),
        (customer, "customer is not an engineer."),
    ):
        with pytest.raises(ValidationError, match=message):
            services.location_save(
                actor=parts,
                instance=StockLocation(),
                code="van-x",
                name="随车",
                kind=LocationKind.ENGINEER,
                owner=owner,
            )
    assert not StockLocation.objects.filter(code="van-x").exists()


# --- the admin --------------------------------------------------------------------------------


ADMIN_PAGES = [
    "sparepart",
    "stocklocation",
    "stock",
    "partunit",
    "reservation",
    "stockmove",
    "rmaorder",
    "loan",
    "vendorticket",
]


@pytest.mark.parametrize("model", ADMIN_PAGES)
def test_the_admin_lists_every_model(client, parts, history, model):
    client.force_login(parts)
    response = client.get(reverse(f"admin:rma_{model}_changelist"))
    assert response.status_code == 200


def test_stock_and_orders_are_read_only_in_the_admin(client, parts, history):
    client.force_login(parts)
    assert client.get(reverse("admin:rma_stock_add")).status_code == 403
    order = history["late"]
    response = client.get(reverse("admin:rma_rmaorder_change", args=[order.pk]))
    assert response.status_code == 200
    assert b'name="status"' not in response.content


def test_the_admin_checks_an_engineers_stock(client, parts, dispatcher):
    client.force_login(parts)
    response = client.post(
        reverse("admin:rma_stocklocation_add"),
        {"code": "van-d", "name": "随车", "kind": "engineer", "owner": dispatcher.pk},
    )
    assert response.status_code == 200
    assert "dispatcher is not an engineer." in response.content.decode()
    assert not StockLocation.objects.filter(code="van-d").exists()


# --- notification texts ------------------------------------------------------------------------


EVENTS = [
    Event.STOCK_LOW,
    Event.RMA_OPENED,
    Event.RMA_SHIPPED,
    Event.RMA_RETURN_DUE,
    Event.RMA_RETURN_OVERDUE,
    Event.RMA_OVERDUE,
    Event.LOAN_DUE,
    Event.LOAN_OVERDUE,
]


def test_every_event_has_its_texts_in_both_languages_on_every_channel(db):
    rows = set(
        NotificationTemplate.objects.filter(event__in=EVENTS).values_list(
            "event", "channel", "language"
        )
    )
    assert rows == {
        (event, channel, language)
        for event in EVENTS
        for channel in ("in_app", "email", "sms", "robot")
        for language in ("zh-hans", "en")
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("event", EVENTS)
def test_every_text_renders(case_a, language, event):
    reader = UserFactory(username=f"reader-{language}", language=language, phone="13900000000")
    context = {
        "rma": "20260304-000001-R1",
        "loan": "20260304-000001-L1",
        "part": "PSU-12V-60W 电源适配器",
        "part_number": "PSU-12V-60W",
        "location": "北京总库",
        "available": 1,
        "on_hand": 1,
        "minimum": 2,
        "due": at("2026-03-18 17:00"),
        "target": "shipping the replacement",
        "carrier": "顺丰",
        "tracking_number": "SF1",
        "serial_number": "LOAN-1",
        "site": "中关村派出所",
        "notice": 2,
        "url": "http://example.test/rma/x/",
    }
    messages = notify(event=event, recipients=[reader], case=case_a, context=context)
    assert {m.channel for m in messages} == {"in_app", "email"}
    for message in messages:
        assert message.language == language
        assert message.subject and "{{" not in message.subject + message.body
        assert "PSU-12V-60W" in message.subject + message.body
