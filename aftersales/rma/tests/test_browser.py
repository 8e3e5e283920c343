"""A real browser: the engineer confirms a hardware fault from the case page's panel, the
spare-parts desk ships the replacement from the RMA desk, the customer sees it on a phone."""

import pytest

from aftersales.rma.models import RmaOrder
from aftersales.rma.tests.factories import stock_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_a_confirmed_fault_to_the_customers_phone(
    browser,
    live_server,
    engineer,
    parts,
    customer,
    case_a,
    asset_a,
    camera,
    warehouse,
):
    stock_of(camera, warehouse, serials=["K1"])

    page = browser.sign_in(engineer)
    page.goto(f"/cases/{case_a.number}/")
    page.locator("[data-testid=rma-panel]").wait_for()
    page.click("[data-testid=open-rma-confirm]")
    form = page.locator("[data-testid=form-rma-confirm]")
    form.locator("select[name=part]").select_option(str(camera.pk))
    form.locator("textarea[name=fault]").fill("图像传感器损坏")
    form.locator("select[name=ship_from]").select_option(str(warehouse.pk))
    form.locator("[data-testid=submit-rma-confirm]").click()
    page.wait_for_load_state("networkidle")
    order = RmaOrder.objects.get()
    assert page.locator("[data-testid=rma-orders]").inner_text().count(order.number) == 1
    assert "Fault confirmed, to ship" in page.locator("[data-testid=rma-status]").inner_text()

    desk = browser.sign_in(parts, page=browser.new_page())
    assert desk.url.endswith("/rma/")
    desk.click(f"text={order.number}")
    desk.click("[data-testid=open-order-ship]")
    ship = desk.locator(f"[data-testid=form-order-{order.pk}-ship]")
    ship.locator("input[name=replacement_serial]").fill("K1")
    ship.locator("input[name=tracking_number]").fill("SF123")
    ship.locator(f"[data-testid=submit-order-{order.pk}-ship]").click()
    desk.wait_for_load_state("networkidle")
    assert "Done: Ship the replacement." in desk.content()
    order.refresh_from_db()
    assert order.status == "shipped"

    phone = browser.browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="en-US",
    )
    mobile = browser.sign_in(customer, page=phone.new_page())
    mobile.goto(f"/portal/cases/{case_a.number}/")
    panel = mobile.locator("[data-testid=portal-rma]")
    panel.wait_for()
    assert "SF123" in panel.inner_text()
    assert "北京总库" not in mobile.content()
    phone.close()
