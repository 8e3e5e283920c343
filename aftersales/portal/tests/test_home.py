"""My requests: the organisation's cases, filtered, searched, paged without COUNT(*), with a
call to action when a fix awaits the customer's confirmation."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.cases import services
from aftersales.cases.tests.factories import open_case
from aftersales.portal import views
from aftersales.portal.tests.helpers import count_queries

HOME = reverse("portal:home")


def numbers(response) -> list[str]:
    return [case.number for case in response.context["rows"]]


def test_a_customer_lands_on_its_requests_after_signing_in(client, customer, case_a):
    response = client.post(
        reverse("login"), {"username": "customer", "password": "pw-for-tests"}, follow=True
    )
    assert response.redirect_chain[-1][0] == HOME
    body = response.content.decode()
    assert case_a.number in body and "中关村摄像头黑屏" in body
    assert "Received, an engineer will be assigned" in body  # the state in plain words


def test_only_the_organisations_own_requests_are_listed(portal, case_a, case_b):
    response = portal.get(HOME)
    assert numbers(response) == [case_a.number]
    assert case_b.number not in response.content.decode()
    assert "门诊楼NVR离线" not in response.content.decode()


def test_the_columns_a_customer_reads(portal, case_a, engineer, dispatcher):
    services.case_assign(case=case_a, assignee=engineer, actor=dispatcher)
    services.case_note(case=case_a, actor=dispatcher, body="内部：等备件", visibility="internal")
    response = portal.get(HOME)
    row = response.context["rows"][0]
    assert row.plain.label == "An engineer is assigned"
    # Last update: the last thing the customer can see (the assignment), not the internal note.
    assignment = case_a.timeline.get(kind="assigned")
    assert row.last_public_at == assignment.created_at
    body = response.content.decode()
    for heading in ("Number", "Title", "State", "Severity", "Reported", "Last update"):
        assert f">{heading}</th>" in body


@pytest.fixture
def three_states(make_case):
    return {
        "open": make_case("in_progress", title="打开的工单"),
        "awaiting": make_case("resolved", title="等我确认的工单"),
        "closed": make_case("closed", title="已关闭的工单"),
        "confirmed": make_case("resolved", title="已确认的工单"),
    }


def test_filters(portal, three_states, customer):
    confirmed = three_states["confirmed"]
    services.case_confirm(case=confirmed, actor=customer)

    def listed(show):
        return set(numbers(portal.get(HOME, {"show": show})))

    cases = {key: case.number for key, case in three_states.items()}
    assert listed("open") == {cases["open"]}
    assert listed("awaiting") == {cases["awaiting"]}
    assert listed("closed") == {cases["closed"], cases["confirmed"]}
    assert listed("all") == set(cases.values())
    assert listed("nonsense") == set(cases.values())


def test_a_fix_awaiting_confirmation_calls_for_action(portal, make_case):
    make_case("in_progress")
    assert "awaiting-cta" not in portal.get(HOME).content.decode()
    resolved = make_case("resolved", title="交换机端口故障")
    response = portal.get(HOME)
    body = response.content.decode()
    assert 'data-testid="awaiting-cta"' in body
    assert "please check and confirm" in body
    assert reverse("portal:case", args=[resolved.number]) in body
    assert "Fixed – please confirm" in body


def test_another_organisations_fix_does_not_call_the_customer(portal, make_case, org_b):
    make_case("resolved", organisation=org_b)
    assert 'data-testid="awaiting-cta"' not in portal.get(HOME).content.decode()


def test_search_by_number_or_words(portal, org_a, dispatcher, org_b):
    camera = open_case(actor=dispatcher, organisation=org_a, title="中关村 摄像头 黑屏")
    switch = open_case(
        actor=dispatcher, organisation=org_a, title="交换机 端口 故障", description="端口灯不亮"
    )
    open_case(actor=dispatcher, organisation=org_b, title="门诊楼 摄像头 黑屏")

    assert numbers(portal.get(HOME, {"q": "摄像头"})) == [camera.number]
    assert numbers(portal.get(HOME, {"q": "摄像头 黑屏"})) == [camera.number]
    assert numbers(portal.get(HOME, {"q": "摄像头 端口"})) == []
    assert numbers(portal.get(HOME, {"q": switch.number})) == [switch.number]
    assert numbers(portal.get(HOME, {"q": switch.number[-6:]})) == [switch.number]
    empty = portal.get(HOME, {"q": "不存在的词"})
    assert "No request matches “不存在的词”." in empty.content.decode()


def test_search_keeps_the_filter(portal, make_case):
    make_case("in_progress", title="摄像头 A")
    resolved = make_case("resolved", title="摄像头 B")
    assert numbers(portal.get(HOME, {"q": "摄像头", "show": "awaiting"})) == [resolved.number]


def test_pages_without_counting(portal, org_a, dispatcher, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    cases = [open_case(actor=dispatcher, organisation=org_a) for _ in range(7)]
    newest_first = [c.number for c in reversed(cases)]

    with CaptureQueriesContext(connection) as queries:
        first = portal.get(HOME)
    assert not [q for q in queries if "COUNT(" in q["sql"].upper()]
    assert numbers(first) == newest_first[:3] and first.context["has_next"]
    assert 'data-testid="next-page"' in first.content.decode()
    third = portal.get(HOME, {"page": 3})
    assert numbers(third) == newest_first[6:] and not third.context["has_next"]
    assert numbers(portal.get(HOME, {"page": "x"})) == newest_first[:3]
    assert numbers(portal.get(HOME, {"page": "99"})) == []


def test_the_list_runs_a_fixed_number_of_queries(portal, org_a, dispatcher, make_case):
    for _ in range(2):
        open_case(actor=dispatcher, organisation=org_a)
    make_case("resolved")
    few = count_queries(lambda: portal.get(HOME))
    for _ in range(28):
        open_case(actor=dispatcher, organisation=org_a)
    make_case("resolved")
    many = count_queries(lambda: portal.get(HOME))
    assert few == many <= 10


def test_the_portal_speaks_chinese(customer, make_case):
    from django.test import Client

    case = make_case("resolved", severity="P2")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(customer)

    home = client.get(HOME)
    assert home["Content-Language"] == "zh-hans"
    assert "我的服务请求" in home.content.decode()  # "My requests"
    page = client.get(reverse("portal:case", args=[case.number])).content.decode()
    assert "P2 二级 – 功能严重受损" in page
    assert "已解决；故障原因：" in page  # the timeline, in Chinese
    assert "Resolved; cause" not in page
