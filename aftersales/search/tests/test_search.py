"""Searching cases from the outside: Chinese and English, synonyms, the index kept in step with
every change, and what each reader may find."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aftersales.cases import services
from aftersales.cases.choices import Cause
from aftersales.core.tests.utils import assert_error
from aftersales.customers.tests.factories import AssetFactory, AssetModelFactory, VendorFactory
from aftersales.search.models import Synonym
from aftersales.search.selectors import case_search

pytestmark = pytest.mark.django_db


def open_case(*, actor, organisation, title, description="", **fields):
    return services.case_create(
        actor=actor,
        organisation=organisation,
        title=title,
        description=description,
        severity="P3",
        channel="phone",
        **fields,
    )


def _search(api, user, q, **params) -> list[str]:
    response = api.as_user(user).get("/api/v1/cases/", {"search": q, **params})
    assert response.status_code == 200, response.json()
    return [row["number"] for row in response.json()["results"]]


@pytest.fixture
def night(dispatcher, org_a):
    return open_case(
        actor=dispatcher,
        organisation=org_a,
        title="3号摄像头夜间出现黑屏",
        description="中关村派出所门口立杆上的摄像头，晚上七点以后画面全黑。",
    )


@pytest.fixture
def switch(dispatcher, org_a):
    return open_case(
        actor=dispatcher,
        organisation=org_a,
        title="Core switch port flapping",
        description="The uplink of the core switch keeps going down every few minutes.",
    )


@pytest.fixture
def hospital(dispatcher, org_b):
    return open_case(
        actor=dispatcher,
        organisation=org_b,
        title="门诊楼摄像头黑屏",
        description="门诊楼大厅的摄像头一直黑屏。",
    )


def test_two_chinese_words_find_the_case_whatever_the_sentence(api, dispatcher, night, switch):
    assert _search(api, dispatcher, "摄像头 黑屏") == [night.number]
    assert _search(api, dispatcher, "摄像头黑屏") == [night.number]
    assert _search(api, dispatcher, "夜间黑屏") == [night.number]
    assert _search(api, dispatcher, "摄像头 交换机") == []


def test_english_is_case_insensitive_and_stemmed(api, dispatcher, night, switch):
    assert _search(api, dispatcher, "CORE SWITCHES") == [switch.number]
    assert _search(api, dispatcher, "port flaps") == [switch.number]
    assert _search(api, dispatcher, "uplinks going down") == [switch.number]


def test_synonyms_widen_the_query(api, dispatcher, night, switch):
    assert _search(api, dispatcher, "摄像机 无图像") == [night.number]
    assert _search(api, dispatcher, "交换机") == [switch.number]


def test_administrators_synonyms_apply_to_the_next_search(api, dispatcher, night):
    assert _search(api, dispatcher, "立杆 IPC") == [night.number]  # seeded: IPC = 摄像头
    assert _search(api, dispatcher, "电线杆") == []
    Synonym.objects.create(words="立杆, 电线杆")
    assert _search(api, dispatcher, "电线杆") == [night.number]
    Synonym.objects.filter(words="立杆, 电线杆").update(is_active=False)
    assert _search(api, dispatcher, "电线杆") == []


def test_serials_models_vendors_and_customer_names_are_found(api, dispatcher, org_a, site_a):
    model = AssetModelFactory(name="DS-2CD3T46", vendor=VendorFactory(name="海康威视"))
    asset = AssetFactory(site=site_a, model=model, serial_number="GK7788123")
    case = open_case(actor=dispatcher, organisation=org_a, title="画面异常", assets=[asset])

    for q in ("GK7788123", "gk7788123", "DS-2CD3T46", "2cd3t46", "海康威视", "海淀区公安分局"):
        assert _search(api, dispatcher, q) == [case.number], q
    assert _search(api, dispatcher, case.number) == [case.number]


def test_best_match_comes_first(api, dispatcher, org_a):
    in_notes = open_case(actor=dispatcher, organisation=org_a, title="巡检记录")
    services.case_note(case=in_notes, actor=dispatcher, body="顺便看了光模块", visibility="public")
    in_title = open_case(actor=dispatcher, organisation=org_a, title="光模块故障 光模块告警")

    assert _search(api, dispatcher, "光模块") == [in_title.number, in_notes.number]


def test_notes_are_searchable_once_written_and_redacted_text_stops_matching(
    api, dispatcher, admin_user, night
):
    assert _search(api, dispatcher, "保险丝") == []
    services.case_note(case=night, actor=dispatcher, body="发现保险丝熔断", visibility="internal")
    assert _search(api, dispatcher, "保险丝") == [night.number]

    entry = night.timeline.get(kind="note")
    services.entry_redact(entry=entry, actor=admin_user, reason="误录")

    assert _search(api, dispatcher, "保险丝") == []
    assert _search(api, dispatcher, "摄像头 黑屏") == [night.number]


def test_resolution_and_diagnosis_are_searchable(api, dispatcher, engineer, night):
    services.case_assign(case=night, assignee=engineer, actor=dispatcher)
    services.case_respond(case=night, actor=engineer)
    services.case_resolve(
        case=night, cause=Cause.POWER, solution="更换电源适配器后恢复", actor=engineer
    )
    assert _search(api, dispatcher, "电源适配器") == [night.number]


def test_a_failed_change_leaves_the_index_as_it_was(api, dispatcher, engineer, night):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.case_note(case=night, actor=engineer, body="继电器烧毁", visibility="public")
        raise RuntimeError("the request failed after the note")
    assert _search(api, dispatcher, "继电器") == []


def test_customer_finds_its_own_cases_only_and_never_by_internal_words(
    api, dispatcher, customer, customer_b, night, hospital
):
    services.case_note(
        case=night, actor=dispatcher, body="内部备注：客户欠费", visibility="internal"
    )
    services.case_note(case=hospital, actor=dispatcher, body="客户欠费待催收", visibility="public")

    assert _search(api, customer, "摄像头 黑屏") == [night.number]
    assert _search(api, customer_b, "摄像头 黑屏") == [hospital.number]
    assert _search(api, customer, "欠费") == []
    assert _search(api, customer_b, "欠费") == [hospital.number]
    assert _search(api, dispatcher, "欠费") == sorted([night.number, hospital.number], reverse=True)
    # Another organisation's words, serials or number find nothing either.
    assert _search(api, customer, "门诊楼") == []
    assert _search(api, customer, hospital.number) == []
    assert _search(api, customer_b, "市第一人民医院") == [hospital.number]
    assert _search(api, customer, "市第一人民医院") == []


def test_search_combines_with_the_other_filters(api, dispatcher, org_a, night, hospital):
    assert _search(api, dispatcher, "摄像头 黑屏") == [hospital.number, night.number]
    assert _search(api, dispatcher, "摄像头 黑屏", organisation="RMYY") == [hospital.number]
    assert _search(api, dispatcher, "摄像头 黑屏", status="closed") == []


def test_search_pages_are_numbered(api, dispatcher, org_a):
    made = [
        open_case(actor=dispatcher, organisation=org_a, title=f"硬盘告警 {i}") for i in range(3)
    ]
    response = api.as_user(dispatcher).get("/api/v1/cases/", {"search": "硬盘", "page_size": 2})
    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    second = api.as_user(dispatcher).get(body["next"]).json()
    numbers = [r["number"] for r in body["results"] + second["results"]]
    assert sorted(numbers) == sorted(c.number for c in made)


def test_blank_or_punctuation_only_search_lists_everything_or_nothing(
    api, dispatcher, night, switch
):
    response = api.as_user(dispatcher).get("/api/v1/cases/", {"search": "  "})
    assert len(response.json()["results"]) == 2
    assert _search(api, dispatcher, "！？。,,") == []


def test_a_too_long_search_is_refused(api, dispatcher, night):
    response = api.as_user(dispatcher).get(
        "/api/v1/cases/", {"search": "摄" * 201}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert_error(
        response, 400, field="search", message="The search is too long: at most 200 characters."
    )


def test_search_query_count_does_not_grow_with_matches(api, dispatcher, org_a):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert _search(api, dispatcher, "球机 云台")
        return len(ctx.captured_queries)

    open_case(actor=dispatcher, organisation=org_a, title="球机云台不转")
    api.as_user(dispatcher)
    count()  # the synonym dictionary is read once, then kept until it changes
    few = count()
    for i in range(10):
        open_case(actor=dispatcher, organisation=org_a, title=f"{i}号球机云台失控")
    assert count() == few
    assert few <= 10


def test_selector_scopes_by_organisation_for_staff(dispatcher, org_b, night, hospital):
    hits = case_search(user=dispatcher, q="黑屏", organisation_id=org_b.pk)
    assert [h.id for h in hits] == [hospital.pk]


def test_administrators_edit_the_synonym_dictionary_in_the_admin(client, db):
    from aftersales.accounts.roles import Role
    from aftersales.accounts.services import roles_sync
    from aftersales.accounts.tests.factories import UserFactory

    roles_sync()
    administrator = UserFactory(username="admin2", roles=[Role.ADMINISTRATOR], is_staff=True)
    client.force_login(administrator)
    assert client.get("/admin/search/synonym/").status_code == 200

    response = client.post("/admin/search/synonym/add/", {"words": "立杆", "is_active": "on"})
    assert response.status_code == 200
    assert "Give at least two words, separated by commas." in response.text
    response = client.post(
        "/admin/search/synonym/add/", {"words": "立杆，电线杆, 杆子", "is_active": "on"}
    )
    assert response.status_code == 302
    assert Synonym.objects.get(words__startswith="立杆").words == "立杆, 电线杆, 杆子"
