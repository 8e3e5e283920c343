"""The on-site arrival clock: started when a visit is dispatched (not with the case), counted
from the report, stopped by the first arrival, withdrawn when there is nothing to count."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from aftersales.cases import services
from aftersales.core.clock import frozen
from aftersales.customers.tests.factories import AssetFactory, ContractFactory
from aftersales.sla import services as sla
from aftersales.sla.models import CaseClock, SlaEvent, SlaPolicy

SHANGHAI = ZoneInfo("Asia/Shanghai")
REPORTED = dt.datetime(2026, 11, 23, 10, tzinfo=SHANGHAI)


def _case(actor, organisation, **kwargs):
    with frozen(REPORTED):
        return services.case_create(
            actor=actor,
            organisation=organisation,
            title="3号摄像头无图像",
            severity="P3",
            channel="phone",
            **kwargs,
        )


def _breach(case):
    return SlaEvent.objects.filter(
        case=case, kind="breach", metric="onsite", fired_at=None, cancelled_at=None
    )


def test_seed_000_on_site_within_an_hour_in_warranty_counted_from_the_report(
    dispatcher, org_a, site_a
):
    policy = SlaPolicy.objects.get(name="seed000-onsite")
    contract = ContractFactory(organisation=org_a, sla_policy=policy)
    asset = AssetFactory(site=site_a, contract=contract, acceptance_date=dt.date(2026, 1, 10))
    case = _case(dispatcher, org_a, assets=[asset], contract=contract)
    assert not CaseClock.objects.filter(case=case, metric="onsite").exists()

    later = REPORTED + dt.timedelta(minutes=20)
    clock = sla.clock_start(case=case, metric="onsite", at=later)
    assert clock.due_at == REPORTED + dt.timedelta(hours=1)
    assert _breach(case).get().due_at == clock.due_at
    assert sla.clock_start(case=case, metric="onsite", at=later).pk == clock.pk


def test_the_first_arrival_stops_it_and_cancels_its_breach(dispatcher, org_a):
    case = _case(dispatcher, org_a)
    sla.clock_start(case=case, metric="onsite", at=REPORTED)
    arrival = REPORTED + dt.timedelta(hours=3)
    with transaction.atomic():
        result = sla.clock_stop(case=case, metric="onsite", at=arrival)
    assert result == {"met": True, "due": "2026-11-23T22:00:00+08:00"}
    assert CaseClock.objects.get(case=case, metric="onsite").met_at == arrival
    assert not _breach(case).exists()
    assert sla.clock_stop(case=case, metric="onsite", at=arrival) is None  # once only


def test_withdrawn_before_it_is_due_kept_once_breached(dispatcher, org_a):
    case = _case(dispatcher, org_a)
    sla.clock_start(case=case, metric="onsite", at=REPORTED)
    assert sla.clock_withdraw(case=case, metric="onsite", at=REPORTED) == {"withdrawn": True}
    assert not CaseClock.objects.filter(case=case, metric="onsite").exists()
    assert not _breach(case).exists()

    sla.clock_start(case=case, metric="onsite", at=REPORTED)
    late = REPORTED + dt.timedelta(hours=13)
    assert sla.clock_withdraw(case=case, metric="onsite", at=late) == {
        "kept": True,
        "breached": True,
    }
    assert CaseClock.objects.filter(case=case, metric="onsite").exists()


def test_no_clock_without_a_target(dispatcher, org_a):
    policy = SlaPolicy.objects.get(name="seed000-standard")  # no on-site target
    contract = ContractFactory(organisation=org_a, sla_policy=policy)
    case = _case(dispatcher, org_a, contract=contract)
    assert sla.clock_start(case=case, metric="onsite", at=REPORTED) is None
    assert not CaseClock.objects.filter(case=case, metric="onsite").exists()
