"""A manager's page: escalations addressed to them, breaches today and this week, resolved
cases to close after reading the confirmation."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services
from aftersales.cases.tests.factories import case_in_state, open_case
from aftersales.core.clock import frozen
from aftersales.sla.models import CaseClock
from aftersales.sla.sweep import sla_sweep

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = reverse("workspace:manager")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def board(client, manager):
    client.force_login(manager)
    return client


def p1(dispatcher, engineer, organisation, title, when):
    """A P1 case assigned at `when`, never answered: it escalates to level 1 an hour later."""
    with frozen(when):
        case = open_case(actor=dispatcher, organisation=organisation, severity="P1", title=title)
        return services.case_assign(case=case, assignee=engineer, actor=dispatcher)


def test_escalations_addressed_to_me_newest_first_once_per_step(
    board, dispatcher, engineer, org_a, team
):
    first = p1(dispatcher, engineer, org_a, "先升级的", at(2026, 11, 23, 8))
    second = p1(dispatcher, engineer, org_a, "后升级的", at(2026, 11, 23, 9))
    sla_sweep(now=at(2026, 11, 23, 9, 30))  # first's L1 step (09:00)
    sla_sweep(now=at(2026, 11, 23, 10, 30))  # second's (10:00)
    with frozen(at(2026, 11, 23, 10, 31)):
        response = board.get(URL)
    escalations = response.context["board"].escalations
    # One row per step though it went out in the app, by email and by SMS.
    assert [(e.case.number, e.level) for e in escalations] == [
        (second.number, 1),
        (first.number, 1),
    ]
    assert escalations[0].role == "Response-centre manager (level 1)"
    body = response.content.decode()
    assert body.index("后升级的") < body.index("先升级的")


def test_escalations_to_someone_else_are_not_mine(client, dispatcher, engineer, org_a, team):
    level_two = UserFactory(username="manager2", roles=[Role.TECHNICAL_MANAGER])
    p1(dispatcher, engineer, org_a, "只到一级", at(2026, 11, 23, 8))
    sla_sweep(now=at(2026, 11, 23, 9, 30))
    client.force_login(level_two)
    assert client.get(URL).context["board"].escalations == []


def test_breaches_today_and_this_week_in_the_services_time_zone(
    board, dispatcher, engineer, org_a, team
):
    # Monday 2026-11-23 is the week's first day. Breaches due (P1 response, 30 min):
    monday_early = p1(dispatcher, engineer, org_a, "周一凌晨", at(2026, 11, 23, 0, 10))  # 00:40
    sunday_late = p1(dispatcher, engineer, org_a, "周日深夜", at(2026, 11, 22, 23, 0))  # 23:30
    wednesday = p1(dispatcher, engineer, org_a, "周三", at(2026, 11, 25, 9, 0))  # 09:30
    sla_sweep(now=at(2026, 11, 25, 10))
    with frozen(at(2026, 11, 25, 10)):
        response = board.get(URL)
    result = response.context["board"]
    listed = {(clock.case.number, clock.metric) for clock in result.breaches}
    assert (wednesday.number, "response") in listed
    # 00:40 on Monday in Shanghai is still Sunday in UTC: this week all the same.
    assert (monday_early.number, "response") in listed
    assert (sunday_late.number, "response") not in listed  # Sunday 23:30: last week
    today = set(
        CaseClock.objects.filter(breached=True, breached_at__gte=at(2026, 11, 25)).values_list(
            "case_id", "metric"
        )
    )
    assert (wednesday.pk, "response") in today and (monday_early.pk, "response") not in today
    assert result.breaches_today == len(today)
    assert result.breaches_week == len(listed)
    body = response.content.decode()
    assert f'data-testid="breaches-today">{result.breaches_today}<' in body


def test_resolved_cases_ready_to_close_show_the_confirmation(
    board, dispatcher, engineer, manager, org_a, customer, team
):
    confirmed = case_in_state(
        "resolved", organisation=org_a, dispatcher=dispatcher, engineer=engineer, title="已确认"
    )
    services.case_confirm(case=confirmed, actor=customer, note="图像已恢复，谢谢")
    unconfirmed = case_in_state(
        "resolved", organisation=org_a, dispatcher=dispatcher, engineer=engineer, title="未确认"
    )
    response = board.get(URL)
    awaiting = response.context["board"].awaiting
    assert [a.case.number for a in awaiting] == [confirmed.number]
    row = awaiting[0]
    assert row.can_close and row.confirmation.entry.body == "图像已恢复，谢谢"
    body = response.content.decode()
    assert "图像已恢复，谢谢" in body and "confirmed by the customer" in body
    assert unconfirmed.number not in body


def test_past_the_deadline_it_can_be_closed_before_the_sweep(
    board, dispatcher, engineer, manager, org_a, team
):
    with frozen(at(2026, 11, 16, 10)):
        late = case_in_state(
            "resolved", organisation=org_a, dispatcher=dispatcher, engineer=engineer, title="超期"
        )
    with frozen(at(2026, 11, 23, 10)):
        response = board.get(URL)
        row = response.context["board"].awaiting[0]
        assert row.case.number == late.number and row.can_close
        assert row.confirmation.deemed and row.confirmation.entry is None
        assert "counts as confirmed when closed" in response.content.decode()
        closing = board.post(
            reverse("workspace:case-action", args=[late.number, "close"]),
            {"note": "", "next": URL},
        )
    assert closing.status_code == 302 and closing.url == URL
    late.refresh_from_db()
    assert late.status == "closed" and late.confirmation == "timeout"


def test_close_with_one_action(board, dispatcher, engineer, manager, org_a, customer, team):
    case = case_in_state("resolved", organisation=org_a, dispatcher=dispatcher, engineer=engineer)
    services.case_confirm(case=case, actor=customer, note="好了")
    response = board.post(
        reverse("workspace:case-action", args=[case.number, "close"]),
        {"note": "已阅客户确认", "next": URL},
    )
    assert response.url == URL
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_by == manager
    assert board.get(URL).context["board"].awaiting == []


def test_a_resolution_rejected_then_resolved_again_shows_no_old_confirmation(
    board, dispatcher, engineer, org_a, customer, team
):
    with frozen(at(2026, 11, 10, 10)):
        case = case_in_state(
            "resolved", organisation=org_a, dispatcher=dispatcher, engineer=engineer
        )
        services.case_confirm(case=case, actor=customer, note="旧的确认")
        services.case_reject(case=case, actor=customer, reason="又坏了")
        services.case_resolve(case=case, cause="hardware", solution="再修", actor=engineer)
    with frozen(at(2026, 11, 23, 10)):
        row = board.get(URL).context["board"].awaiting[0]
    assert row.confirmation.entry is None and row.confirmation.deemed


def test_engineers_and_customers_have_no_managers_page(client, engineer, customer):
    client.force_login(customer)
    assert client.get(URL).status_code == 403
    client.force_login(engineer)
    response = client.get(URL)
    # Any staff may open it; an engineer sees nothing addressed to them and no close button.
    assert response.status_code == 200 and 'data-testid="close"' not in response.content.decode()


def test_the_managers_page_runs_the_same_queries_for_3_cases_as_for_30(
    board, dispatcher, engineer, manager, org_a, customer, team
):
    def add(n, day):
        for _ in range(n):
            case = p1(dispatcher, engineer, org_a, "x", at(2026, 11, day, 8))
            services.case_respond(case=case, actor=engineer)
            services.case_resolve(case=case, cause="hardware", solution="换", actor=engineer)
            services.case_confirm(case=case, actor=customer, note="确认")

    def count() -> int:
        with frozen(at(2026, 11, 25, 12)), CaptureQueriesContext(connection) as queries:
            assert board.get(URL).status_code == 200
        return len(queries)

    add(3, 23)
    p1(dispatcher, engineer, org_a, "升级", at(2026, 11, 23, 8))
    sla_sweep(now=at(2026, 11, 25, 12))
    small = count()
    add(27, 24)
    p1(dispatcher, engineer, org_a, "升级", at(2026, 11, 24, 8))
    sla_sweep(now=at(2026, 11, 25, 12))
    assert len(board.get(URL).context["board"].awaiting) == 30
    assert count() == small <= 14
