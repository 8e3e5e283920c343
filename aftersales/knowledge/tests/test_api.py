"""The knowledge base from the outside: an article from a resolved case in one step, its
review, who reads what, the FAQ, links and suggestions."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services
from aftersales.cases.choices import Cause
from aftersales.core.tests.utils import assert_error
from aftersales.customers.tests.factories import AssetFactory, AssetModelFactory, VendorFactory
from aftersales.knowledge.models import Article, CaseArticleLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(api):
    """The API client, asking for English (the messages asserted are the English ones)."""
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api


@pytest.fixture
def quality(db):
    return UserFactory(username="quality", roles=[Role.QUALITY_MANAGER])


def _case(dispatcher, engineer, organisation, title, description, *, resolve=True, assets=()):
    case = services.case_create(
        actor=dispatcher,
        organisation=organisation,
        title=title,
        description=description,
        severity="P3",
        channel="phone",
        assets=assets,
    )
    if resolve:
        case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
        case = services.case_respond(case=case, actor=engineer)
        case = services.case_confirm_cause(
            case=case, cause=Cause.POWER, diagnosis="适配器带载电压不足", actor=engineer
        )
        case = services.case_resolve(
            case=case, cause=Cause.POWER, solution="更换12V电源适配器", actor=engineer
        )
    return case


@pytest.fixture
def resolved(dispatcher, engineer, org_a, site_a):
    model = AssetModelFactory(name="DS-2CD3T46", vendor=VendorFactory(name="海康威视"))
    asset = AssetFactory(site=site_a, model=model)
    return _case(
        dispatcher,
        engineer,
        org_a,
        "摄像头夜间黑屏",
        "每天晚上七点后画面全黑，红外灯不亮。",
        assets=[asset],
    )


def _publish(api, article_id, author, reviewer, audience="public"):
    api.as_user(author).patch(f"/api/v1/knowledge/{article_id}/", {"audience": audience})
    assert api.as_user(author).post(f"/api/v1/knowledge/{article_id}/submit/").status_code == 200
    response = api.as_user(reviewer).post(f"/api/v1/knowledge/{article_id}/publish/")
    assert response.status_code == 200, response.json()
    return response.json()


def test_an_article_is_written_from_a_resolved_case_in_one_step(api, engineer, resolved):
    response = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number})

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["title"] == "摄像头夜间黑屏"
    assert body["problem"] == "每天晚上七点后画面全黑，红外灯不亮。"
    assert body["cause"] == "Power：适配器带载电压不足"
    assert body["solution"] == "更换12V电源适配器"
    assert body["asset_models"] == ["海康威视 DS-2CD3T46"]
    assert body["status"] == "draft"
    assert body["audience"] == "internal"
    assert body["source_case"] == resolved.number
    assert body["asked"] == 1
    assert body["actions"] == ["edit", "submit"]
    assert resolved.timeline.filter(kind="article_linked", visibility="internal").exists()


def test_an_open_case_gives_no_article(api, dispatcher, engineer, org_a):
    case = _case(dispatcher, engineer, org_a, "交换机掉线", "", resolve=False)
    response = api.as_user(engineer).post("/api/v1/knowledge/", {"case": case.number})
    assert_error(response, 409, message="Write an article from a resolved or closed case.")
    assert not Article.objects.exists()


def test_customers_write_no_articles_and_cannot_name_others_cases(
    api, customer, customer_b, resolved
):
    response = api.as_user(customer).post("/api/v1/knowledge/", {"case": resolved.number})
    assert_error(response, 403, message="You may not write knowledge articles.")
    response = api.as_user(customer_b).post("/api/v1/knowledge/", {"case": resolved.number})
    assert_error(response, 404, message="No such case.")
    assert not Article.objects.exists()


@pytest.mark.parametrize("reviewer_role", [Role.QUALITY_MANAGER, Role.EXPERT])
def test_a_quality_manager_or_an_expert_publishes(api, engineer, resolved, reviewer_role):
    reviewer = UserFactory(username="reviewer", roles=[reviewer_role])
    article_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number})
    body = _publish(api, article_id.json()["id"], engineer, reviewer)
    assert body["status"] == "published"
    assert body["reviewer"] == str(reviewer)


def test_review_refusals(api, engineer, engineer2, dispatcher, manager, quality, resolved):
    article_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number})
    article_id = article_id.json()["id"]
    url = f"/api/v1/knowledge/{article_id}"

    response = api.as_user(quality).post(f"{url}/publish/")
    assert_error(response, 409, message="“Publish” is not allowed while the article is Draft.")
    api.as_user(engineer).post(f"{url}/submit/")
    for user in (engineer, engineer2, dispatcher, manager):
        response = api.as_user(user).post(f"{url}/publish/")
        assert_error(response, 403, message="Only a quality manager or an expert reviews articles.")
    response = api.as_user(engineer).patch(f"{url}/", {"title": "改标题"})
    assert_error(response, 409, message="“Edit” is not allowed while the article is In review.")
    assert Article.objects.get().status == "in_review"

    own = api.as_user(quality).post("/api/v1/knowledge/", {"case": resolved.number}).json()
    api.as_user(quality).post(f"/api/v1/knowledge/{own['id']}/submit/")
    response = api.as_user(quality).post(f"/api/v1/knowledge/{own['id']}/publish/")
    assert_error(response, 403, message="You wrote this article: another reviewer must review it.")
    assert Article.objects.get(pk=own["id"]).status == "in_review"


def test_a_rejected_article_is_corrected_and_submitted_again(api, engineer, quality, resolved):
    article_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number})
    url = f"/api/v1/knowledge/{article_id.json()['id']}"
    api.as_user(engineer).post(f"{url}/submit/")

    response = api.as_user(quality).post(f"{url}/reject/", {"reason": " "})
    assert_error(response, 400, field="reason", message="Say what must change before publishing.")
    response = api.as_user(quality).post(f"{url}/reject/", {"reason": "补充更换步骤"})
    assert response.json()["status"] == "rejected"
    assert response.json()["review_note"] == "补充更换步骤"

    response = api.as_user(engineer).patch(f"{url}/", {"solution": ""})
    assert_error(response, 400, field="solution", message="Describe the solution.")
    response = api.as_user(engineer).patch(f"{url}/", {"solution": "断电后更换适配器并复测"})
    assert response.json()["solution"] == "断电后更换适配器并复测"
    assert api.as_user(engineer).post(f"{url}/submit/").json()["status"] == "in_review"
    assert [e.action for e in Article.objects.get().events.all()] == [
        "create",
        "submit",
        "reject",
        "edit",
        "submit",
    ]


def test_customers_read_published_public_articles_only(
    api, engineer, quality, customer, customer_b, dispatcher, org_a, resolved
):
    public_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number})
    public_id = public_id.json()["id"]
    _publish(api, public_id, engineer, quality, audience="public")
    other = _case(dispatcher, engineer, org_a, "录像机硬盘告警", "硬盘坏道，更换硬盘。")
    internal_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": other.number})
    internal_id = internal_id.json()["id"]
    _publish(api, internal_id, engineer, quality, audience="internal")
    third = _case(dispatcher, engineer, org_a, "门禁无法开门", "门禁控制器死机。")
    draft_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": third.number})
    draft_id = draft_id.json()["id"]

    for reader in (customer, customer_b):
        listed = api.as_user(reader).get("/api/v1/knowledge/").json()["results"]
        assert [a["id"] for a in listed] == [public_id]
        for hidden in (internal_id, draft_id):
            assert api.as_user(reader).get(f"/api/v1/knowledge/{hidden}/").status_code == 404
        body = api.as_user(reader).get(f"/api/v1/knowledge/{public_id}/").json()
        assert body["source_case"] is None and body["author"] is None
        assert body["actions"] == []
        # The internal article's words find nothing for a customer.
        found = api.as_user(reader).get("/api/v1/knowledge/", {"search": "硬盘 坏道"})
        assert found.json()["results"] == []
    staff = api.as_user(dispatcher).get("/api/v1/knowledge/", {"search": "硬盘 坏道"})
    assert [a["id"] for a in staff.json()["results"]] == [internal_id]
    assert len(api.as_user(dispatcher).get("/api/v1/knowledge/").json()["results"]) == 3


def test_knowledge_search_ranks_and_uses_synonyms(api, engineer, quality, dispatcher, org_a):
    ids = {}
    for key, title, text in [
        ("black", "摄像机黑屏处理", "摄像机画面黑屏，检查供电。"),
        ("nvr", "NVR 无法录像", "硬盘录像机提示硬盘错误。"),
        ("mention", "巡检规范", "巡检时顺便检查摄像头有无黑屏。"),
    ]:
        case = _case(dispatcher, engineer, org_a, title, text)
        ids[key] = api.as_user(engineer).post("/api/v1/knowledge/", {"case": case.number}).json()
        ids[key] = ids[key]["id"]
    found = api.as_user(dispatcher).get("/api/v1/knowledge/", {"search": "摄像头 黑屏"})
    assert [a["id"] for a in found.json()["results"]] == [ids["black"], ids["mention"]]
    found = api.as_user(dispatcher).get("/api/v1/knowledge/", {"search": "录像机"})
    assert [a["id"] for a in found.json()["results"]] == [ids["nvr"]]


def test_faq_ranks_by_linked_cases(api, engineer, quality, dispatcher, customer, org_a, org_b):
    made = {}
    for key, title in [("often", "摄像头黑屏"), ("once", "交换机掉线"), ("never", "门禁故障")]:
        case = _case(dispatcher, engineer, org_a, title, title)
        made[key] = api.as_user(engineer).post("/api/v1/knowledge/", {"case": case.number})
        made[key] = made[key].json()["id"]
        _publish(api, made[key], engineer, quality)
    for organisation in (org_a, org_b, org_b):
        case = _case(dispatcher, engineer, organisation, "又黑屏了", "", resolve=False)
        response = api.as_user(engineer).post(
            f"/api/v1/cases/{case.number}/articles/", {"article": made["often"]}
        )
        assert response.status_code == 201, response.json()
    CaseArticleLink.objects.filter(article_id=made["never"]).delete()

    for reader in (dispatcher, customer):
        faq = api.as_user(reader).get("/api/v1/knowledge/faq/").json()["results"]
        assert [(a["id"], a["asked"]) for a in faq] == [(made["often"], 4), (made["once"], 1)]


def test_resolving_with_an_article_links_it(api, engineer, quality, dispatcher, org_a, resolved):
    article_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number})
    article_id = article_id.json()["id"]
    _publish(api, article_id, engineer, quality)
    case = _case(dispatcher, engineer, org_a, "摄像头晚上黑屏", "", resolve=False)
    services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    services.case_respond(case=case, actor=engineer)
    url = f"/api/v1/cases/{case.number}/articles/"

    response = api.as_user(engineer).post(url, {"article": article_id, "resolve": True})
    assert_error(response, 400, field="cause", message="Name the cause of the fault.")
    response = api.as_user(engineer).post(
        url, {"article": article_id, "resolve": True, "cause": "power"}
    )
    assert response.status_code == 201, response.json()
    case.refresh_from_db()
    assert case.status == "resolved"
    assert case.solution == "更换12V电源适配器"
    assert CaseArticleLink.objects.get(case=case).kind == "resolved_with"
    response = api.as_user(engineer).post(url, {"article": article_id})
    assert_error(response, 409, message="This article is already linked to the case.")


def test_linking_refusals(api, engineer, customer, customer_b, resolved):
    draft = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number}).json()
    url = f"/api/v1/cases/{resolved.number}/articles/"
    response = api.as_user(engineer).post(url, {"article": draft["id"]})
    assert_error(response, 400, field="article", message="Only a published article can be linked.")
    response = api.as_user(customer).post(url, {"article": draft["id"]})
    assert_error(response, 400, field="article", message="No such article.")
    response = api.as_user(customer_b).post(url, {"article": draft["id"]})
    assert_error(response, 404, message="No such case.")
    assert api.as_user(customer_b).get(url).status_code == 404
    assert (
        api.as_user(customer_b).get(f"/api/v1/cases/{resolved.number}/similar/").status_code == 404
    )


def test_suggestions_while_typing_and_for_a_case(
    api, engineer, quality, dispatcher, customer, customer_b, org_a, org_b, resolved
):
    article_id = api.as_user(engineer).post("/api/v1/knowledge/", {"case": resolved.number})
    _publish(api, article_id.json()["id"], engineer, quality)
    other_org = _case(dispatcher, engineer, org_b, "门诊楼摄像头夜间黑屏", "", resolve=False)
    unrelated = _case(dispatcher, engineer, org_a, "交换机端口down", "", resolve=False)

    staff = api.as_user(dispatcher).get("/api/v1/knowledge/suggest/", {"text": "3号摄像头黑屏"})
    numbers = [c["number"] for c in staff.json()["cases"]]
    assert set(numbers) == {resolved.number, other_org.number}
    assert unrelated.number not in numbers
    assert [a["title"] for a in staff.json()["articles"]] == ["摄像头夜间黑屏"]

    mine = api.as_user(customer).get("/api/v1/knowledge/suggest/", {"text": "摄像头黑屏"})
    assert [c["number"] for c in mine.json()["cases"]] == [resolved.number]
    theirs = api.as_user(customer_b).get(f"/api/v1/cases/{other_org.number}/similar/")
    assert theirs.json()["cases"] == []
    assert [a["title"] for a in theirs.json()["articles"]] == ["摄像头夜间黑屏"]

    response = api.as_user(dispatcher).get("/api/v1/knowledge/suggest/", {"text": " "})
    assert_error(response, 400, field="text", message="Type a few words.")


def test_knowledge_list_query_count_is_fixed(
    api, engineer, dispatcher, org_a, django_assert_max_num_queries
):
    for i in range(5):
        case = _case(dispatcher, engineer, org_a, f"光模块故障 {i}", "光模块老化")
        api.as_user(engineer).post("/api/v1/knowledge/", {"case": case.number})
    api.as_user(dispatcher)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/knowledge/", {"search": "光模块"})
    assert len(response.json()["results"]) == 5
    with django_assert_max_num_queries(8):
        api.get(f"/api/v1/knowledge/{Article.objects.first().pk}/")
