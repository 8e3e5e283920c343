"""Case lists: every filter, cursor pagination, and the query budgets of list and detail."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.tests.factories import TeamFactory
from aftersales.cases import services
from aftersales.cases.tests.factories import open_case
from aftersales.core import clock
from aftersales.core.tests.utils import assert_error
from aftersales.customers.tests.factories import AssetFactory, AssetModelFactory, VendorFactory


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def cases(make_case, org_b, asset_a, asset_b, engineer2):
    """A small desk's worth of cases, named by what sets them apart."""
    nvr = AssetFactory(
        site=asset_a.site, model=AssetModelFactory(vendor=VendorFactory(name="宇视"))
    )
    made = {
        "new_p1": make_case("new", severity="P1"),
        "assigned_b": make_case("assigned", organisation=org_b, assets=[asset_b]),
        "in_progress_nvr": make_case("in_progress", assets=[nvr]),
        "resolved": make_case("resolved", severity="P2"),
        "closed": make_case("closed", case_type="complaint"),
        "cancelled": make_case("cancelled"),
    }
    services.case_takeover(case=made["assigned_b"], actor=engineer2, reason="")
    return made


def _pick(cases, *names) -> list[str]:
    """The numbers of these cases, newest first as lists answer."""
    chosen = [cases[name] for name in names]
    return [c.number for c in sorted(chosen, key=lambda c: -c.pk)]


def test_list_is_newest_first(api, dispatcher, cases):
    response = api.as_user(dispatcher).get("/api/v1/cases/")

    assert _numbers(response) == _pick(cases, *cases)
    row = response.json()["results"][0]
    assert set(row) >= {"number", "title", "status", "severity", "organisation", "assignee"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "new"}, ["new_p1"]),
        ({"status": "resolved,closed"}, ["resolved", "closed"]),
        ({"severity": "P1"}, ["new_p1"]),
        ({"severity": "P1,P2"}, ["new_p1", "resolved"]),
        ({"case_type": "complaint"}, ["closed"]),
        ({"assignee": "engineer2"}, ["assigned_b"]),
        ({"organisation": "RMYY"}, ["assigned_b"]),
        ({"organisation": "rmyy"}, ["assigned_b"]),
        ({"open": "true"}, ["new_p1", "assigned_b", "in_progress_nvr"]),
        ({"open": "false"}, ["resolved", "closed", "cancelled"]),
        ({"open": "true", "organisation": "HDGA"}, ["new_p1", "in_progress_nvr"]),
        ({"status": "nonsense"}, []),
    ],
    ids=lambda v: str(v) if isinstance(v, dict) else "",
)
def test_list_filters(api, dispatcher, cases, params, expected):
    response = api.as_user(dispatcher).get("/api/v1/cases/", params)

    assert _numbers(response) == _pick(cases, *expected)


def test_list_filters_by_organisation_id(api, dispatcher, cases, org_b):
    response = api.as_user(dispatcher).get("/api/v1/cases/", {"organisation": org_b.pk})

    assert _numbers(response) == _pick(cases, "assigned_b")


def test_list_filters_by_vendor(api, dispatcher, cases):
    vendor = cases["in_progress_nvr"].vendor

    response = api.as_user(dispatcher).get("/api/v1/cases/", {"vendor": vendor.pk})

    assert _numbers(response) == _pick(cases, "in_progress_nvr")
    assert response.json()["results"][0]["vendor"] == "宇视"


def test_list_filters_by_team_code_or_id(api, dispatcher, engineer, make_case, team):
    other = TeamFactory(code="network", name="网络组", members=[engineer])
    onsite = make_case("new")
    services.case_assign(case=onsite, assignee=engineer, team=team, actor=dispatcher)
    network = make_case("new")
    services.case_assign(case=network, assignee=engineer, team=other, actor=dispatcher)
    client = api.as_user(dispatcher)

    assert _numbers(client.get("/api/v1/cases/", {"team": "onsite"})) == [onsite.number]
    assert _numbers(client.get("/api/v1/cases/", {"team": other.pk})) == [network.number]


def test_list_filters_by_created_time(api, dispatcher, org_a):
    def opened_at(moment):
        with clock.frozen(moment):
            return open_case(actor=dispatcher, organisation=org_a)

    may = opened_at(dt.datetime(2026, 5, 31, 15, 0, tzinfo=dt.UTC))  # 23:00 in Beijing
    june = opened_at(dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC))
    later = opened_at(dt.datetime(2026, 6, 10, 1, 0, tzinfo=dt.UTC))
    client = api.as_user(dispatcher)

    june_only = client.get(
        "/api/v1/cases/",
        {"created_after": "2026-06-01T00:00:00+08:00", "created_before": "2026-06-02T00:00"},
    )
    since_june = client.get("/api/v1/cases/", {"created_after": "2026-06-01T00:00:00+08:00"})
    before_june = client.get("/api/v1/cases/", {"created_before": "2026-06-01T00:00:00+08:00"})

    assert _numbers(june_only) == [june.number]
    assert _numbers(since_june) == [later.number, june.number]
    assert _numbers(before_june) == [may.number]


def test_list_filters_by_reported_time(api, dispatcher, org_a):
    def reported(day):
        moment = dt.datetime(2026, 3, day, 9, 0, tzinfo=dt.UTC)
        return open_case(actor=dispatcher, organisation=org_a, reported_at=moment)

    first, second, third = reported(1), reported(5), reported(9)
    client = api.as_user(dispatcher)

    middle = client.get(
        "/api/v1/cases/",
        {"reported_after": "2026-03-02T00:00:00Z", "reported_before": "2026-03-09T00:00:00Z"},
    )
    edge = client.get("/api/v1/cases/", {"reported_after": "2026-03-09T09:00:00Z"})
    early = client.get("/api/v1/cases/", {"reported_before": "2026-03-05T09:00:00Z"})

    assert _numbers(middle) == [second.number]
    assert _numbers(edge) == [third.number]  # the lower bound is included
    assert _numbers(early) == [first.number]  # the upper bound is not


def test_list_refuses_a_malformed_time_naming_the_filter(api, dispatcher, org_a):
    response = api.as_user(dispatcher).get("/api/v1/cases/", {"created_after": "yesterday"})

    assert_error(response, 400, field="created_after", message="Enter a valid date/time.")


def test_cursor_pagination_visits_every_case_once(api, dispatcher, org_a):
    made = [open_case(actor=dispatcher, organisation=org_a) for _ in range(7)]
    client = api.as_user(dispatcher)

    seen, url, pages = [], "/api/v1/cases/?page_size=3&severity=P3", 0
    while url:
        body = client.get(url).json()
        assert "count" not in body  # cursor pagination: no COUNT(*)
        assert len(body["results"]) <= 3
        seen += [row["number"] for row in body["results"]]
        url, pages = body["next"], pages + 1
        assert pages < 10

    assert pages == 3
    assert seen == [c.number for c in reversed(made)]


def test_cursor_pagination_is_stable_when_cases_arrive(api, dispatcher, org_a):
    made = [open_case(actor=dispatcher, organisation=org_a) for _ in range(4)]
    client = api.as_user(dispatcher)

    first = client.get("/api/v1/cases/", {"page_size": 2}).json()
    open_case(actor=dispatcher, organisation=org_a)  # a new call comes in meanwhile
    second = client.get(first["next"]).json()

    numbers = [row["number"] for row in first["results"] + second["results"]]
    assert numbers == [c.number for c in reversed(made)]
    assert second["next"] is None


# --- query budgets --------------------------------------------------------------------


def _count_queries(client, url) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.json()
    return len(queries), response.json()


@pytest.mark.parametrize("role", ["dispatcher", "customer"])
def test_case_list_query_count_is_constant(
    request, api, role, org_a, asset_a, dispatcher, engineer, team, manager
):
    client = api.as_user(request.getfixturevalue(role))

    def add(n):
        for _ in range(n):
            case = open_case(actor=dispatcher, organisation=org_a, assets=[asset_a])
            services.case_assign(case=case, assignee=engineer, team=team, actor=dispatcher)

    add(3)
    client.get("/api/v1/cases/")  # warm up: token, roles, content types
    few, body = _count_queries(client, "/api/v1/cases/")
    assert len(body["results"]) == 3
    add(17)
    many, body = _count_queries(client, "/api/v1/cases/")
    assert len(body["results"]) == 20

    assert many == few
    # the case, its small relations, assets, related cases, timeline, clocks with calendar
    assert few <= 12, few


@pytest.mark.parametrize("role", ["dispatcher", "customer"])
def test_case_detail_query_count_is_constant_in_timeline_entries(
    request, api, role, make_case, asset_a, engineer, customer, admin_user, media
):
    client = api.as_user(request.getfixturevalue(role))
    case = make_case("in_progress", assets=[asset_a])
    url = f"/api/v1/cases/{case.number}/"

    def add_entries(n):
        for i in range(n):
            services.case_note(case=case, actor=engineer, body=f"进展 {i}", visibility="public")
            services.case_note(case=case, actor=customer, body=f"客户 {i}", visibility="public")
            services.case_log_call(case=case, actor=engineer, kind="phone", summary="电话")
            services.case_attach(
                case=case,
                actor=engineer,
                upload=SimpleUploadedFile(f"photo{i}.jpg", b"jpeg", "image/jpeg"),
                visibility="public",
            )

    add_entries(1)
    client.get(url)
    few, body = _count_queries(client, url)
    entries = len(body["timeline"])
    add_entries(10)
    entry = case.timeline.get(seq=5)
    services.entry_redact(entry=entry, actor=admin_user, reason="含个人信息")
    many, body = _count_queries(client, url)

    assert len(body["timeline"]) > entries + 30
    assert sum(1 for e in body["timeline"] if e["attachment"]) == 11
    assert many == few
    # the case, its small relations, assets, related cases, timeline, clocks with calendar
    assert few <= 12, few


# --- odd filter values: an answer, never a crash --------------------------------------

HUGE = "99999999999999999999999"  # beyond any database integer


@pytest.mark.parametrize(
    "params",
    [
        {"team": HUGE},
        {"organisation": HUGE},
        {"team": "²"},  # a Unicode digit that int() refuses
        {"organisation": "١"},  # an Arabic-Indic one that int() takes
        {"assignee": HUGE},
    ],
    ids=str,
)
def test_odd_reference_filters_find_nothing(api, dispatcher, cases, params):
    response = api.as_user(dispatcher).get("/api/v1/cases/", params)

    assert _numbers(response) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (HUGE, "Ensure this value is less than or equal to 9223372036854775807."),
        ("1.5", "Enter a whole number."),
        ("abc", "Enter a whole number."),
    ],
)
def test_vendor_filter_wants_an_id(api, dispatcher, cases, value, message):
    response = api.as_user(dispatcher).get("/api/v1/cases/", {"vendor": value})

    assert_error(response, 400, field="vendor", message=message, code="invalid")
