"""The case list: filters in the query string, sortable columns, pages without counting,
filters saved per person."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftersales.accounts.tests.factories import TeamFactory, UserFactory
from aftersales.cases import services
from aftersales.cases.tests.factories import case_in_state, open_case
from aftersales.core.clock import frozen
from aftersales.customers.tests.factories import AssetFactory
from aftersales.workspace.models import SavedFilter

SHANGHAI = ZoneInfo("Asia/Shanghai")
URL = reverse("workspace:case-list")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def desk(client, dispatcher):
    client.force_login(dispatcher)
    return client


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.content.decode()[:2000]
    return [case.number for case in response.context["page"].rows]


@pytest.fixture
def cases(org_a, org_b, dispatcher, engineer, engineer2, manager, team):
    """Five cases of two organisations in several states, severities and owners."""

    def make(status, organisation, **fields):
        return case_in_state(
            status,
            organisation=organisation,
            dispatcher=dispatcher,
            engineer=fields.pop("engineer", engineer),
            manager=manager,
            **fields,
        )

    with frozen(at(2026, 11, 2, 9)):
        old = make("resolved", org_a, severity="P2", title="十月的故障")
    with frozen(at(2026, 11, 20, 9)):
        new_b = make("new", org_b, severity="P1", title="门诊楼网络中断")
    with frozen(at(2026, 11, 21, 23, 30)):  # 15:30 UTC: still the 21st in Shanghai
        late = make("in_progress", org_a, severity="P3", title="夜间报修")
    with frozen(at(2026, 11, 22, 10)):
        other = make("assigned", org_a, severity="P3", engineer=engineer2, title="工程师二的")
        consult = make("new", org_a, severity="P4", case_type="consultation", title="咨询")
    return {"old": old, "new_b": new_b, "late": late, "other": other, "consult": consult}


def test_without_filters_every_case_newest_first(desk, cases):
    response = desk.get(URL)
    expected = sorted((c.number for c in cases.values()), reverse=True)
    assert numbers(response) == expected
    body = response.content.decode()
    assert "门诊楼网络中断" in body and "RMYY" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": ["new", "assigned"]}, ["new_b", "other", "consult"]),
        ({"status": "new,assigned"}, ["new_b", "other", "consult"]),
        ({"severity": ["P1", "P2"]}, ["old", "new_b"]),
        ({"case_type": "consultation"}, ["consult"]),
        ({"organisation": "rmyy"}, ["new_b"]),
        ({"assignee": "engineer2"}, ["other"]),
        ({"assignee": "-"}, ["new_b", "consult"]),
        ({"team": "onsite"}, ["old", "late", "other"]),
        ({"reported_from": "2026-11-21", "reported_to": "2026-11-21"}, ["late"]),
        ({"created_to": "2026-11-19"}, ["old"]),
        ({"status": "new", "organisation": "HDGA"}, ["consult"]),
    ],
)
def test_each_filter_narrows_the_list(desk, cases, query, expected):
    wanted = sorted((cases[name].number for name in expected), reverse=True)
    assert numbers(desk.get(URL, query)) == wanted


def test_filter_by_vendor(desk, cases, org_a, dispatcher, site_a):
    asset = AssetFactory(site=site_a)
    with_vendor = open_case(actor=dispatcher, organisation=org_a, assets=[asset])
    vendor = asset.model.vendor
    assert numbers(desk.get(URL, {"vendor": vendor.code})) == [with_vendor.number]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"status": "bogus"}, "Unknown value “bogus”."),
        ({"severity": "P9"}, "Unknown value “P9”."),
        ({"organisation": "NOPE"}, "Unknown organisation “NOPE”."),
        ({"reported_from": "2026-11-22", "reported_to": "2026-11-01"}, "before its start"),
        ({"created_from": "23/11/2026"}, "Enter a valid date."),
        ({"sort": "title"}, "Select a valid choice."),
    ],
)
def test_a_bad_filter_says_what_is_wrong_and_lists_nothing(desk, cases, query, message):
    response = desk.get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'data-testid="case-row"' not in response.content.decode()


def test_sorting_by_each_column_both_ways(desk, cases):
    by_severity = numbers(desk.get(URL, {"sort": "severity"}))
    assert [cases["new_b"].number, cases["old"].number] == by_severity[:2]
    assert by_severity[-1] == cases["consult"].number
    assert numbers(desk.get(URL, {"sort": "-severity"}))[0] == cases["consult"].number

    by_state = numbers(desk.get(URL, {"sort": "status"}))
    # Workflow order: new, assigned, in progress... resolved.
    assert by_state[-1] == cases["old"].number
    assert set(by_state[:2]) == {cases["new_b"].number, cases["consult"].number}
    assert numbers(desk.get(URL, {"sort": "-status"}))[0] == cases["old"].number

    by_reported = numbers(desk.get(URL, {"sort": "reported_at"}))
    assert by_reported[0] == cases["old"].number
    assert numbers(desk.get(URL, {"sort": "-reported_at"}))[-1] == cases["old"].number
    assert numbers(desk.get(URL, {"sort": "number"}))[0] == cases["old"].number

    services.case_note(
        case=cases["old"], actor=cases["old"].created_by, body="x", visibility="internal"
    )
    assert numbers(desk.get(URL, {"sort": "-updated_at"}))[0] == cases["old"].number


def test_column_headers_toggle_the_sort_and_keep_the_filters(desk, cases):
    response = desk.get(URL, {"status": "new", "sort": "-reported_at"})
    columns = {c["name"]: c for c in response.context["columns"]}
    assert columns["reported_at"]["sorted"] == "desc"
    assert columns["reported_at"]["url"] == "?status=new&sort=reported_at"
    assert columns["severity"]["url"] == "?status=new&sort=severity"  # most severe first
    assert columns["number"]["url"] == "?status=new"  # newest first is the default
    assert columns["title"]["url"] is None


def test_pages_follow_each_other_without_counting(desk, org_a, dispatcher, settings):
    from aftersales.workspace import views

    created = [open_case(actor=dispatcher, organisation=org_a).number for _ in range(7)]
    newest_first = sorted(created, reverse=True)
    original = views.LIST_PAGE_SIZE
    views.LIST_PAGE_SIZE = 3
    try:
        with CaptureQueriesContext(connection) as queries:
            first = desk.get(URL, {"organisation": "HDGA"})
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
        assert numbers(first) == newest_first[:3]
        page = first.context["page"]
        assert page.has_next and not page.has_previous
        second = desk.get(URL, {"organisation": "HDGA", "after": page.next_cursor})
        assert numbers(second) == newest_first[3:6]
        third = desk.get(URL, {"organisation": "HDGA", "after": second.context["page"].next_cursor})
        assert numbers(third) == newest_first[6:]
        assert not third.context["page"].has_next
        back = desk.get(
            URL, {"organisation": "HDGA", "before": third.context["page"].previous_cursor}
        )
        assert numbers(back) == newest_first[3:6]
        assert 'href="?organisation=HDGA&amp;after=' in back.content.decode()
    finally:
        views.LIST_PAGE_SIZE = original


def test_pages_by_a_column_with_ties(desk, org_a, dispatcher):
    from aftersales.workspace import views

    with frozen(at(2026, 11, 22, 10)):
        created = [open_case(actor=dispatcher, organisation=org_a) for _ in range(5)]
    original = views.LIST_PAGE_SIZE
    views.LIST_PAGE_SIZE = 2
    try:
        seen, after = [], None
        for _ in range(5):
            response = desk.get(URL, {"sort": "reported_at", **({"after": after} if after else {})})
            seen += numbers(response)
            after = response.context["page"].next_cursor
            if not after:
                break
        assert seen == [c.number for c in created]  # same time: by id, none twice or lost
    finally:
        views.LIST_PAGE_SIZE = original


def test_a_cursor_that_is_not_ours_shows_the_first_page(desk, cases):
    assert len(numbers(desk.get(URL, {"after": "garbage!"}))) == len(cases)
    assert len(numbers(desk.get(URL, {"before": "eyJ4Ijox"}))) == len(cases)


def test_customers_are_refused_the_workspace_list(client, customer, cases):
    client.force_login(customer)
    assert client.get(URL).status_code == 403


def test_save_apply_and_delete_a_filter(desk, dispatcher, cases):
    response = desk.post(
        reverse("workspace:saved-filter-save"),
        {"name": " 我的  P1 ", "query": "severity=P1&status=new&after=abc"},
    )
    saved = SavedFilter.objects.get(owner=dispatcher)
    assert (saved.name, saved.query) == ("我的 P1", "status=new&severity=P1")
    assert response.status_code == 302 and response.url == f"{URL}?status=new&severity=P1"

    listed = desk.get(URL, {"severity": "P1", "status": "new"})
    assert listed.context["current_filter"] == saved
    assert "我的 P1" in listed.content.decode()

    # The same name again replaces the query.
    desk.post(reverse("workspace:saved-filter-save"), {"name": "我的 P1", "query": "severity=P2"})
    saved.refresh_from_db()
    assert saved.query == "severity=P2" and SavedFilter.objects.count() == 1

    response = desk.post(reverse("workspace:saved-filter-delete", args=[saved.pk]))
    assert response.status_code == 302 and not SavedFilter.objects.exists()


def test_invalid_filters_are_not_saved(desk, dispatcher):
    response = desk.post(
        reverse("workspace:saved-filter-save"),
        {"name": "坏的", "query": "status=bogus"},
        follow=True,
    )
    assert "These filters are not valid: correct them before saving." in [
        str(m) for m in response.context["messages"]
    ]
    assert not SavedFilter.objects.exists()


def test_a_filter_needs_a_name(desk, dispatcher):
    response = desk.post(
        reverse("workspace:saved-filter-save"), {"name": "  ", "query": "status=new"}, follow=True
    )
    assert "Name the filter." in [str(m) for m in response.context["messages"]]
    assert not SavedFilter.objects.exists()


def test_nobody_sees_or_deletes_anothers_filters(client, dispatcher, engineer, cases):
    theirs = SavedFilter.objects.create(
        owner=engineer,
        name="engineer's",
        query="status=new",
        created_at=at(2026, 11, 1),
        updated_at=at(2026, 11, 1),
    )
    client.force_login(dispatcher)
    body = client.get(URL).content.decode()
    assert "engineer&#x27;s" not in body and "engineer's" not in body
    response = client.post(reverse("workspace:saved-filter-delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert SavedFilter.objects.filter(pk=theirs.pk).exists()


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_list_runs_the_same_queries_for_3_cases_as_for_30(
    desk, org_a, org_b, dispatcher, engineer, team
):
    def add(n):
        for i in range(n):
            case = open_case(actor=dispatcher, organisation=org_a if i % 2 else org_b)
            services.case_assign(case=case, assignee=engineer, actor=dispatcher)

    SavedFilter.objects.create(
        owner=dispatcher,
        name="x",
        query="status=new",
        created_at=at(2026, 11, 1),
        updated_at=at(2026, 11, 1),
    )
    add(3)
    params = {"status": ["new", "assigned"], "sort": "status", "team": "onsite"}
    small = (_count(desk, URL), _count(desk, URL, params))
    add(27)
    large = (_count(desk, URL), _count(desk, URL, params))
    assert small == large
    assert large[0] <= 12


def test_other_teams_and_engineers_appear_as_choices(desk, cases):
    TeamFactory(code="apps", name="应用软件组")
    UserFactory(username="field3", roles=["engineer"])
    body = desk.get(URL).content.decode()
    assert 'value="apps"' in body and 'value="field3"' in body


def test_the_case_page_has_breadcrumbs_back_to_the_list(desk, cases):
    body = desk.get(reverse("workspace:case", args=[cases["late"].number])).content.decode()
    assert f'href="{URL}"' in body and 'data-testid="breadcrumbs"' in body
