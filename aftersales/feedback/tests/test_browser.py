"""The survey on a phone, and a revisit call recorded by the desk, in a real browser."""

import pytest

from aftersales.feedback.models import Revisit, Survey
from aftersales.feedback.tests.helpers import survey_link

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url,
        locale="zh-CN",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_a_customer_answers_the_survey_on_a_phone(phone, close_case):
    case = close_case(title="中关村摄像头夜间黑屏")
    page = phone.new_page()
    page.goto(survey_link(case).split("?")[0])  # the browser's language: Chinese
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "中关村摄像头夜间黑屏" in page.inner_text("[data-testid=survey-case]")
    # Nothing wider than the screen, no menu of the staff.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.locator(".navbar-nav .nav-link").count() == 0

    page.click("[data-testid=switch-en]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "How satisfied are you with our service?"

    page.click("[data-testid=survey-submit]")  # no rating yet
    assert "Choose a rating from 1 to 5." in page.inner_text("[data-testid=rating-error]")
    page.click("label[for=rating-4]")
    page.fill("[data-testid=comment]", "上门很及时")
    page.click("[data-testid=survey-submit]")
    page.wait_for_selector("[data-testid=survey-thanks]")
    assert Survey.objects.get(case=case).rating == 4

    page.reload()
    page.goto(page.url)
    assert page.locator("[data-testid=survey-closed]").get_attribute("data-reason") == "answered"


def test_the_desk_records_a_revisit_call(browser, close_case, dispatcher, quality):
    case = close_case()
    revisit = Revisit.objects.get(case=case)
    page = browser.sign_in(dispatcher)
    page.goto(f"/cases/{case.number}/")
    page.click(f"[data-testid=case-revisit-{revisit.pk}]")
    # The retry time shows only for a call that did not reach the customer.
    page.click("[data-testid=reached-no]")
    page.wait_for_selector("[data-testid=retry-at]", state="visible")
    page.click("[data-testid=reached-yes]")
    page.wait_for_selector("[data-testid=retry-at]", state="hidden")
    page.click("[data-testid=satisfied-no]")
    page.fill("[data-testid=notes]", "客户认为维修太慢")
    page.check("[data-testid=open-complaint]")
    page.click("[data-testid=record-submit]")
    page.wait_for_url(f"**/cases/{case.number}/")
    assert "The call is recorded." in page.inner_text(".alert-success")
    revisit.refresh_from_db()
    assert revisit.complaint.assignee == quality
    assert "Reached, not satisfied" in page.inner_text("[data-testid=feedback-panel]")
