"""Loaners (备机) lent to a site and taken back; a case handed to a vendor's support, our owner
staying on it."""

import pytest

from aftersales.cases import services as case_services
from aftersales.cases.models import Case, TimelineEntry
from aftersales.cases.selectors import timeline_for
from aftersales.core.errors import Conflict, Forbidden, ValidationError
from aftersales.rma import services
from aftersales.rma.models import Loan, PartUnit, Stock, StockMove, VendorTicket
from aftersales.rma.tests.conftest import at
from aftersales.rma.tests.factories import stock_of


@pytest.fixture(autouse=True)
def _wednesday(clock):
    clock("2026-03-04 10:00")


@pytest.fixture
def loaners(camera, warehouse):
    return stock_of(camera, warehouse, serials=["LOAN-1", "LOAN-2"])


def lend(case, actor, part, location, **extra):
    arguments = {"serial_number": "LOAN-1", "due_back_at": at("2026-03-20 17:00"), **extra}
    return services.loan_lend(case=case, actor=actor, part=part, location=location, **arguments)


def snapshot():
    return (
        list(Loan.objects.order_by("pk").values_list("pk", "status", "due_back_at")),
        list(Stock.objects.order_by("pk").values_list("pk", "on_hand", "reserved")),
        list(PartUnit.objects.order_by("pk").values_list("serial_number", "state", "location")),
        StockMove.objects.count(),
        TimelineEntry.objects.count(),
        list(VendorTicket.objects.values_list("pk", "status")),
    )


# --- loaners --------------------------------------------------------------------------------


def test_lending_and_taking_back_a_loaner(
    clock, engineer, parts, customer, case_a, site_a, asset_a, camera, loaners, warehouse
):
    loan = lend(case_a, engineer, camera, warehouse, asset=asset_a, note="原设备返厂维修期间使用")
    assert (loan.number, loan.status, loan.site, loan.organisation) == (
        f"{case_a.number}-L1",
        "out",
        site_a,
        case_a.organisation,
    )
    # Reminded the working morning before it is due back (Friday 20 March).
    assert loan.notice_at == at("2026-03-19 09:00")
    unit = PartUnit.objects.get(serial_number="LOAN-1")
    assert (unit.state, unit.location) == ("on_loan", None)
    assert Stock.objects.get(part=camera, location=warehouse).on_hand == 1
    assert StockMove.objects.get(kind="loan").loan == loan

    clock("2026-03-12 10:00")
    loan = services.loan_extend(
        loan=loan, actor=engineer, due_back_at=at("2026-03-27 17:00"), reason="返修延期"
    )
    assert (loan.due_back_at, loan.notice_at) == (at("2026-03-27 17:00"), at("2026-03-26 09:00"))

    clock("2026-03-25 16:00")
    loan = services.loan_return(loan=loan, actor=parts, location=warehouse, note="外观完好")
    assert (loan.status, loan.returned_to, loan.notice_at) == ("returned", warehouse, None)
    unit.refresh_from_db()
    assert (unit.state, unit.location) == ("in_stock", warehouse)
    assert Stock.objects.get(part=camera, location=warehouse).on_hand == 2
    assert list(loan.moves.order_by("pk").values_list("kind", flat=True)) == ["loan", "return"]

    visible = [e.kind for e in timeline_for(case=case_a, user=customer)]
    assert visible[-3:] == ["rma_loan_out", "rma_loan_extended", "rma_loan_returned"]
    out = case_a.timeline.get(kind="rma_loan_out")
    assert out.data["site"] == site_a.name and "北京总库" not in str(out.data)


def test_a_loaner_is_tracked_by_its_serial(engineer, case_a, psu, warehouse):
    stock_of(psu, warehouse, 3)
    before = snapshot()
    with pytest.raises(ValidationError, match="choose a serialised part"):
        lend(case_a, engineer, psu, warehouse)
    assert snapshot() == before


def test_a_loaner_not_in_stock_is_not_lent(engineer, case_a, camera, loaners, warehouse):
    lend(case_a, engineer, camera, warehouse)
    before = snapshot()
    with pytest.raises(Conflict, match="Not in stock at 北京总库: DS-2CD3T46 serial LOAN-1."):
        lend(case_a, engineer, camera, warehouse)
    assert snapshot() == before


def test_a_loaner_goes_to_the_customers_own_site(
    engineer, case_a, site_b, camera, loaners, warehouse
):
    with pytest.raises(ValidationError, match="This site belongs to another organisation."):
        lend(case_a, engineer, camera, warehouse, site=site_b)
    assert not Loan.objects.exists()


def test_a_due_date_in_the_past_is_refused(engineer, case_a, camera, loaners, warehouse):
    with pytest.raises(ValidationError, match="The date must be in the future."):
        lend(case_a, engineer, camera, warehouse, due_back_at=at("2026-03-01 17:00"))


def test_a_lost_loaner_is_written_off_by_the_parts_desk(
    engineer, parts, case_a, camera, loaners, warehouse
):
    loan = lend(case_a, engineer, camera, warehouse)
    with pytest.raises(Forbidden, match="You may not “Write off the loaner”."):
        services.loan_write_off(loan=loan, actor=engineer, reason="遗失")
    loan = services.loan_write_off(loan=loan, actor=parts, reason="客户遗失，已赔付")
    assert loan.status == "lost"
    assert PartUnit.objects.get(serial_number="LOAN-1").state == "scrapped"
    with pytest.raises(Conflict, match="“Take the loaner back” is not allowed"):
        services.loan_return(loan=loan, actor=parts, location=warehouse)


# --- vendor hand-off ------------------------------------------------------------------------


def test_handing_to_a_vendor_keeps_our_owner_and_waits_on_the_vendor(
    engineer, customer, case_a, asset_a
):
    vendor = asset_a.model.vendor
    ticket = services.vendor_ticket_open(
        case=case_a, actor=engineer, vendor=vendor, reference="HK-2026-00042", note="附日志"
    )
    case_a.refresh_from_db()
    assert (case_a.status, case_a.assignee, case_a.team_id) == ("waiting_vendor", engineer, None)
    assert (ticket.status, ticket.reference, ticket.opened_by) == (
        "open",
        "HK-2026-00042",
        engineer,
    )
    assert [e.kind for e in case_a.timeline.order_by("seq")][-2:] == [
        "waiting",
        "rma_vendor_opened",
    ]
    entry = case_a.timeline.get(kind="rma_vendor_opened")
    assert (entry.visibility, entry.body) == ("internal", "附日志")

    ticket = services.vendor_ticket_answer(
        ticket=ticket, actor=engineer, answer="厂商建议升级固件至 V5.7.3"
    )
    ticket = services.vendor_ticket_answer(
        ticket=ticket, actor=engineer, answer="升级包已发送", visibility="public"
    )
    assert ticket.answers == 2
    answers = case_a.timeline.filter(kind="rma_vendor_answer").order_by("seq")
    assert [(e.body, e.visibility) for e in answers] == [
        ("厂商建议升级固件至 V5.7.3", "internal"),
        ("升级包已发送", "public"),
    ]

    ticket = services.vendor_ticket_close(ticket=ticket, actor=engineer, note="问题已解决")
    case_a.refresh_from_db()
    assert (ticket.status, case_a.status, case_a.assignee) == ("closed", "in_progress", engineer)
    assert [e.kind for e in case_a.timeline.order_by("seq")][-2:] == [
        "rma_vendor_closed",
        "resumed",
    ]
    # The customer saw only the answer made public, and the case waiting and resuming.
    visible = [e.kind for e in timeline_for(case=case_a, user=customer)]
    assert "rma_vendor_opened" not in visible and visible.count("rma_vendor_answer") == 1


def test_a_transfer_changes_the_owner_a_vendor_hand_off_does_not(
    engineer, engineer2, dispatcher, team, case_a, asset_a
):
    services.vendor_ticket_open(
        case=case_a, actor=dispatcher, vendor=asset_a.model.vendor, reference="R1"
    )
    assert Case.objects.get(pk=case_a.pk).assignee == engineer
    case_services.case_transfer(
        case=case_a, team=team, assignee=engineer2, actor=dispatcher, reason="转现场组"
    )
    assert Case.objects.get(pk=case_a.pk).assignee == engineer2


def test_a_vendors_reference_is_recorded_once(engineer, case_a, case_b, asset_a):
    vendor = asset_a.model.vendor
    services.vendor_ticket_open(case=case_a, actor=engineer, vendor=vendor, reference="HK-1")
    before = snapshot()
    with pytest.raises(Conflict) as refused:
        services.vendor_ticket_open(case=case_b, actor=engineer, vendor=vendor, reference="HK-1")
    assert (
        str(refused.value) == f"{vendor.name}'s reference HK-1 is already on case {case_a.number}."
    )
    assert snapshot() == before


def test_the_parts_desk_hands_off_without_setting_the_case_waiting(parts, case_a, asset_a):
    services.vendor_ticket_open(
        case=case_a, actor=parts, vendor=asset_a.model.vendor, reference="HK-9"
    )
    case_a.refresh_from_db()
    assert case_a.status == "in_progress"


def test_a_case_stays_waiting_while_another_vendor_ticket_is_open(engineer, case_a, asset_a):
    vendor = asset_a.model.vendor
    first = services.vendor_ticket_open(case=case_a, actor=engineer, vendor=vendor, reference="A")
    services.vendor_ticket_open(case=case_a, actor=engineer, vendor=vendor, reference="B")
    services.vendor_ticket_close(ticket=first, actor=engineer)
    assert Case.objects.get(pk=case_a.pk).status == "waiting_vendor"


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        ({"reference": " "}, "reference", "Give the vendor's reference number."),
        ({"visibility": "secret"}, "visibility", "Unknown visibility."),
    ],
)
def test_vendor_hand_off_input_is_checked(engineer, case_a, asset_a, arguments, field, message):
    with pytest.raises(ValidationError) as refused:
        services.vendor_ticket_open(
            case=case_a,
            actor=engineer,
            vendor=asset_a.model.vendor,
            **{"reference": "X", **arguments},
        )
    assert (refused.value.field, str(refused.value)) == (field, message)
    assert not VendorTicket.objects.exists()


def test_a_customer_does_not_hand_cases_to_vendors(customer, case_a, asset_a):
    with pytest.raises(Forbidden, match="You may not “Hand to the vendor's support”."):
        services.vendor_ticket_open(
            case=case_a, actor=customer, vendor=asset_a.model.vendor, reference="X"
        )
