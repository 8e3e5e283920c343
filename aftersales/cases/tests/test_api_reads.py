"""Reading cases through the API: what the list and the detail show, and their query budgets
(a longer timeline or list must not cost more queries)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.core.clock import frozen, now


def _case(actor, organisation, title="3号摄像头黑屏", **kwargs) -> Case:
    return services.case_create(
        actor=actor,
        organisation=organisation,
        title=title,
        severity="P2",
        channel="phone",
        **kwargs,
    )


def _queries(api, path: str) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries), response.json()


@pytest.fixture
def busy_case(dispatcher, engineer, team, org_a, asset_a, contract_a, site_a):
    case = _case(dispatcher, org_a, assets=[asset_a])
    case = services.case_assign(case=case, assignee=engineer, team=team, actor=dispatcher)
    return case


def test_case_detail_shows_what_the_case_holds(api, dispatcher, busy_case, engineer, asset_a):
    _count, body = _queries(api.as_user(dispatcher), f"/api/v1/cases/{busy_case.number}/")

    assert body["number"] == busy_case.number
    assert body["status"] == "assigned"
    assert body["status_display"] == Case.objects.get(pk=busy_case.pk).get_status_display()
    assert body["assignee"] == engineer.username
    assert body["created_by"] == dispatcher.username
    assert body["organisation"]["code"] == "HDGA"
    assert body["site"]["id"] == asset_a.site_id
    assert body["contract"]["id"] == asset_a.contract_id
    assert [a["serial_number"] for a in body["assets"]] == [asset_a.serial_number]
    first = busy_case.timeline.get(seq=1)
    assert body["timeline"][0]["kind_display"] == first.get_kind_display()
    assert body["timeline"][0]["author"] == {"username": "dispatcher", "name": str(dispatcher)}
    assert [e["kind"] for e in body["timeline"]] == ["created", "assigned"]


def test_case_detail_lists_its_duplicates_and_follow_ups(api, dispatcher, org_a):
    master = _case(dispatcher, org_a, title="平台宕机")
    duplicate = _case(dispatcher, org_a, title="平台无法登录")
    services.case_link_master(case=duplicate, master=master, actor=dispatcher)
    follow_up = services.case_follow_up(case=master, actor=dispatcher, title="遗留问题")

    _count, body = _queries(api.as_user(dispatcher), f"/api/v1/cases/{master.number}/")

    assert [c["number"] for c in body["duplicates"]] == [duplicate.number]
    assert [c["number"] for c in body["follow_ups"]] == [follow_up.number]
    _count, body = _queries(api.as_user(dispatcher), f"/api/v1/cases/{duplicate.number}/")
    assert body["master"]["number"] == master.number
    assert body["duplicates"] == body["follow_ups"] == []


def test_case_detail_costs_the_same_queries_however_long_the_timeline(api, dispatcher, busy_case):
    path = f"/api/v1/cases/{busy_case.number}/"
    short, _body = _queries(api.as_user(dispatcher), path)
    for k in range(20):
        services.case_note(case=busy_case, actor=dispatcher, body=f"回访{k}", visibility="internal")

    long, body = _queries(api.as_user(dispatcher), path)

    assert len(body["timeline"]) == 22
    assert long == short <= 12


def test_case_list_costs_the_same_queries_however_many_cases(api, dispatcher, org_a, team):
    path = f"/api/v1/cases/?team={team.code}&open=true"
    for _k in range(2):
        case = _case(dispatcher, org_a)
        services.case_assign(case=case, assignee=team.members.first(), team=team, actor=dispatcher)
    few, body = _queries(api.as_user(dispatcher), path)
    assert len(body["results"]) == 2
    for _k in range(8):
        case = _case(dispatcher, org_a)
        services.case_assign(case=case, assignee=team.members.first(), team=team, actor=dispatcher)

    many, body = _queries(api.as_user(dispatcher), path)

    assert len(body["results"]) == 10
    assert {c["status_display"] for c in body["results"]} == {
        Case.objects.filter(status="assigned").first().get_status_display()
    }
    assert many == few <= 4


def test_lookup_by_serial_shows_that_asset_first_then_by_site_and_serial(
    api, dispatcher, engineer, org_a, contract_a
):
    from aftersales.customers.tests.factories import AssetFactory, SiteFactory

    east, west = (
        SiteFactory(organisation=org_a, name="东门"),
        SiteFactory(organisation=org_a, name="西门"),
    )
    for site, serial in [(west, "SN-W1"), (east, "SN-E2"), (west, "SN-W0"), (east, "SN-E1")]:
        AssetFactory(site=site, contract=contract_a, serial_number=serial)

    count, body = _queries(api.as_user(dispatcher), "/api/v1/lookup/?q=sn-w1")

    [match] = body["results"]
    assert match["matched_by"] == ["serial"]
    assert [a["serial_number"] for a in match["assets"]] == ["SN-W1", "SN-E1", "SN-E2", "SN-W0"]
    assert match["assets"][0]["site"] == "西门"
    assert match["assets"][0]["in_warranty"] is True
    assert match["asset_count"] == 4
    assert {s["name"] for s in match["sites"]} == {"东门", "西门"}
    assert [e["username"] for e in match["engineers"]] == ["engineer"]

    for k in range(10):
        AssetFactory(site=east, contract=contract_a, serial_number=f"SN-X{k}")
        SiteFactory(organisation=org_a, name=f"站点{k}")
    more, body = _queries(api.as_user(dispatcher), "/api/v1/lookup/?q=sn-w1")
    assert body["results"][0]["asset_count"] == 14
    assert more == count


@pytest.mark.parametrize("with_everything", [False, True])
def test_creating_answers_what_the_case_detail_shows(
    api, dispatcher, org_a, asset_a, contract_a, with_everything
):
    from aftersales.customers.tests.factories import ContactFactory

    payload = {
        "organisation": "hdga",
        "title": "  3号摄像头夜间黑屏 ",
        "description": "昨晚开始黑屏",
        "severity": "P2",
        "channel": "phone",
    }
    if with_everything:
        contact = ContactFactory(organisation=org_a, name="王警官")
        payload |= {
            "assets": [asset_a.pk],
            "contact": contact.pk,
            "reported_at": "2026-01-05T09:30:00.123456+08:00",
            "case_type": "service_request",
        }
    client = api.as_user(dispatcher)

    with frozen(now()):  # the clocks' remaining minutes are read at one moment
        created = client.post("/api/v1/cases/", payload, format="json")
        assert created.status_code == 201, created.content
        shown = client.get(f"/api/v1/cases/{created.json()['number']}/")
    assert created.json() == shown.json()
