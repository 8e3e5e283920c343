"""The minute sweep: missed shipping and repair deadlines flagged, faulty parts and loaners
reminded before their due time and chased after, each exactly once however often it runs."""

import pytest

from aftersales.notifications.models import OutboxMessage
from aftersales.rma import services
from aftersales.rma.sweep import rma_sweep
from aftersales.rma.tasks import rma_due
from aftersales.rma.tests.conftest import at
from aftersales.rma.tests.factories import stock_of


@pytest.fixture(autouse=True)
def _wednesday(clock):
    clock("2026-03-04 10:00")


def sweep(text: str):
    return rma_sweep(now=at(text))


def told(event: str) -> list[tuple[str, str]]:
    """(recipient, subject) of the in-app messages of `event`."""
    return list(
        OutboxMessage.objects.filter(event=event, channel="in_app")
        .order_by("pk")
        .values_list("recipient__username", "subject")
    )


@pytest.fixture
def order(clock, engineer, case_a, psu, warehouse):
    """An order confirmed Wednesday 15:00: to ship by Thursday 12:00."""
    stock_of(psu, warehouse, 2)
    clock("2026-03-04 15:00")
    return services.rma_confirm_fault(
        case=case_a, actor=engineer, part=psu, fault="电源损坏", ship_from=warehouse
    )


def test_a_replacement_not_shipped_in_time_is_flagged_once(order, parts, engineer, case_a):
    assert sweep("2026-03-05 11:59").fired == 0
    report = sweep("2026-03-05 12:00")
    assert report.ship_late == 1
    order.refresh_from_db()
    assert order.ship_breached is True
    entry = case_a.timeline.order_by("-seq").first()
    assert (entry.kind, entry.visibility, entry.data["target"]) == (
        "rma_overdue",
        "internal",
        "shipping",
    )
    assert {who for who, _subject in told("rma_overdue")} == {"parts", "engineer"}
    assert sweep("2026-03-05 12:01").fired == 0
    assert len(told("rma_overdue")) == 2


def test_the_faulty_part_is_reminded_then_chased(clock, order, parts, customer, engineer, case_a):
    clock("2026-03-04 16:00")
    services.rma_ship(order=order, actor=parts)  # due back Wednesday 18 March, 17:00
    assert sweep("2026-03-17 08:59").fired == 0

    assert sweep("2026-03-17 09:00").return_reminders == 1
    assert told("rma_return_due") == [
        ("customer", f"请寄回故障件：{order.number}，截止 03-18 17:00"),
        ("engineer", f"请寄回故障件：{order.number}，截止 03-18 17:00"),
    ]
    assert sweep("2026-03-17 09:05").fired == 0

    report = sweep("2026-03-18 17:00")
    assert (report.return_reminders, report.return_overdue) == (0, 1)
    order.refresh_from_db()
    assert (order.return_overdue_at, order.return_notice_at) == (
        at("2026-03-18 17:00"),
        at("2026-03-20 09:00"),
    )
    assert order.return_overdue is True
    assert {who for who, _ in told("rma_return_overdue")} == {"customer", "engineer", "parts"}

    assert sweep("2026-03-19 12:00").fired == 0
    assert sweep("2026-03-20 09:00").return_overdue == 1  # chased again, two days on
    assert len(told("rma_return_overdue")) == 6
    kinds = [e.kind for e in case_a.timeline.order_by("seq") if e.kind.startswith("rma_return")]
    assert kinds == ["rma_return_reminder", "rma_return_overdue", "rma_return_overdue"]

    clock("2026-03-20 10:00")
    services.rma_receive_faulty(order=order, actor=parts)
    assert sweep("2026-03-30 09:00").return_overdue == 0  # received: no more chasing


def test_an_exchange_repair_not_done_in_time_is_flagged(clock, order, parts, case_a):
    clock("2026-03-04 16:00")
    order = services.rma_ship(order=order, actor=parts)
    clock("2026-03-06 10:00")
    order = services.rma_receive_faulty(order=order, actor=parts)
    assert order.repair_due_at == at("2026-03-19 10:00")
    services.rma_send_to_repair(order=order, actor=parts, repair_kind="vendor")
    assert sweep("2026-03-19 09:59").repair_late == 0
    assert sweep("2026-03-19 10:00").repair_late == 1
    order.refresh_from_db()
    assert order.repair_breached is True
    assert case_a.timeline.order_by("-seq").first().data["target"] == "repair"
    assert sweep("2026-03-20 10:00").repair_late == 0


def test_a_loaner_is_reminded_then_chased(
    clock, engineer, parts, customer, case_a, camera, warehouse
):
    stock_of(camera, warehouse, serials=["LOAN-1"])
    loan = services.loan_lend(
        case=case_a,
        actor=engineer,
        part=camera,
        serial_number="LOAN-1",
        location=warehouse,
        due_back_at=at("2026-03-10 17:00"),
    )
    assert sweep("2026-03-09 08:00").fired == 0
    assert sweep("2026-03-09 09:00").loan_reminders == 1
    assert {who for who, _ in told("loan_due")} == {"customer", "engineer"}
    assert sweep("2026-03-10 16:59").fired == 0
    assert sweep("2026-03-10 17:00").loan_overdue == 1
    assert {who for who, _ in told("loan_overdue")} == {"customer", "engineer", "parts"}
    loan.refresh_from_db()
    assert (loan.overdue_at, loan.notice_at) == (at("2026-03-10 17:00"), at("2026-03-12 09:00"))
    clock("2026-03-11 10:00")
    services.loan_return(loan=loan, actor=parts, location=warehouse)
    assert sweep("2026-03-12 09:00").fired == 0


def test_the_worker_task_runs_the_sweep(clock, order):
    clock("2026-03-05 12:30")
    result = rma_due.call_local()
    assert result["ship_late"] == 1
