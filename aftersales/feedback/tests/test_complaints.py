"""Complaints: the rule that says they are rising (a pure function), the periodic dates of
revisits, and the daily alert to the quality managers, once per month and scope."""

import datetime as dt
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services as case_services
from aftersales.cases.choices import CaseType
from aftersales.cases.models import Case
from aftersales.core.clock import frozen
from aftersales.feedback import rules, services, tasks
from aftersales.notifications.models import OutboxMessage

# --- the rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "history", "rising"),
    [
        (0, [], False),  # first month of data, nothing yet
        (5, [], False),  # first month of data: nothing to compare with
        (0, [0, 0, 0], False),  # months with no complaints, none now either
        (1, [0, 0, 0], True),  # the first complaint after three quiet months
        (3, [2, 3, 4], False),  # equal to the average is not above it
        (4, [2, 3, 4], True),
        (2, [1, 1, 2], True),  # 2 > 4/3, exactly
        (1, [1, 1, 2], False),
        (4, [3], True),  # one month of history (the second month of data)
        (2, [3, 1], False),  # two months of history: average 2
    ],
)
def test_complaints_rising(current, history, rising):
    assert rules.complaints_rising(current=current, history=history) is rising


def test_a_minimum_keeps_single_complaints_quiet():
    assert rules.complaints_rising(current=1, history=[0, 0, 0], minimum=2) is False
    assert rules.complaints_rising(current=2, history=[0, 0, 0], minimum=2) is True


@given(
    current=st.integers(min_value=0, max_value=10_000),
    history=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=3),
)
def test_the_rule_is_above_the_exact_average(current, history):
    expected = current >= 1 and Fraction(current) > Fraction(sum(history), len(history))
    assert rules.complaints_rising(current=current, history=history) is expected


def test_history_counts_only_months_with_data():
    march = dt.date(2026, 3, 1)
    counts = {dt.date(2026, 1, 1): 4}
    # Data since long before: December and February had no complaints, they count 0.
    assert rules.history_of(counts=counts, month=march, first_month=dt.date(2025, 6, 1)) == [
        (dt.date(2025, 12, 1), 0),
        (dt.date(2026, 1, 1), 4),
        (dt.date(2026, 2, 1), 0),
    ]
    # Data since January: December is before the first case, left out.
    assert rules.history_of(counts=counts, month=march, first_month=dt.date(2026, 1, 1)) == [
        (dt.date(2026, 1, 1), 4),
        (dt.date(2026, 2, 1), 0),
    ]
    assert rules.history_of(counts=counts, month=march, first_month=march) == []
    assert rules.history_of(counts=counts, month=march, first_month=None) == []


# --- periodic dates -------------------------------------------------------------------------


def test_periodic_dates_follow_the_contract_without_drifting():
    dates = list(
        rules.periodic_dates(
            start=dt.date(2025, 1, 31),
            end=dt.date(2026, 1, 31),
            months=3,
            first=dt.date(2025, 1, 1),
            last=dt.date(2027, 1, 1),
        )
    )
    # A quarter after the start, then every quarter; the 31st where the month has one.
    assert dates == [
        dt.date(2025, 4, 30),
        dt.date(2025, 7, 31),
        dt.date(2025, 10, 31),
        dt.date(2026, 1, 31),
    ]


def test_periodic_dates_within_a_window_and_never_after_the_end():
    common = {"start": dt.date(2020, 1, 1), "end": dt.date(2026, 6, 30), "months": 1}
    window = rules.periodic_dates(first=dt.date(2026, 3, 1), last=dt.date(2026, 4, 15), **common)
    assert list(window) == [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    late = rules.periodic_dates(first=dt.date(2026, 6, 2), last=dt.date(2026, 12, 31), **common)
    assert list(late) == []
    assert list(rules.periodic_dates(first=dt.date(2020, 1, 1), last=dt.date(2020, 3, 1), **common))
    assert not list(
        rules.periodic_dates(
            start=dt.date(2026, 1, 1),
            end=dt.date(2027, 1, 1),
            months=0,
            first=dt.date(2026, 1, 1),
            last=dt.date(2027, 1, 1),
        )
    )


# --- the alert ------------------------------------------------------------------------------


def at(year, month, day=10) -> dt.datetime:
    return dt.datetime(year, month, day, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def complain(dispatcher):
    """complain(org, moment, n) opens n complaint cases of `org` at `moment`."""

    def make(organisation, moment, n=1):
        with frozen(moment):
            for i in range(n):
                case_services.case_create(
                    actor=dispatcher,
                    organisation=organisation,
                    title=f"投诉 {i}",
                    severity="P3",
                    channel="phone",
                    case_type=CaseType.COMPLAINT,
                )

    return make


@pytest.fixture
def fault(dispatcher):
    def make(organisation, moment):
        with frozen(moment):
            case_services.case_create(
                actor=dispatcher,
                organisation=organisation,
                title="故障",
                severity="P3",
                channel="phone",
            )

    return make


def alerts_sent() -> list[tuple[str, str]]:
    return sorted(
        (m.recipient.username, m.payload["context"]["organisation"])
        for m in OutboxMessage.objects.filter(event="complaints_rising", channel="email")
    )


def test_a_spike_of_one_customer_alerts_the_quality_managers_once(
    org_a, org_b, quality, complain, fault
):
    # Both customers have had cases since December; A complained once a month, B twice.
    for org in (org_a, org_b):
        fault(org, at(2025, 12))
    for month in (12, 1, 2):
        year = 2025 if month == 12 else 2026
        complain(org_a, at(year, month), 1)
        complain(org_b, at(year, month), 2)
    # March: A complains three times (a spike); B twice, as usual.
    complain(org_a, at(2026, 3, 5), 3)
    complain(org_b, at(2026, 3, 5), 2)

    with frozen(at(2026, 3, 12)):
        alerts = services.complaint_alerts_send()
        services.complaint_alerts_send()  # the next morning's run, or a retry
        tasks.warn_of_rising_complaints()
    assert [(a.organisation, a.count, a.average) for a in alerts] == [
        (None, 5, 3.0),  # all customers: 5 against 3 a month
        (org_a, 3, 1.0),
    ]
    assert alerts_sent() == [("quality", ""), ("quality", org_a.name)]
    message = OutboxMessage.objects.get(
        event="complaints_rising", channel="email", payload__context__organisation=org_a.name
    )
    assert f"{org_a.name}" in message.subject and "3" in message.subject
    assert message.dedupe_key.startswith("complaints_rising:2026-03:org")
    assert [h["count"] for h in message.payload["context"]["history"]] == [1, 1, 1]


def test_the_first_month_of_data_alerts_nobody(org_a, quality, complain):
    complain(org_a, at(2026, 3, 2), 4)
    with frozen(at(2026, 3, 20)):
        assert services.complaint_alerts_send() == []
    assert alerts_sent() == []


def test_quiet_months_count_zero(org_a, quality, complain, fault):
    fault(org_a, at(2025, 11))
    complain(org_a, at(2026, 3, 2), 1)
    with frozen(at(2026, 3, 20)):
        alerts = services.complaint_alerts(today=dt.date(2026, 3, 20))
    assert [(a.organisation, a.count, a.history) for a in alerts] == [
        (None, 1, [(dt.date(2025, 12, 1), 0), (dt.date(2026, 1, 1), 0), (dt.date(2026, 2, 1), 0)]),
        (org_a, 1, [(dt.date(2025, 12, 1), 0), (dt.date(2026, 1, 1), 0), (dt.date(2026, 2, 1), 0)]),
    ]


def test_a_new_customer_spikes_on_its_own_history_only(org_a, org_b, quality, complain, fault):
    fault(org_a, at(2025, 10))
    complain(org_a, at(2026, 1), 3)
    complain(org_a, at(2026, 2), 3)
    # B's first case is this month: its own first month of data, no alert of its own.
    complain(org_b, at(2026, 3, 3), 2)
    with frozen(at(2026, 3, 20)):
        alerts = services.complaint_alerts()
    # Overall, 2 is not above the average of 2 (0, 3, 3); A has none this month.
    assert alerts == []


def test_cancelled_complaints_do_not_count(org_a, quality, complain, fault, dispatcher):
    fault(org_a, at(2025, 11))
    complain(org_a, at(2026, 3, 2), 1)
    with frozen(at(2026, 3, 3)):
        for case in Case.objects.filter(case_type=CaseType.COMPLAINT):
            case_services.case_cancel(case=case, actor=dispatcher, reason="误登记")
    with frozen(at(2026, 3, 20)):
        assert services.complaint_alerts() == []


def test_without_a_quality_manager_the_department_managers_hear(org_a, complain, fault, manager):
    UserFactory(username="idle-quality", roles=["quality_manager"], is_active=False)
    fault(org_a, at(2025, 11))
    complain(org_a, at(2026, 3, 2), 1)
    with frozen(at(2026, 3, 20)):
        services.complaint_alerts_send()
    assert {name for name, _org in alerts_sent()} == {"manager"}


def test_the_alert_reads_a_fixed_number_of_queries(
    org_a, org_b, quality, complain, fault, django_assert_max_num_queries
):
    for org in (org_a, org_b):
        fault(org, at(2025, 11))
        complain(org, at(2026, 3, 2), 2)
    with frozen(at(2026, 3, 20)), django_assert_max_num_queries(3):
        alerts = services.complaint_alerts()
    assert len(alerts) == 3
