"""The customer's day in a real browser, and the boundaries a curious customer runs into."""

import re

import pytest
from playwright.sync_api import expect

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.cases.tests.factories import case_in_state
from aftersales.customers.tests.factories import AssetFactory, SiteFactory
from aftersales.portal.tests.helpers import attach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def resolved(org_a, dispatcher, engineer, manager, asset_a):
    case = case_in_state(
        "resolved",
        organisation=org_a,
        dispatcher=dispatcher,
        engineer=engineer,
        manager=manager,
        title="中关村路口摄像头夜间黑屏",
        assets=[asset_a],
    )
    services.case_note(
        case=case, actor=engineer, body="内部：客户那边的机房钥匙难拿", visibility="internal"
    )
    services.case_note(
        case=case, actor=engineer, body="已更换电源，请晚上观察", visibility="public"
    )
    return case


def test_the_customers_day(browser, customer, resolved, org_a, site_a, asset_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    gate = SiteFactory(organisation=org_a, name="西门岗亭")
    gate_camera = AssetFactory(site=gate, name="西门枪机")

    page = browser.sign_in(customer)

    # The list, with the call to confirm the fix.
    assert page.url.endswith("/portal/")
    expect(page.get_by_test_id("awaiting-cta")).to_contain_text(resolved.number)
    row = page.locator(f"[data-testid=request][data-number='{resolved.number}']")
    expect(row.get_by_test_id("request-state")).to_have_text("Fixed – please confirm")

    # The case: public notes only.
    page.get_by_test_id("awaiting-case").first.click()
    expect(page.get_by_test_id("case-number")).to_have_text(resolved.number)
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text("已更换电源，请晚上观察")
    expect(timeline).not_to_contain_text("机房钥匙")
    expect(page.get_by_test_id("promises")).to_contain_text("We contacted you at")

    # Confirm the fix; the state changes.
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Fixed and confirmed")
    expect(page.locator(".alert-success")).to_contain_text("you confirmed")
    expect(page.get_by_test_id("confirm-cta")).to_have_count(0)
    resolved.refresh_from_db()
    assert resolved.confirmation == "customer"

    # A new request: choose the site, then a device of that site.
    page.get_by_role("link", name="My requests").first.click()
    page.get_by_test_id("new-request").click()
    page.fill("#id_title", "西门枪机没有画面")
    page.fill("#id_description", "今早开始")
    page.get_by_test_id("severity-P2").check(force=True)
    page.get_by_test_id("site").select_option(str(gate.pk))
    expect(page.get_by_test_id("asset").locator("option")).to_have_count(2)
    expect(page.get_by_test_id("asset")).not_to_contain_text(asset_a.serial_number)
    page.get_by_test_id("asset").select_option(str(gate_camera.pk))
    page.get_by_test_id("request-files").set_input_files(
        files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8\xff"}]
    )
    expect(page.get_by_test_id("request-file-names")).to_have_text("现场.jpg")
    page.get_by_test_id("request-submit").click()

    case = Case.objects.get(title="西门枪机没有画面")
    expect(page).to_have_url(re.compile(rf"/portal/cases/{case.number}/$"))
    expect(page.locator(".alert-success")).to_contain_text(f"Your request {case.number}")
    expect(page.get_by_test_id("case-site")).to_have_text("西门岗亭")
    expect(page.get_by_test_id("timeline")).to_contain_text("现场.jpg")
    assert (case.channel, case.severity, list(case.assets.all())) == ("portal", "P2", [gate_camera])


def test_rejecting_a_fix_needs_a_reason_and_puts_the_work_back(browser, customer, resolved):
    page = browser.sign_in(customer)
    page.goto(f"/portal/cases/{resolved.number}/")
    page.get_by_test_id("reject-open").click()
    expect(page.get_by_test_id("confirm")).to_be_hidden()
    expect(page.locator("#reject-reason")).to_be_focused()

    page.fill("#reject-reason", "   ")  # passes the browser's check, not ours
    page.get_by_test_id("reject").click()
    expect(page.get_by_test_id("reject-form")).to_contain_text("Tell us what is still wrong.")
    expect(page.get_by_test_id("confirm")).to_be_hidden()
    resolved.refresh_from_db()
    assert resolved.status == "resolved"

    page.fill("#reject-reason", "晚上还是黑屏")
    page.get_by_test_id("reject").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Being worked on")
    expect(page.get_by_test_id("timeline")).to_contain_text("晚上还是黑屏")


def test_staff_changes_appear_without_a_reload(browser, customer, org_a, dispatcher, engineer):
    case = case_in_state(
        "in_progress", organisation=org_a, dispatcher=dispatcher, engineer=engineer
    )
    page = browser.sign_in(customer)
    page.goto(f"/portal/cases/{case.number}/")
    expect(page.get_by_test_id("case-state")).to_have_text("Being worked on")

    services.case_note(case=case, actor=engineer, body="内部：不要告诉客户", visibility="internal")
    services.case_resolve(case=case, cause="hardware", solution="更换了交换机电源", actor=engineer)

    expect(page.get_by_test_id("case-state")).to_have_text("Fixed – please confirm", timeout=15_000)
    expect(page.get_by_test_id("solution")).to_have_text("更换了交换机电源")
    expect(page.get_by_test_id("timeline")).not_to_contain_text("不要告诉客户")


def test_guessing_another_organisations_addresses(
    browser, customer_b, resolved, engineer, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    public = attach(resolved, engineer, "public", name="诊断报告.pdf")
    page = browser.sign_in(customer_b)
    for address in (
        f"/portal/cases/{resolved.number}/",
        f"/portal/cases/{resolved.number}/attachments/{public.pk}/",
    ):
        response = page.goto(address)
        assert response.status == 404, address
        assert "中关村" not in page.content()
    for address in ("/desk/", "/cases/", f"/cases/{resolved.number}/"):
        response = page.goto(address)
        assert response.status == 403, address
        assert "中关村" not in page.content()


def test_usable_on_a_phone(browser, customer, resolved):
    page = browser.sign_in(customer)
    page.set_viewport_size({"width": 375, "height": 740})
    for address in ("/portal/", f"/portal/cases/{resolved.number}/", "/portal/new/"):
        page.goto(address)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, (address, width)
    page.goto(f"/portal/cases/{resolved.number}/")
    expect(page.get_by_test_id("confirm")).to_be_in_viewport()
