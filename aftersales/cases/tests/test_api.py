"""The case API from the outside: opening a case, reading it with its timeline, and every
workflow action as a user would notice it (state, owner, timeline entry)."""

import datetime as dt

import pytest

from aftersales.accounts.tests.factories import TeamFactory
from aftersales.cases import services
from aftersales.cases.models import Case, TimelineEntry
from aftersales.core import clock
from aftersales.core.tests.utils import assert_error

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)  # a Monday, 10:00 in Beijing


def _kinds(body: dict) -> list[str]:
    return [entry["kind"] for entry in body["timeline"]]


def _post(client, case_number: str, action: str, data: dict | None = None):
    return client.post(f"/api/v1/cases/{case_number}/{action}/", data or {}, format="json")


# --- opening a case -------------------------------------------------------------------


def test_dispatcher_opens_a_case_by_customer_code(api, dispatcher, org_a, asset_a):
    response = api.as_user(dispatcher).post(
        "/api/v1/cases/",
        {
            "organisation": "hdga",
            "title": "中关村路口摄像头无图像",
            "description": "3号摄像头从昨晚起黑屏",
            "severity": "P2",
            "channel": "phone",
            "reported_at": "2026-06-01T09:30:00+08:00",
            "assets": [asset_a.pk],
            "caller_name": "王警官",
            "caller_phone": "13900000000",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    case = Case.objects.get(number=body["number"])
    assert body["organisation"] == {"id": org_a.pk, "code": "HDGA", "name": "海淀区公安分局"}
    assert body["status"] == "new"
    assert body["severity"] == "P2"
    assert body["channel"] == "phone"
    assert body["reported_at"] == "2026-06-01T09:30:00+08:00"
    assert body["caller_name"] == "王警官"
    assert body["created_by"] == "dispatcher"
    # What the asset tells: vendor, category, site and covering contract.
    assert body["vendor"] == asset_a.model.vendor.name
    assert body["category"] == "camera"
    assert body["site"] == {"id": asset_a.site_id, "name": "中关村派出所"}
    assert body["contract"]["id"] == asset_a.contract_id
    assert [a["serial_number"] for a in body["assets"]] == [asset_a.serial_number]
    assert body["assets"][0]["in_warranty"] in (True, False)
    assert _kinds(body) == ["created"]
    assert body["timeline"][0]["author"] == {"username": "dispatcher", "name": "dispatcher"}
    assert body["timeline"][0]["body"] == "3号摄像头从昨晚起黑屏"
    assert set(body["allowed_actions"]) >= {"assign", "cancel", "note", "set-severity"}
    assert case.organisation == org_a
    assert list(case.assets.all()) == [asset_a]


def test_dispatcher_opens_a_case_by_organisation_id_without_report_time(api, dispatcher, org_a):
    with clock.frozen(NOW):
        response = api.as_user(dispatcher).post(
            "/api/v1/cases/",
            {
                "organisation": org_a.pk,
                "title": "门禁失灵",
                "description": "",
                "severity": "P4",
                "channel": "email",
            },
            format="json",
        )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["organisation"]["id"] == org_a.pk
    assert body["reported_at"] == body["created_at"] == "2026-06-01T10:00:00+08:00"
    assert body["number"].startswith("20260601-")
    assert body["assets"] == []


def test_case_numbers_are_unique_and_readable(api, dispatcher, org_a):
    client = api.as_user(dispatcher)
    data = {
        "organisation": "HDGA",
        "title": "t",
        "description": "",
        "severity": "P3",
        "channel": "phone",
    }
    with clock.frozen(NOW):
        numbers = [client.post("/api/v1/cases/", data, format="json").json()["number"]]
        numbers.append(client.post("/api/v1/cases/", data, format="json").json()["number"])

    assert len(set(numbers)) == 2
    assert all(n.startswith("20260601-") and len(n) == 15 for n in numbers)


def test_customer_opens_a_case_for_its_own_organisation(api, customer, org_a, asset_a):
    response = api.as_user(customer).post(
        "/api/v1/cases/",
        {
            "organisation": org_a.pk,
            "title": "录像回放卡顿",
            "description": "",
            "severity": "P3",
            "channel": "portal",
            "assets": [asset_a.pk],
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["caller_name"] == "王警官"  # the customer's own contact record
    assert body["created_by"] == "customer"
    assert "assign" not in body["allowed_actions"]
    assert set(body["allowed_actions"]) == {"note", "follow-up"}


# --- reading a case -------------------------------------------------------------------


def test_detail_returns_the_case_with_its_timeline(api, make_case, dispatcher):
    case = make_case("in_progress")

    response = api.as_user(dispatcher).get(f"/api/v1/cases/{case.number}/")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == case.number
    assert body["status"] == "in_progress"
    assert body["assignee"] == "engineer"
    assert _kinds(body) == ["created", "assigned", "responded"]
    assert [e["seq"] for e in body["timeline"]] == [1, 2, 3]
    assigned = body["timeline"][1]
    assert assigned["summary"] == "Assigned to engineer"
    assert assigned["kind_display"] == "Assigned"
    assert assigned["data"]["assignee"] == "engineer"
    assert assigned["redacted"] is False
    assert body["timeline"][2]["body"] == "已电话联系"


def test_customer_reads_its_case_without_internal_entries(api, make_case, customer, engineer):
    case = make_case("in_progress")
    engineer_client = api.as_user(engineer)
    _post(
        engineer_client,
        case.number,
        "note",
        {"body": "客户机房密码 1234", "visibility": "internal"},
    )
    _post(engineer_client, case.number, "note", {"body": "已派人上门", "visibility": "public"})

    body = api.as_user(customer).get(f"/api/v1/cases/{case.number}/").json()

    assert _kinds(body) == ["created", "assigned", "responded", "note"]
    assert body["timeline"][-1]["body"] == "已派人上门"
    assert "客户机房密码" not in str(body)


def test_unknown_case_number_is_404(api, dispatcher):
    response = api.as_user(dispatcher).get("/api/v1/cases/no-such-case/")

    assert_error(response, 404, message="No such case.", code="not_found")


# --- a whole life through the API -----------------------------------------------------


def test_full_life_cycle(client_for, org_a, asset_a, dispatcher, engineer, customer, manager):
    desk, eng, cust, mgr = map(client_for, (dispatcher, engineer, customer, manager))
    created = desk.post(
        "/api/v1/cases/",
        {
            "organisation": "HDGA",
            "title": "NVR 无法录像",
            "description": "硬盘告警",
            "severity": "P2",
            "channel": "phone",
            "assets": [asset_a.pk],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    number = created.json()["number"]

    steps = [
        (desk, "assign", {"assignee": "engineer"}, "assigned"),
        (eng, "respond", {"note": "已电话联系客户"}, "in_progress"),
        (
            eng,
            "note",
            {"body": "硬盘 SMART 报错，内部记录", "visibility": "internal"},
            "in_progress",
        ),
        (eng, "note", {"body": "明天上午更换硬盘", "visibility": "public"}, "in_progress"),
        (eng, "resolve", {"cause": "hardware", "solution": "更换 4TB 硬盘"}, "resolved"),
        (cust, "confirm", {"note": "录像已恢复"}, "resolved"),
        (mgr, "close", {"note": ""}, "closed"),
    ]
    for client, action, data, status in steps:
        response = _post(client, number, action, data)
        assert response.status_code == 200, (action, response.json())
        assert response.json()["status"] == status, action

    staff_view = desk.get(f"/api/v1/cases/{number}/").json()
    customer_view = cust.get(f"/api/v1/cases/{number}/").json()
    assert _kinds(staff_view) == [
        "created",
        "assigned",
        "responded",
        "note",
        "note",
        "resolved",
        "confirmed",
        "closed",
        "survey_sent",  # internal: no contact of the case has an account to receive it
    ]
    assert _kinds(customer_view) == [
        "created",
        "assigned",
        "responded",
        "note",
        "resolved",
        "confirmed",
        "closed",
    ]
    assert staff_view["assignee"] == "engineer"
    assert staff_view["cause"] == "hardware"
    assert staff_view["solution"] == "更换 4TB 硬盘"
    assert staff_view["confirmation"] == "customer"
    assert staff_view["closed_at"] is not None
    assert [(e["author"] or {}).get("username") for e in staff_view["timeline"]] == [
        "dispatcher",
        "dispatcher",
        "engineer",
        "engineer",
        "engineer",
        "engineer",
        "customer",
        "manager",
        None,  # the system
    ]
    assert staff_view["allowed_actions"] == ["reopen", "note", "follow-up"]
    assert customer_view["allowed_actions"] == ["note", "follow-up"]
    assert "内部记录" not in str(customer_view)


# --- every action, once, with what a user notices -------------------------------------

# (action, state the case starts in, who acts, request body, answer: state, entry kind)
ACTION_CASES = [
    ("assign", "new", "dispatcher", {"assignee": "engineer2", "team": "onsite"},
     "assigned", "assigned"),
    ("respond", "assigned", "engineer", {"note": "已联系"}, "in_progress", "responded"),
    ("takeover", "in_progress", "engineer2", {"reason": "我在现场附近"},
     "in_progress", "taken_over"),
    ("transfer", "in_progress", "engineer",
     {"team": "apps", "assignee": "expert", "reason": "应用软件问题"}, "assigned", "transferred"),
    ("escalate", "in_progress", "engineer", {"expert": "expert", "reason": "请协助分析"},
     "in_progress", "expert"),
    ("wait", "in_progress", "engineer", {"on": "vendor", "reason": "等厂商补丁"},
     "waiting_vendor", "waiting"),
    ("resume", "waiting_customer", "engineer", {"note": "客户已开门"}, "in_progress", "resumed"),
    ("confirm-cause", "in_progress", "engineer", {"cause": "power", "diagnosis": "适配器损坏"},
     "in_progress", "cause_confirmed"),
    ("set-severity", "in_progress", "dispatcher", {"severity": "P1", "reason": "全线停摆"},
     "in_progress", "severity"),
    ("call", "in_progress", "engineer",
     {"kind": "remote", "summary": "远程登录排查", "minutes": 25, "consent": True},
     "in_progress", "remote_session"),
    ("resolve", "in_progress", "engineer", {"cause": "software", "solution": "升级固件"},
     "resolved", "resolved"),
    ("confirm", "resolved", "customer", {"note": "好了"}, "resolved", "confirmed"),
    ("reject", "resolved", "customer", {"reason": "还是黑屏"}, "in_progress", "rejected"),
    ("reopen", "closed", "dispatcher", {"reason": "故障复现"}, "assigned", "reopened"),
    ("cancel", "new", "dispatcher", {"reason": "误报"}, "cancelled", "cancelled"),
    ("note", "resolved", "customer", {"body": "谢谢"}, "resolved", "note"),
]  # fmt: skip


@pytest.fixture
def people(dispatcher, engineer, engineer2, expert, manager, customer, team):
    TeamFactory(code="apps", name="应用软件部", members=[expert])
    return {u.username: u for u in (dispatcher, engineer, engineer2, expert, manager, customer)}


@pytest.mark.parametrize(
    ("action", "start", "actor", "data", "status", "kind"),
    ACTION_CASES,
    ids=[row[0] for row in ACTION_CASES],
)
def test_each_action(api, make_case, people, action, start, actor, data, status, kind):
    case = make_case(start)
    entries = TimelineEntry.objects.filter(case=case).count()

    response = _post(api.as_user(people[actor]), case.number, action, data)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == status
    assert body["timeline"][-1]["kind"] == kind
    assert body["timeline"][-1]["author"]["username"] == actor
    assert TimelineEntry.objects.filter(case=case).count() == entries + 1
    case.refresh_from_db()
    assert case.status == status
    check = EFFECTS.get(action)
    if check:
        check(case, body)


def _assigned_to(username: str, team: str | None = None):
    def check(case, body):
        assert body["assignee"] == username
        assert case.assignee.username == username
        if team:
            assert body["team"] == team

    return check


def _responded(case, body):
    assert body["responded_at"] is not None
    assert body["timeline"][-1]["body"] == "已联系"


def _escalated(case, body):
    assert body["expert"] == "expert"
    assert body["assignee"] == "engineer"  # the owner stays
    assert body["timeline"][-1]["visibility"] == "internal"


def _cause_confirmed(case, body):
    assert body["cause"] == "power"
    assert body["diagnosis"] == "适配器损坏"
    assert body["cause_confirmed_at"] is not None


def _severity_changed(case, body):
    assert body["severity"] == "P1"
    data = body["timeline"][-1]["data"]
    assert (data["severity"], data["previous"]) == ("P1", "P3")
    assert "resolution" in data["sla"]["recomputed"]["due"]  # the running clocks recomputed
    assert body["timeline"][-1]["summary"] == "Severity changed from P3 to P1"


def _remote_session(case, body):
    entry = body["timeline"][-1]
    assert entry["data"] == {"kind": "remote", "minutes": 25, "consent": True}
    assert entry["body"] == "远程登录排查"
    assert entry["summary"] == "Remote session (25 min)"


def _resolved(case, body):
    assert body["solution"] == "升级固件"
    assert body["resolved_at"] is not None
    assert body["confirm_deadline"] is not None


def _confirmed(case, body):
    assert body["confirmation"] == "customer"
    assert body["confirmed_at"] is not None


def _rejected(case, body):
    assert body["resolved_at"] is None
    assert body["timeline"][-1]["body"] == "还是黑屏"


def _reopened(case, body):
    assert body["closed_at"] is None
    assert body["assignee"] == "engineer"


def _customer_note(case, body):
    assert body["timeline"][-1]["visibility"] == "public"
    assert body["timeline"][-1]["body"] == "谢谢"


EFFECTS = {
    "assign": _assigned_to("engineer2", "onsite"),
    "respond": _responded,
    "takeover": _assigned_to("engineer2"),
    "transfer": _assigned_to("expert", "apps"),
    "escalate": _escalated,
    "confirm-cause": _cause_confirmed,
    "set-severity": _severity_changed,
    "call": _remote_session,
    "resolve": _resolved,
    "confirm": _confirmed,
    "reject": _rejected,
    "reopen": _reopened,
    "note": _customer_note,
}


def test_manager_closes_a_confirmed_case(api, make_case, manager, dispatcher):
    case = make_case("resolved")
    services.case_confirm(case=case, actor=dispatcher, note="")

    response = _post(api.as_user(manager), case.number, "close", {"note": "归档"})

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "closed"
    # The closing, then the customer's satisfaction survey (feedback).
    assert [e["kind"] for e in body["timeline"][-2:]] == ["closed", "survey_sent"]
    assert body["closed_at"] is not None


def test_link_master_makes_a_duplicate_that_closes_with_its_master(
    api, client_for, make_case, dispatcher, manager
):
    master = make_case("in_progress", title="平台故障")
    duplicate = make_case("new", title="同一故障的另一报告")
    desk = api.as_user(dispatcher)

    linked = _post(desk, duplicate.number, "link-master", {"master": master.number})

    assert linked.status_code == 200, linked.json()
    assert linked.json()["status"] == "waiting_master"
    assert linked.json()["master"]["number"] == master.number
    assert linked.json()["timeline"][-1]["kind"] == "linked_master"
    master_view = desk.get(f"/api/v1/cases/{master.number}/").json()
    assert [d["number"] for d in master_view["duplicates"]] == [duplicate.number]
    assert master_view["timeline"][-1]["kind"] == "duplicate_added"

    # The master runs its course; the duplicate closes with it.
    master = services.case_resolve(
        case=master, cause="network", solution="核心交换机重启", actor=master.assignee
    )
    services.case_confirm(case=master, actor=dispatcher, note="")
    closed = _post(client_for(manager), master.number, "close", {})
    assert closed.status_code == 200, closed.json()
    after = desk.get(f"/api/v1/cases/{duplicate.number}/").json()
    assert after["status"] == "closed"
    assert [e["kind"] for e in after["timeline"][-2:]] == ["closed", "survey_sent"]
    assert after["timeline"][-2]["data"]["master"] == master.number


def test_follow_up_opens_a_linked_case(api, make_case, customer):
    closed = make_case("closed")

    response = _post(
        api.as_user(customer), closed.number, "follow-up", {"title": "遗留问题：云台不转"}
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] != closed.number
    assert body["status"] == "new"
    assert body["follow_up_of"]["number"] == closed.number
    assert body["channel"] == "portal"
    assert body["severity"] == closed.severity
    original = api.get(f"/api/v1/cases/{closed.number}/").json()
    assert [f["number"] for f in original["follow_ups"]] == [body["number"]]
    assert original["timeline"][-1]["kind"] == "follow_up"
    assert original["timeline"][-1]["data"]["case"] == body["number"]


def test_staff_note_defaults_to_internal(api, client_for, make_case, engineer, customer):
    case = make_case("in_progress")

    response = _post(api.as_user(engineer), case.number, "note", {"body": "内部备注"})

    assert response.json()["timeline"][-1]["visibility"] == "internal"
    customer_view = client_for(customer).get(f"/api/v1/cases/{case.number}/").json()
    assert "内部备注" not in str(customer_view)


def test_dispatcher_confirms_on_the_customers_behalf(api, make_case, dispatcher):
    case = make_case("resolved")

    response = _post(api.as_user(dispatcher), case.number, "confirm", {"note": "电话确认"})

    assert response.status_code == 200
    assert response.json()["confirmation"] == "on_behalf"


def test_allowed_actions_follow_the_reader(client_for, make_case, people):
    case = make_case("resolved")

    def allowed(username):
        url = f"/api/v1/cases/{case.number}/"
        return client_for(people[username]).get(url).json()["allowed_actions"]

    assert allowed("engineer") == ["call", "note", "follow-up"]
    assert allowed("customer") == ["confirm", "reject", "note", "follow-up"]
    assert allowed("dispatcher") == ["call", "confirm", "reject", "note", "follow-up"]
    # Not confirmed yet: the manager may not close it.
    assert allowed("manager") == ["call", "note", "follow-up"]
    services.case_confirm(case=case, actor=people["dispatcher"], note="")
    assert allowed("manager") == ["call", "close", "note", "follow-up"]
