"""An engineer's "my work": own open cases, next due first, and the actions that move them,
back on the same page."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.choices import EntryKind
from aftersales.cases.tests.factories import case_in_state, open_case
from aftersales.core.clock import frozen

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = reverse("workspace:my-work")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def mine(client, engineer):
    client.force_login(engineer)
    return client


def assigned(dispatcher, engineer, organisation, severity="P3", title=None, reported_at=None):
    case = open_case(
        actor=dispatcher,
        organisation=organisation,
        severity=severity,
        title=title,
        **({"reported_at": reported_at} if reported_at else {}),
    )
    return services.case_assign(case=case, assignee=engineer, actor=dispatcher)


def test_own_open_cases_next_due_first_overdue_leading(mine, dispatcher, engineer, org_a, team):
    with frozen(at(2026, 11, 23, 9)):
        later = assigned(dispatcher, engineer, org_a, "P4", "四级")  # response in hours
        sooner = assigned(dispatcher, engineer, org_a, "P1", "一级")  # response in 30 min
    with frozen(at(2026, 11, 23, 8)):
        overdue = assigned(
            dispatcher, engineer, org_a, "P2", "超时", reported_at=at(2026, 11, 23, 7)
        )
    with frozen(at(2026, 11, 23, 9, 10)):
        response = mine.get(URL)
    items = response.context["work"].items
    assert [i.case.number for i in items] == [overdue.number, sooner.number, later.number]
    assert [i.overdue for i in items] == [True, False, False]
    body = response.content.decode()
    assert body.index("超时") < body.index("一级") < body.index("四级")
    assert 'data-testid="overdue"' in body
    # Running clocks with their due times.
    assert [c.metric for c in items[1].clocks][:1] == ["response"]
    assert "First response" in body


def test_only_my_open_cases(mine, dispatcher, engineer, engineer2, manager, org_a, team):
    theirs = assigned(dispatcher, engineer2, org_a, title="别人的")
    resolved = case_in_state(
        "resolved", organisation=org_a, dispatcher=dispatcher, engineer=engineer, manager=manager
    )
    waiting = case_in_state(
        "waiting_customer",
        organisation=org_a,
        dispatcher=dispatcher,
        engineer=engineer,
        manager=manager,
    )
    numbers = [i.case.number for i in mine.get(URL).context["work"].items]
    assert numbers == [waiting.number]
    assert theirs.number not in numbers and resolved.number not in numbers


def test_respond_with_one_tap_and_come_back(mine, dispatcher, engineer, org_a, team):
    case = assigned(dispatcher, engineer, org_a, title="待响应")
    page = mine.get(URL).content.decode()
    respond_url = reverse("workspace:case-action", args=[case.number, "respond"])
    assert f'action="{respond_url}"' in page
    response = mine.post(respond_url, {"next": URL})
    assert response.status_code == 302 and response.url == URL
    case.refresh_from_db()
    assert case.status == "in_progress" and case.responded_at is not None
    after = mine.get(URL)
    assert f"{case.number}: Respond done." in [str(m) for m in after.context["messages"]]
    item = after.context["work"].items[0]
    assert "respond" not in item.actions and {"call", "resolve"} <= item.actions


def test_a_next_elsewhere_is_ignored(mine, dispatcher, engineer, org_a, team):
    case = assigned(dispatcher, engineer, org_a)
    response = mine.post(
        reverse("workspace:case-action", args=[case.number, "respond"]),
        {"next": "https://evil.example/steal"},
    )
    assert response.url == reverse("workspace:case", args=[case.number])


def test_log_a_call_and_resolve_from_my_work(mine, dispatcher, engineer, org_a, team):
    case = assigned(dispatcher, engineer, org_a)
    services.case_respond(case=case, actor=engineer)
    response = mine.post(
        reverse("workspace:case-action", args=[case.number, "call"]),
        {
            "kind": "remote",
            "minutes": "15",
            "summary": "远程重启服务",
            "consent": "true",
            "next": URL,
        },
    )
    assert response.url == URL
    response = mine.post(
        reverse("workspace:case-action", args=[case.number, "resolve"]),
        {"cause": "software", "solution": "重启流媒体服务后恢复", "next": URL},
    )
    assert response.url == URL
    case.refresh_from_db()
    assert (case.status, case.solution) == ("resolved", "重启流媒体服务后恢复")
    kinds = list(case.timeline.order_by("seq").values_list("kind", flat=True))
    assert kinds[-2:] == [EntryKind.REMOTE_SESSION, EntryKind.RESOLVED]
    after = mine.get(URL)
    assert f"{case.number}: Resolve done." in [str(m) for m in after.context["messages"]]
    assert after.context["work"].items == []


def test_a_refused_resolve_keeps_what_was_typed(mine, dispatcher, engineer, org_a, team):
    case = assigned(dispatcher, engineer, org_a)
    services.case_respond(case=case, actor=engineer)
    response = mine.post(
        reverse("workspace:case-action", args=[case.number, "resolve"]),
        {"cause": "nonsense", "solution": "更换了电源", "next": URL},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "更换了电源" in body  # the text comes back in the reopened form
    case.refresh_from_db()
    assert case.status == "in_progress"


def test_take_over_a_colleagues_case_of_my_team(mine, dispatcher, engineer, engineer2, org_a, team):
    colleague = assigned(dispatcher, engineer2, org_a, title="同事的")
    outsider = open_case(actor=dispatcher, organisation=org_a, title="无班组")
    response = mine.get(URL)
    takeover = response.context["work"].takeover
    assert [i.case.number for i in takeover] == [colleague.number]
    assert outsider.number not in response.content.decode()
    assert takeover[0].actions == {"takeover"}
    mine.post(reverse("workspace:case-action", args=[colleague.number, "takeover"]), {"next": URL})
    colleague.refresh_from_db()
    assert colleague.assignee == engineer and colleague.status == "in_progress"
    assert [i.case.number for i in mine.get(URL).context["work"].items] == [colleague.number]


def test_nothing_open(mine):
    assert "Nothing open on your name." in mine.get(URL).content.decode()


def test_my_work_runs_the_same_queries_for_3_cases_as_for_30(
    mine, dispatcher, engineer, engineer2, org_a, team
):
    def add(n):
        for i in range(n):
            assigned(dispatcher, engineer if i % 3 else engineer2, org_a, "P1" if i % 2 else "P3")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert mine.get(URL).status_code == 200
        return len(queries)

    add(3)
    small = count()
    add(27)
    assert count() == small <= 14
