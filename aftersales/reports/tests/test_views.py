"""The reports' pages from the outside: who may open them, what they show, the Excel export
and the monthly PDF."""

import io
import shutil
import subprocess

import openpyxl
import pytest
from django.urls import reverse

from aftersales.core.clock import frozen
from aftersales.exports.models import ExportJob
from aftersales.reports.tests.conftest import NOW

MARCH = "?start=2026-03-01&end=2026-03-31"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"


@pytest.mark.parametrize("name", ["dashboard", "field-service"])
@pytest.mark.parametrize("who", ["customer", "customer_b", "engineer"])
def test_customers_and_engineers_get_404(client, request, who, name, month_data):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(f"reports:{name}") + MARCH).status_code == 404
    pdf = reverse("reports:monthly-pdf") + "?organisation=HDGA&month=2026-03"
    assert client.get(pdf).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_menu_offers_reports_to_managers_not_engineers(client, manager, engineer):
    client.force_login(manager)
    assert reverse("reports:dashboard") in client.get(reverse("workspace:case-list")).text
    client.force_login(engineer)
    assert reverse("reports:dashboard") not in client.get(reverse("workspace:case-list")).text


def test_dashboard_shows_the_figures_and_loads_echarts_from_the_app(client, manager, month_data):
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard") + MARCH + "&organisation=HDGA")
    assert response.status_code == 200
    page = response.text
    assert '<div class="h1 mb-0" data-testid="figure-reported">5</div>' in page
    assert 'data-testid="figure-resolution-rate">60%</div>' in page
    assert 'data-testid="figure-on-time-rate">67%</div>' in page
    assert "vendor/echarts/echarts.min.js" in page and "//cdn" not in page
    assert 'id="report-charts"' in page
    assert "Engineer scorecards" in page and "Faults by cause" in page
    assert 'value="HDGA" selected' in page
    assert '<h2 class="page-title">Reports</h2>' in page


def test_a_bad_filter_says_why_and_shows_the_default_period(client, manager, month_data):
    client.force_login(manager)
    response = client.get(reverse("reports:dashboard") + "?start=2026-03-05&end=2026-03-01")
    assert response.status_code == 200
    assert "The period must end on or after its first day." in response.text


def test_field_service_page(client, dispatcher, month_data):
    client.force_login(dispatcher)
    response = client.get(reverse("reports:field-service") + MARCH)
    assert response.status_code == 200
    assert "Parts used per asset model" in response.text
    assert "Loaners out" in response.text
    assert '<h2 class="page-title">Reports: Field service</h2>' in response.text
    assert (
        'data-testid="report-period"' in response.text
        and 'data-testid="monthly-report"' in response.text
    )


def test_the_dashboard_exports_every_report_to_excel(
    client, manager, month_data, media, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("exports:start"),
            {"kind": "reports", "start": "2026-03-01", "end": "2026-03-31", "organisation": "HDGA"},
        )
    job = ExportJob.objects.get()
    assert response["Location"] == reverse("exports:detail", args=[job.pk])
    assert job.status == "done", job.error
    download = client.get(reverse("exports:download", args=[job.pk]))
    book = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert "Summary" in book.sheetnames and "Engineer scorecards" in book.sheetnames
    assert "Loaners out" in book.sheetnames and "Faults by cause" in book.sheetnames
    summary = dict(book["Summary"].iter_rows(min_row=2, values_only=True))
    assert summary["Cases reported"] == 5
    assert summary["Resolution rate (%)"] == 60.0
    assert summary["On-time repair rate (%)"] == 66.7
    assert summary["SLA breaches: Resolution"] == 2
    causes = list(book["Faults by cause"].iter_rows(values_only=True))
    assert causes[0] == ("Cause", "Cases", "Resolved", "Average to resolve (hours)")
    assert ("Hardware", 2, 2, 14.0) in causes
    engineers = {
        r[0]: r for r in book["Engineer scorecards"].iter_rows(min_row=2, values_only=True)
    }
    assert engineers["engineer"][1:] == (2, 2, 1, 50.0, 1, 5.0, 1)
    # The export's page leads back to the dashboard with the same filters.
    detail = client.get(reverse("exports:detail", args=[job.pk])).text
    assert "organisation=HDGA" in detail


def test_customers_may_not_export_reports(client, customer, month_data, media):
    client.force_login(customer)
    response = client.post(reverse("exports:start"), {"kind": "reports"})
    assert response.status_code == 302
    assert not ExportJob.objects.exists()


def pdf_text(content: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()


@pytest.mark.skipif(
    not shutil.which("pdftotext"),
    reason="needs poppler-utils (pdftotext): apt-get install poppler-utils",
)
def test_monthly_report_pdf_of_a_customer(client, manager, month_data):
    client.force_login(manager)
    with frozen(NOW):
        response = client.get(reverse("reports:monthly-pdf") + "?organisation=HDGA&month=2026-03")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "monthly-report-HDGA-2026-03.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    flat = "".join(text.split())
    assert "月度服务报告" in text
    assert "海淀区公安分局" in text
    assert "2026-03-01至2026-03-31" in flat
    assert "60.0%" in text  # resolution rate: 3 of 5
    assert "66.7%" in text  # on-time repair rate: 2 of 3
    assert "按时修复2/本月修复故障3" in flat
    assert "3.5分" in flat  # A1 5 and A6 2
    assert "2起" in flat and "累计历时6.0小时" in flat  # A1 4 h and A8 2 h so far
    assert "B1 故障" not in text  # another customer's case
    assert "A3 故障" in text


def test_monthly_report_of_an_unknown_customer_is_404(client, manager, month_data):
    client.force_login(manager)
    url = reverse("reports:monthly-pdf")
    assert client.get(url + "?organisation=NOPE&month=2026-03").status_code == 404
    assert client.get(url + "?organisation=HDGA&month=March").status_code == 404


@pytest.mark.parametrize(
    ("query", "month"),
    [
        ("?start=2026-03-01&end=2026-03-31", "2026-03"),  # a month: that month
        ("?start=2025-04-01&end=2026-03-31", "2026-03"),  # a year: its last whole month
        ("?start=2025-04-15&end=2026-03-20", "2026-02"),
    ],
)
def test_the_monthly_report_picker_offers_a_whole_month(client, manager, month_data, query, month):
    client.force_login(manager)
    page = client.get(reverse("reports:dashboard") + query).text
    assert f'type="month" name="month" value="{month}"' in page
