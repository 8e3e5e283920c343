"""The visit on a phone-sized screen, in Chromium: depart, lose the connection, write the work
log, get it back (the line arrives once), arrive, both sign by drawing, finish; the service
report ends up on the case. And the dispatcher's side: dispatch from the case page."""

import pytest

from aftersales.cases.models import Attachment, TimelineEntry
from aftersales.core.browser import browser_sign_in
from aftersales.dispatch.models import Visit, VisitLogEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


@pytest.fixture
def phone(chromium, live_server):
    """A phone-sized browser context (375 px wide, touch) on the live server."""
    context = chromium.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport=PHONE,
        device_scale_factor=2,
        has_touch=True,
        is_mobile=True,
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def _sign_in(context, user):
    return browser_sign_in(context, user.username, "pw-for-tests")


def _draw(page, testid: str) -> None:
    """Sign by moving the mouse across the canvas with the button down."""
    pad = page.get_by_test_id(testid)
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    x, y = box["x"] + 20, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 12):
        page.mouse.move(x + step * 25, y + (18 if step % 2 else -18), steps=4)
    page.mouse.up()


def test_a_visit_on_the_phone_offline_and_back_ending_with_the_report(phone, visit, engineer):
    page = _sign_in(phone, engineer)
    page.goto(f"/visits/{visit.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_test_id("onsite-clock").is_visible()

    page.get_by_test_id("depart").click()
    page.get_by_test_id("visit-status").filter(has_text="En route").wait_for()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=offline-banner]').offsetParent"
    )

    phone.set_offline(True)
    page.get_by_test_id("log-body").fill("到达前电话联系王警官，确认机房可进入")
    page.get_by_test_id("log-add").click()
    banner = page.get_by_test_id("offline-banner")
    banner.wait_for()
    assert "Saved on this phone, will send" in banner.inner_text()
    page.locator("[data-state=waiting]").wait_for()
    assert VisitLogEntry.objects.count() == 0

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("[data-testid=work-log] [data-state=sent]").wait_for()
    page.wait_for_function("() => !document.querySelector('[data-state=waiting]')")
    assert VisitLogEntry.objects.filter(visit=visit).count() == 1
    assert TimelineEntry.objects.filter(case=visit.case, kind="visit_log").count() == 1

    page.get_by_test_id("arrive").click()
    page.get_by_test_id("visit-status").filter(has_text="On site").wait_for()
    page.get_by_test_id("arrived-at").filter(has_not_text="*").wait_for()

    _draw(page, "customer-pad")
    page.get_by_test_id("signer-name").fill("王警官")
    page.get_by_test_id("customer-sign").click()
    _draw(page, "engineer-pad")
    page.get_by_test_id("engineer-sign").click()
    page.get_by_test_id("customer-signed").wait_for()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=offline-banner]').offsetParent"
    )

    page.get_by_test_id("fault-found").fill("电源适配器带载电压 9.6V")
    page.get_by_test_id("work-done").fill("更换 12V/2A 电源适配器，复测红外正常")
    page.get_by_test_id("leftovers").fill("立杆箱门锁损坏，需更换")
    page.get_by_test_id("finish").click()
    # The first PDF a process makes loads the CJK font: slow on a busy machine.
    page.get_by_test_id("report-link").wait_for(timeout=90_000)

    visit.refresh_from_db()
    assert visit.status == "done"
    assert visit.customer_signer == "王警官"
    report = Attachment.objects.get(pk=visit.report_id)
    assert report.case_id == visit.case_id and report.visibility == "public"
    assert report.file.read(5) == b"%PDF-"
    assert Visit.objects.get(pk=visit.pk).leftovers.count() == 1
    assert not page.locator("[data-testid=failed]").count()


def test_the_dispatcher_dispatches_from_the_case_page(browser, field_case, dispatcher, engineer):
    page = browser.sign_in(dispatcher)
    page.goto(f"/cases/{field_case.number}/")
    page.get_by_test_id("dispatch-visit").click()
    page.get_by_test_id(f"suggestion-{engineer.username}").wait_for()
    assert "open case" in page.get_by_test_id("engineer-suggestions").inner_text()
    page.get_by_test_id("visit-purpose").fill("更换电源适配器")
    page.get_by_test_id("dispatch-submit").click()
    page.get_by_test_id("visit-row").wait_for()
    visit = Visit.objects.get(case=field_case)
    assert visit.engineer == engineer and visit.purpose == "更换电源适配器"
