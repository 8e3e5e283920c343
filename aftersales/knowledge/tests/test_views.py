"""The knowledge and search pages, in the workspace and the portal, from the outside."""

import pytest

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.cases import services
from aftersales.cases.choices import Cause
from aftersales.knowledge import services as knowledge
from aftersales.knowledge.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def quality(db):
    return UserFactory(username="quality", roles=[Role.QUALITY_MANAGER])


def _case(dispatcher, engineer, organisation, title, *, resolve=True, description=""):
    case = services.case_create(
        actor=dispatcher,
        organisation=organisation,
        title=title,
        description=description or title,
        severity="P3",
        channel="phone",
    )
    if resolve:
        case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
        case = services.case_respond(case=case, actor=engineer)
        case = services.case_resolve(
            case=case, cause=Cause.POWER, solution="更换电源适配器", actor=engineer
        )
    return case


def _published(case, author, reviewer, audience="public"):
    article = knowledge.article_from_case(case=case, actor=author, audience=audience)
    article = knowledge.article_submit(article=article, actor=author)
    return knowledge.article_publish(article=article, actor=reviewer)


def test_write_review_and_publish_through_the_pages(client, dispatcher, engineer, quality, org_a):
    case = _case(dispatcher, engineer, org_a, "摄像头夜间黑屏", description="晚上画面全黑")
    client.force_login(engineer)
    form = client.get(f"/knowledge/new/{case.number}/")
    assert form.status_code == 200
    assert "晚上画面全黑" in form.text and "更换电源适配器" in form.text

    response = client.post(
        f"/knowledge/new/{case.number}/",
        {
            "title": "摄像头夜间黑屏",
            "problem": "晚上画面全黑",
            "cause": "适配器老化",
            "solution": "",
            "audience": "public",
        },
    )
    assert response.status_code == 400
    assert "This field is required." in response.text
    assert not Article.objects.exists()

    response = client.post(
        f"/knowledge/new/{case.number}/",
        {
            "title": "摄像头夜间黑屏",
            "problem": "晚上画面全黑",
            "cause": "适配器老化",
            "solution": "更换电源适配器",
            "audience": "public",
        },
        follow=True,
    )
    article = Article.objects.get()
    assert response.redirect_chain[-1][0] == f"/knowledge/{article.pk}/"
    assert 'data-testid="article-submit"' in response.text
    client.post(f"/knowledge/{article.pk}/do/submit/")
    page = client.get(f"/knowledge/{article.pk}/")
    assert 'data-testid="article-publish"' not in page.text  # the author does not review

    client.force_login(quality)
    response = client.post(f"/knowledge/{article.pk}/do/publish/", follow=True)
    assert "Done: Publish." in response.text
    article.refresh_from_db()
    assert article.status == "published"


def test_an_open_case_offers_no_article(client, dispatcher, engineer, org_a):
    case = _case(dispatcher, engineer, org_a, "交换机掉线", resolve=False)
    client.force_login(engineer)
    response = client.get(f"/knowledge/new/{case.number}/", follow=True)
    assert "Write an article from a resolved or closed case." in response.text


def test_knowledge_pages_are_staff_only(client, customer, dispatcher, engineer, quality, org_a):
    article = _published(_case(dispatcher, engineer, org_a, "黑屏"), engineer, quality)
    client.force_login(customer)
    for url in ("/knowledge/", f"/knowledge/{article.pk}/", "/knowledge/faq/", "/search/?q=黑屏"):
        assert client.get(url).status_code == 403, url


def test_portal_shows_published_public_articles_and_faq(
    client, customer_b, dispatcher, engineer, quality, org_a
):
    public = _published(_case(dispatcher, engineer, org_a, "摄像头黑屏处理"), engineer, quality)
    internal = _published(
        _case(dispatcher, engineer, org_a, "内部：硬盘坏道"), engineer, quality, "internal"
    )
    draft = knowledge.article_from_case(
        case=_case(dispatcher, engineer, org_a, "门禁死机"), actor=engineer, audience="public"
    )
    client.force_login(customer_b)

    listed = client.get("/portal/knowledge/")
    assert "摄像头黑屏处理" in listed.text
    assert "硬盘坏道" not in listed.text and "门禁死机" not in listed.text
    assert client.get(f"/portal/knowledge/{public.pk}/").status_code == 200
    for hidden in (internal, draft):
        assert client.get(f"/portal/knowledge/{hidden.pk}/").status_code == 404
    assert client.get("/portal/knowledge/abc/").status_code == 404
    found = client.get("/portal/knowledge/", {"q": "硬盘"})
    assert "硬盘坏道" not in found.text and "No article matches" in found.text
    faq = client.get("/portal/knowledge/faq/")
    assert "摄像头黑屏处理" in faq.text and "硬盘坏道" not in faq.text


def test_portal_case_search_stays_in_the_organisation(
    client, customer, dispatcher, engineer, org_a, org_b
):
    mine = _case(dispatcher, engineer, org_a, "3号摄像头夜间出现黑屏", resolve=False)
    theirs = _case(dispatcher, engineer, org_b, "门诊楼摄像头黑屏", resolve=False)
    services.case_note(case=mine, actor=dispatcher, body="内部：欠费", visibility="internal")
    client.force_login(customer)

    page = client.get("/portal/", {"q": "摄像头 黑屏"})
    assert mine.number in page.text and theirs.number not in page.text
    assert mine.number not in client.get("/portal/", {"q": "欠费"}).text
    too_long = client.get("/portal/", {"q": "字" * 201})
    assert "The search is too long" in too_long.text


def test_workspace_search_page_finds_cases_and_articles(
    client, dispatcher, engineer, quality, org_a, org_b, django_assert_max_num_queries
):
    for i in range(3):
        _case(dispatcher, engineer, org_b, f"{i}号球机云台不转", resolve=False)
    _published(_case(dispatcher, engineer, org_a, "球机云台失控处理"), engineer, quality)
    client.force_login(dispatcher)
    client.get("/search/", {"q": "x"})
    with django_assert_max_num_queries(14):
        page = client.get("/search/", {"q": "摄像机 云台"})
    assert page.text.count('class="case-number"') == 4
    assert 'data-testid="article-results"' in page.text
    assert "球机云台失控处理" in page.text


def test_case_page_panel_suggests_and_links(
    client, dispatcher, engineer, quality, org_a, org_b, django_assert_max_num_queries
):
    source = _case(dispatcher, engineer, org_a, "录像机硬盘告警")
    article = _published(source, engineer, quality)
    case = _case(dispatcher, engineer, org_b, "NVR硬盘告警，无法录像", resolve=False)
    client.force_login(engineer)

    page = client.get(f"/cases/{case.number}/")
    assert 'data-testid="suggestions-panel"' in page.text
    with django_assert_max_num_queries(16):
        panel = client.get(f"/knowledge/cases/{case.number}/suggestions/")
    assert source.number in panel.text
    assert "录像机硬盘告警" in panel.text and 'data-testid="link-article"' in panel.text

    response = client.post(
        f"/knowledge/cases/{case.number}/link/", {"article": article.pk}, follow=True
    )
    assert "Linked “录像机硬盘告警”." in response.text
    assert case.timeline.filter(kind="article_linked").count() == 1
    panel = client.get(f"/knowledge/cases/{case.number}/suggestions/")
    assert "Linked articles" in panel.text


def test_desk_title_suggestions(client, dispatcher, engineer, quality, org_a):
    old = _case(dispatcher, engineer, org_a, "3号摄像头夜间出现黑屏")
    _published(old, engineer, quality)
    client.force_login(dispatcher)

    partial = client.get("/knowledge/suggest/", {"title": "摄像机黑屏"})
    assert old.number in partial.text
    assert 'data-testid="similar-articles"' in partial.text
    assert "3号摄像头夜间出现黑屏" in partial.text
    empty = client.get("/knowledge/suggest/", {"title": "x"})
    assert old.number not in empty.text


def test_knowledge_pages_run_a_fixed_number_of_queries(
    client, customer, dispatcher, engineer, quality, org_a, django_assert_max_num_queries
):
    for i in range(4):
        _published(_case(dispatcher, engineer, org_a, f"{i}号摄像头黑屏"), engineer, quality)
    client.force_login(customer)
    client.get("/portal/knowledge/")
    for url in ("/portal/knowledge/", "/portal/knowledge/?q=黑屏", "/portal/knowledge/faq/"):
        with django_assert_max_num_queries(10):
            assert client.get(url).status_code == 200
    client.force_login(dispatcher)
    client.get("/knowledge/")
    for url in ("/knowledge/", "/knowledge/?q=摄像机", "/knowledge/faq/"):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
