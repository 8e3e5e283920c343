"""In a real browser: an engineer on a phone answers a case with one tap; a dispatcher
filters the case list, keeps the filter, exports it and opens the spreadsheet."""

import io

import openpyxl
import pytest

from aftersales.cases import services
from aftersales.cases.models import Case
from aftersales.cases.tests.factories import open_case
from aftersales.exports.models import ExportJob
from aftersales.workspace.models import SavedFilter

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_engineer_responds_with_one_tap_on_a_phone(
    browser, dispatcher, engineer, org_a, team, tmp_path
):
    case = open_case(actor=dispatcher, organisation=org_a, severity="P1", title="平台宕机")
    services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    page = browser.sign_in(engineer)
    page.set_viewport_size(PHONE)
    page.goto("/my/")
    assert page.url.endswith("/my/")
    item = page.locator(f"[data-testid=work-item][data-case='{case.number}']")
    assert item.locator("[data-testid=work-clocks]").inner_text().startswith("First response")
    assert fits_the_width(page), "the page scrolls sideways on a phone"
    page.screenshot(path=str(tmp_path / "my-work-375.png"), full_page=True)

    button = item.locator("[data-testid=respond]")
    box = button.bounding_box()
    assert box["height"] >= 36 and box["width"] >= 100  # a thumb hits it
    button.click()
    page.wait_for_load_state("networkidle")

    assert page.url.endswith("/my/")
    assert f"{case.number}: Respond done." in page.locator(".alert-success").inner_text()
    item = page.locator(f"[data-testid=work-item][data-case='{case.number}']")
    assert item.locator("[data-testid=work-status]").inner_text() == "In progress"
    assert item.locator("[data-testid=respond]").count() == 0
    assert item.locator("[data-testid=open-resolve]").is_visible()
    assert fits_the_width(page)
    case.refresh_from_db()
    assert case.status == "in_progress" and case.responded_at is not None


def test_an_engineer_resolves_from_the_inline_form_on_a_phone(
    browser, dispatcher, engineer, org_a, team
):
    case = open_case(actor=dispatcher, organisation=org_a, title="录像丢失")
    case = services.case_assign(case=case, assignee=engineer, actor=dispatcher)
    services.case_respond(case=case, actor=engineer)
    page = browser.sign_in(engineer)
    page.set_viewport_size(PHONE)
    page.goto("/my/")
    item = page.locator(f"[data-testid=work-item][data-case='{case.number}']")
    form = item.locator("[data-testid=resolve-form]")
    assert not form.is_visible()
    item.locator("[data-testid=open-resolve]").click()
    form.locator("select[name=cause]").select_option("hardware")
    form.locator("textarea[name=solution]").fill("更换硬盘后录像恢复")
    assert fits_the_width(page)
    form.locator("[data-testid=resolve-submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/my/")
    assert page.locator(f"[data-testid=work-item][data-case='{case.number}']").count() == 0
    case.refresh_from_db()
    assert (case.status, case.solution) == ("resolved", "更换硬盘后录像恢复")


def test_a_dispatcher_filters_saves_exports_and_downloads(
    browser, dispatcher, engineer, org_a, org_b, team
):
    wanted = [open_case(actor=dispatcher, organisation=org_a, title=f"海淀{i}") for i in range(3)]
    assigned = open_case(actor=dispatcher, organisation=org_a, title="已派单的")
    services.case_assign(case=assigned, assignee=engineer, actor=dispatcher)
    open_case(actor=dispatcher, organisation=org_b, title="医院的")
    expected = sorted((c.number for c in wanted), reverse=True)

    page = browser.sign_in(dispatcher)
    page.goto("/cases/")
    assert page.locator("[data-testid=case-row]").count() == 5

    page.locator("[data-testid=filter-status] label", has_text="New").click()
    page.fill("[data-testid=filter-organisation]", "HDGA")
    page.click("[data-testid=apply-filters]")
    page.wait_for_load_state("networkidle")
    assert "status=new" in page.url and "organisation=HDGA" in page.url
    rows = page.locator("[data-testid=case-row] td.case-number")
    assert rows.all_inner_texts() == expected

    page.fill("[data-testid=save-filter-form] input[name=name]", "海淀新报修")
    page.click("[data-testid=save-filter]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=current-filter]").inner_text() == "海淀新报修"
    assert SavedFilter.objects.get(owner=dispatcher).query == "status=new&organisation=HDGA"

    page.goto("/cases/")
    assert page.locator("[data-testid=case-row]").count() == 5
    page.click("[data-testid=saved-filters]")
    page.locator("[data-testid=apply-filter]", has_text="海淀新报修").click()
    page.wait_for_load_state("networkidle")
    assert rows.all_inner_texts() == expected

    page.click("[data-testid=export]")
    page.wait_for_load_state("networkidle")
    assert "/exports/" in page.url
    download_button = page.locator("[data-testid=download]")
    download_button.wait_for(state="visible")
    assert page.locator("[data-testid=export-rows]").inner_text() == "3 of 3 rows"
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    sheet = list(book.active.iter_rows(values_only=True))
    assert sheet[0][0] == "Number"
    assert [row[0] for row in sheet[1:]] == expected
    assert {row[2] for row in sheet[1:]} == {"HDGA"}
    assert ExportJob.objects.get().owner == dispatcher
    assert Case.objects.count() == 5
