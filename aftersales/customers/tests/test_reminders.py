"""The daily reminders of contracts and warranties ending in 60, 30 and 7 days: to the
dispatchers and managers (and a contract's customer), each once per threshold."""

import datetime as dt

import pytest

from aftersales.accounts.tests.factories import UserFactory
from aftersales.customers import selectors
from aftersales.customers.services import expiry_reminders_send
from aftersales.customers.tests.factories import (
    AssetFactory,
    ContactFactory,
    ContractFactory,
    OrganisationFactory,
)
from aftersales.notifications.models import OutboxMessage

TODAY = dt.date(2026, 5, 1)


def reminders(event: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(event=event, channel="email").order_by("id"))


@pytest.fixture
def desk(dispatcher, manager, engineer):
    """Dispatcher and manager are reminded; the engineer is not."""
    return [dispatcher, manager]


def test_a_contract_is_reminded_at_60_30_and_7_days_once_each(desk, org_a, customer):
    ContactFactory(organisation=org_a, name="主联系人", is_primary=True)
    customer.contact.is_primary = True
    customer.contact.save()
    contract = ContractFactory(
        organisation=org_a,
        number="HT-2026-01",
        name="海淀监控维保",
        end_date=TODAY + dt.timedelta(days=60),
    )

    assert expiry_reminders_send(today=TODAY) == 6  # 3 people × app and email
    assert expiry_reminders_send(today=TODAY) == 0  # the same day again: nothing
    assert expiry_reminders_send(today=TODAY + dt.timedelta(days=1)) == 0  # 59 days: done

    (first, *_rest) = reminders("contract_expiring")
    assert {m.recipient.username for m in reminders("contract_expiring")} == {
        "dispatcher",
        "manager",
        "customer",
    }
    assert first.subject == "服务合同 HT-2026-01 将于 60 天后到期"
    assert "海淀区公安分局的服务合同“海淀监控维保”（HT-2026-01）将于 2026-06-30 到期" in first.body

    assert expiry_reminders_send(today=TODAY + dt.timedelta(days=30)) == 6
    assert expiry_reminders_send(today=TODAY + dt.timedelta(days=53)) == 6
    assert expiry_reminders_send(today=TODAY + dt.timedelta(days=55)) == 0
    days = [m.payload["context"]["days"] for m in reminders("contract_expiring")]
    assert sorted(set(days)) == [7, 30, 60]
    # An extended contract is reminded again when its new end comes near.
    contract.end_date = TODAY + dt.timedelta(days=120)
    contract.save()
    assert expiry_reminders_send(today=TODAY + dt.timedelta(days=61)) == 6


def test_a_reminder_missed_while_the_worker_was_down_comes_late(desk, org_a):
    ContractFactory(organisation=org_a, end_date=TODAY + dt.timedelta(days=25))
    assert expiry_reminders_send(today=TODAY) == 4
    (message, *_rest) = reminders("contract_expiring")
    assert message.payload["context"]["threshold"] == 30
    assert message.payload["context"]["days"] == 25


def test_ended_far_off_and_archived_contracts_are_not_reminded(desk, org_a):
    ContractFactory(organisation=org_a, end_date=TODAY - dt.timedelta(days=1))
    ContractFactory(organisation=org_a, end_date=TODAY + dt.timedelta(days=61))
    archived = OrganisationFactory(code="OLD")
    ContractFactory(organisation=archived, end_date=TODAY + dt.timedelta(days=7))
    archived.archived_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    archived.save()
    assert expiry_reminders_send(today=TODAY) == 0


def test_warranties_are_reminded_per_acceptance_batch(desk, org_a, site_a):
    # 36 months from acceptance: 2023-06-30 + 36 months = 2026-06-30, in 60 days.
    contract = ContractFactory(
        organisation=org_a, number="HT-W", start_date=dt.date(2023, 1, 1), warranty_months=36
    )
    cameras = [
        AssetFactory(site=site_a, contract=contract, acceptance_date=dt.date(2023, 6, 30))
        for _ in range(12)
    ]
    AssetFactory(site=site_a, contract=contract, acceptance_date=dt.date(2023, 1, 1))
    assert cameras[0].warranty_end == TODAY + dt.timedelta(days=60)

    assert expiry_reminders_send(today=TODAY) == 4  # one message per person, not per camera
    assert expiry_reminders_send(today=TODAY) == 0
    (message, *_rest) = reminders("warranty_expiring")
    assert message.subject == "海淀区公安分局：12 台设备质保将于 60 天后到期"
    assert message.body.count("序列号") == 10
    assert "……另有 2 台" in message.body


def test_month_ends_are_found(desk, org_a, site_a):
    # 2026-02-28 is 31 Jan 2025 plus 13 months: clamped to the month's end.
    contract = ContractFactory(organisation=org_a, warranty_months=13)
    asset = AssetFactory(site=site_a, contract=contract, acceptance_date=dt.date(2025, 1, 31))
    today = dt.date(2026, 2, 21)
    assert asset.warranty_end == dt.date(2026, 2, 28)
    (found,) = selectors.warranties_expiring(today=today)
    assert (found.days, found.threshold, found.assets) == (7, 7, [asset])


def test_nobody_to_tell_writes_nothing(org_a):
    ContractFactory(organisation=org_a, end_date=TODAY + dt.timedelta(days=7))
    UserFactory(username="someone")
    assert expiry_reminders_send(today=TODAY) == 0
