"""In a real browser: typing a new case's title on the desk suggests similar past cases and
articles; a customer searches its requests from the header on a phone-sized screen."""

import pytest

from aftersales.cases import services
from aftersales.cases.choices import Cause
from aftersales.knowledge import services as knowledge

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _resolved(dispatcher, engineer, organisation, title):
    case = services.case_create(
        actor=dispatcher,
        organisation=organisation,
        title=title,
        description=title,
        severity="P3",
        channel="phone",
    )
    services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    services.case_respond(case=case, actor=engineer)
    return services.case_resolve(
        case=case, cause=Cause.POWER, solution="更换适配器", actor=engineer
    )


def test_typing_a_title_on_the_desk_suggests_cases_and_articles(
    browser, dispatcher, engineer, expert, org_a, contract_a
):
    old = _resolved(dispatcher, engineer, org_a, "3号摄像头夜间出现黑屏")
    article = knowledge.article_from_case(case=old, actor=engineer, audience="public")
    knowledge.article_submit(article=article, actor=engineer)
    knowledge.article_publish(article=article, actor=expert)

    page = browser.sign_in(dispatcher)
    page.fill("[data-testid=lookup]", "HDGA")
    page.click("[data-testid=open-case]")
    page.fill("[data-testid=case-title]", "东门摄像机黑屏")
    suggestions = page.locator("[data-testid=suggestions]")
    suggestions.wait_for()
    assert old.number in suggestions.inner_text()
    assert "3号摄像头夜间出现黑屏" in page.locator("[data-testid=similar-articles]").inner_text()


def test_a_customer_searches_from_the_header_on_a_phone(
    browser, dispatcher, engineer, customer, org_a, org_b
):
    mine = _resolved(dispatcher, engineer, org_a, "门口摄像头黑屏")
    theirs = _resolved(dispatcher, engineer, org_b, "门诊楼摄像头黑屏")
    page = browser.new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    browser.sign_in(customer, page=page)
    box = page.locator("[data-testid=header-search] input")
    box.fill("摄像头 黑屏")
    box.press("Enter")
    page.wait_for_load_state("networkidle")
    table = page.locator("[data-testid=requests]").inner_text()
    assert mine.number in table and theirs.number not in table
