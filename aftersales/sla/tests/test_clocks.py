"""Clocks on cases: started from the report, stopped by the workflow, paused while waiting on
the customer, recomputed when the severity changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from aftersales.cases import services
from aftersales.cases.choices import EntryKind
from aftersales.core.clock import frozen
from aftersales.customers.tests.factories import AssetFactory, ContractFactory
from aftersales.sla.choices import EventKind
from aftersales.sla.models import CaseClock, SlaEvent, SlaPolicy
from aftersales.sla.selectors import case_clocks

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def clocks(case) -> dict[str, CaseClock]:
    return {c.metric: c for c in CaseClock.objects.filter(case=case)}


def pending(case, kind=None):
    events = SlaEvent.objects.filter(case=case, fired_at__isnull=True, cancelled_at__isnull=True)
    return events.filter(kind=kind) if kind else events


def open_case(actor, organisation, severity="P1", reported=None, **kwargs):
    with frozen(reported or at(2026, 11, 23, 10)):
        return services.case_create(
            actor=actor,
            organisation=organisation,
            title="全区监控平台无法登录",
            severity=severity,
            channel="phone",
            **kwargs,
        )


def test_a_p1_case_on_the_default_policy_gets_seed_001s_clocks(dispatcher, org_a):
    case = open_case(dispatcher, org_a)
    by_metric = clocks(case)
    assert by_metric["response"].due_at == at(2026, 11, 23, 10, 30)
    assert by_metric["resolution"].due_at == at(2026, 11, 25, 10)
    assert by_metric["cause"].due_at is None  # the ladder, not a target, drives the cause
    ladder = pending(case, EventKind.ESCALATION).order_by("due_at")
    assert [(e.level, e.due_at) for e in ladder] == [
        (1, at(2026, 11, 23, 11)),
        (2, at(2026, 11, 23, 14)),
        (3, at(2026, 11, 24, 10)),
        (4, at(2026, 11, 25, 10)),
        (5, at(2026, 11, 26, 10)),
    ]
    created = case.timeline.get()
    assert created.data["sla"]["due"]["response"] == "2026-11-23T10:30:00+08:00"


def test_p4_starts_the_ladder_at_its_fourth_step(dispatcher, org_a):
    case = open_case(dispatcher, org_a, severity="P4")
    ladder = pending(case, EventKind.ESCALATION).order_by("due_at")
    assert [(e.level, e.offset_minutes) for e in ladder] == [(1, 48 * 60), (2, 72 * 60)]
    assert clocks(case)["response"].due_at == at(2026, 11, 23, 11)


def test_the_contracts_policy_and_warranty_override_apply(dispatcher, org_a, site_a):
    policy = SlaPolicy.objects.get(name="seed000-onsite")
    contract = ContractFactory(organisation=org_a, sla_policy=policy, warranty_months=36)
    in_warranty = AssetFactory(site=site_a, contract=contract, acceptance_date=dt.date(2026, 1, 1))
    out_of_warranty = AssetFactory(
        site=site_a, contract=contract, acceptance_date=dt.date(2020, 1, 1)
    )
    covered = open_case(dispatcher, org_a, severity="P2", assets=[in_warranty])
    assert clocks(covered)["resolution"].due_at == at(2026, 11, 23, 22)  # 12 h in warranty
    expired = open_case(dispatcher, org_a, severity="P2", assets=[out_of_warranty])
    assert clocks(expired)["resolution"].due_at == at(2026, 11, 24, 10)  # 24 h


def test_the_case_type_override_counts_working_days(dispatcher, org_a):
    policy = SlaPolicy.objects.get(name="seed003-working-days")
    contract = ContractFactory(organisation=org_a, sla_policy=policy)
    request = open_case(
        dispatcher, org_a, severity="P3", contract=contract, case_type="service_request"
    )
    # Two weeks of working days from Monday 23 November 10:00.
    assert clocks(request)["resolution"].due_at == at(2026, 12, 7, 10)


def test_responding_stops_the_response_clock(dispatcher, engineer, org_a, team):
    case = open_case(dispatcher, org_a)
    with frozen(at(2026, 11, 23, 10, 5)):
        case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    assert [e.offset_minutes for e in pending(case, EventKind.REMINDER)] == [30, 45]
    with frozen(at(2026, 11, 23, 10, 20)):
        case = services.case_respond(case=case, actor=engineer)
    response = clocks(case)["response"]
    assert (response.met_at, response.breached) == (at(2026, 11, 23, 10, 20), False)
    assert not pending(case, EventKind.REMINDER).exists()
    assert not pending(case, EventKind.BREACH).filter(metric="response").exists()
    assert case.timeline.order_by("-seq").first().data["sla"]["response"]["met"] is True


def test_a_late_response_is_a_breach(dispatcher, engineer, org_a, team):
    case = open_case(dispatcher, org_a)
    case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    with frozen(at(2026, 11, 23, 10, 40)):
        case = services.case_respond(case=case, actor=engineer)
    response = clocks(case)["response"]
    assert response.breached and response.breached_at == at(2026, 11, 23, 10, 30)


def test_confirming_the_cause_stops_the_ladder(dispatcher, engineer, org_a, team):
    case = open_case(dispatcher, org_a)
    case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    case = services.case_respond(case=case, actor=engineer)
    with frozen(at(2026, 11, 23, 10, 50)):
        case = services.case_confirm_cause(
            case=case, cause="network", diagnosis="核心交换机端口故障", actor=engineer
        )
    assert not pending(case, EventKind.ESCALATION).exists()
    assert clocks(case)["cause"].met_at == at(2026, 11, 23, 10, 50)


def test_waiting_on_the_customer_pauses_the_clocks(dispatcher, engineer, org_a, team):
    case = open_case(dispatcher, org_a, severity="P2")
    case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    case = services.case_respond(case=case, actor=engineer)
    with frozen(at(2026, 11, 23, 12)):
        case = services.case_wait(case=case, on="customer", actor=engineer, reason="等待机房钥匙")
    resolution = clocks(case)["resolution"]
    assert resolution.due_at is None and resolution.paused_since == at(2026, 11, 23, 12)
    assert case_clocks(case=case, now=at(2026, 11, 23, 13))[-1].state == "paused"
    assert pending(case, EventKind.ESCALATION).filter(due_at__isnull=False).count() == 0
    with frozen(at(2026, 11, 23, 15)):
        case = services.case_resume(case=case, actor=engineer)
    resolution = clocks(case)["resolution"]
    assert resolution.paused_minutes == 180
    assert resolution.due_at == at(2026, 11, 25, 13)  # 48 h plus the 3 h pause
    first_step = pending(case, EventKind.ESCALATION).order_by("due_at").first()
    assert first_step.due_at == at(2026, 11, 23, 17)  # P2: 4 h, plus 3 h


def test_waiting_on_a_vendor_does_not_pause(dispatcher, engineer, org_a, team):
    case = open_case(dispatcher, org_a, severity="P2")
    case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    case = services.case_respond(case=case, actor=engineer)
    case = services.case_wait(case=case, on="vendor", actor=engineer, reason="等待厂商")
    assert clocks(case)["resolution"].paused_since is None


def test_changing_severity_recomputes_from_the_report(dispatcher, engineer, org_a, team):
    case = open_case(dispatcher, org_a, severity="P3")
    assert clocks(case)["response"].due_at == at(2026, 11, 23, 11)
    with frozen(at(2026, 11, 23, 10, 10)):
        case = services.case_set_severity(
            case=case, severity="P1", reason="全部派出所受影响", actor=dispatcher
        )
    assert clocks(case)["response"].due_at == at(2026, 11, 23, 10, 30)
    ladder = pending(case, EventKind.ESCALATION).order_by("due_at")
    assert [e.level for e in ladder] == [1, 2, 3, 4, 5]
    entry = case.timeline.order_by("-seq").first()
    assert entry.kind == EntryKind.SEVERITY and entry.body == "全部派出所受影响"
    assert entry.data["sla"]["recomputed"]["due"]["response"] == "2026-11-23T10:30:00+08:00"


def test_resolving_stops_resolution_and_a_rejection_restarts_it(
    dispatcher, engineer, customer, org_a, team
):
    case = open_case(dispatcher, org_a, severity="P2")
    case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    case = services.case_respond(case=case, actor=engineer)
    with frozen(at(2026, 11, 23, 16)):
        case = services.case_resolve(case=case, cause="hardware", solution="更换", actor=engineer)
    assert clocks(case)["resolution"].met_at == at(2026, 11, 23, 16)
    case = services.case_reject(case=case, actor=customer, reason="仍有故障")
    resolution = clocks(case)["resolution"]
    assert resolution.met_at is None and resolution.due_at == at(2026, 11, 25, 10)
    assert pending(case, EventKind.BREACH).filter(metric="resolution").count() == 1


def test_cancelling_drops_everything_pending(dispatcher, org_a):
    case = open_case(dispatcher, org_a)
    services.case_cancel(case=case, actor=dispatcher, reason="误报")
    assert not pending(case).exists()


@pytest.mark.parametrize(("now", "state"), [((10, 10), "running"), ((10, 45), "overdue")])
def test_the_reader_sees_remaining_or_overdue(dispatcher, org_a, now, state):
    case = open_case(dispatcher, org_a)
    response = case_clocks(case=case, now=at(2026, 11, 23, *now))[0]
    assert (response.metric, response.state) == ("response", state)
    assert response.remaining_minutes == 30 - now[1]
