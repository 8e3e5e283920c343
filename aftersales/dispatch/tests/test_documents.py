"""The PDF documents, read back as a reader would: their text (pdftotext), the fonts they
embed (pdffonts), and what happens when the font is missing."""

import shutil
import subprocess
import uuid

import pytest

from aftersales.cases import services as case_services
from aftersales.cases.models import Attachment
from aftersales.core.errors import Conflict, ValidationError
from aftersales.dispatch import documents, services
from aftersales.dispatch.choices import VisitStatus
from aftersales.dispatch.models import Visit

POPPLER = shutil.which("pdftotext") and shutil.which("pdffonts")
needs_poppler = pytest.mark.skipif(
    not POPPLER,
    reason="needs poppler-utils (pdftotext, pdffonts): apt-get install poppler-utils",
)


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / f"{uuid.uuid4()}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _fonts(pdf: bytes, tmp_path) -> list[dict]:
    path = tmp_path / f"{uuid.uuid4()}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603
        ["pdffonts", str(path)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows = []
    for line in out.splitlines()[2:]:
        name, *rest = line.split()
        rows.append({"name": name, "embedded": "yes" in rest[-5:-3], "line": line})
    return rows


@pytest.fixture
def done(signed, engineer):
    services.visit_log(
        visit=signed, actor=engineer, body="测得适配器带载电压 9.6V", client_id=uuid.uuid4()
    )
    return services.visit_finish(
        visit=signed,
        actor=engineer,
        result="fixed",
        fault_found="电源适配器老化",
        work_done="更换 12V/2A 室外电源适配器，复测夜间红外正常",
        leftovers=["立杆箱门锁损坏，需更换"],
    )


def _report(visit: Visit) -> bytes:
    with Attachment.objects.get(pk=visit.report_id).file.open("rb") as handle:
        return handle.read()


@needs_poppler
def test_the_service_report_reads_in_chinese_with_both_copies(done, tmp_path):
    text = _text(_report(done), tmp_path)
    assert "用户服务报告" in text
    assert "海淀区公安分局" in text  # the customer
    assert "中关村派出所" in text  # the site
    assert "更换 12V/2A 室外电源适配器" in text
    assert "测得适配器带载电压 9.6V" in text
    assert "王警官" in text  # the customer's printed name
    assert text.count("（客户联）") == 1 and text.count("（公司联）") == 1
    follow_up = done.leftovers.get().follow_up
    assert "立杆箱门锁损坏" in text and follow_up.number in text
    assert "本次服务未更换备件" in text  # no parts until the spare-parts app fills them in


@needs_poppler
def test_the_service_report_embeds_a_cjk_font(done, tmp_path):
    fonts = _fonts(_report(done), tmp_path)
    cjk = [f for f in fonts if "CJK" in f["name"]]
    assert cjk, fonts
    assert all(f["embedded"] for f in cjk), fonts


@needs_poppler
def test_each_copy_starts_on_a_page_of_its_own(done, tmp_path):
    pages = _text(_report(done), tmp_path).split("\f")
    customer = [i for i, page in enumerate(pages) if "（客户联）" in page]
    company = [i for i, page in enumerate(pages) if "（公司联）" in page]
    assert customer == [0] and len(company) == 1 and company[0] > 0


def test_a_missing_font_refuses_clearly_and_loses_nothing(signed, engineer, settings, tmp_path):
    settings.PDF_FONT = tmp_path / "no-such-font.ttc"
    with pytest.raises(documents.DocumentUnavailable, match="no-such-font.ttc is missing"):
        services.visit_finish(visit=signed, actor=engineer, result="fixed", work_done="更换")
    visit = Visit.objects.get(pk=signed.pk)
    assert visit.status == VisitStatus.ON_SITE and visit.report_id is None
    assert not Attachment.objects.filter(case=signed.case).exists()


@needs_poppler
def test_the_diagnosis_report(field_case, engineer, tmp_path):
    attachment = services.case_document_issue(
        case=field_case,
        actor=engineer,
        kind="diagnosis",
        fields={
            "site_situation": "机房温度 35℃，NVR 风扇停转",
            "emergency_handling": "临时加装风扇",
        },
    )
    assert attachment.visibility == "public" and attachment.name.startswith("diagnosis-")
    with attachment.file.open("rb") as handle:
        text = _text(handle.read(), tmp_path)
    assert "故障诊断报告" in text
    assert "机房温度 35℃，NVR 风扇停转" in text and "临时加装风扇" in text
    assert "三级" in text  # the case's severity, P3


def test_a_diagnosis_report_needs_its_fields(field_case, engineer):
    with pytest.raises(ValidationError, match="Describe the situation on site."):
        services.case_document_issue(
            case=field_case, actor=engineer, kind="diagnosis", fields={"emergency_handling": "x"}
        )


def test_the_major_fault_report_is_for_p1_cases(field_case, engineer):
    with pytest.raises(Conflict, match="The major-fault analysis report is for P1 cases."):
        services.case_document_issue(
            case=field_case,
            actor=engineer,
            kind="major_fault",
            fields={"cause": "x", "measures": "y"},
        )


@needs_poppler
def test_a_public_major_fault_report_leaves_internal_entries_out(
    org_a, dispatcher, engineer, tmp_path
):
    from aftersales.cases.tests.factories import open_case

    case = open_case(actor=dispatcher, organisation=org_a, severity="P1", title="全区视频平台瘫痪")
    case_services.case_note(
        case=case, actor=engineer, body="内部：机房密码 4321", visibility="internal"
    )
    case_services.case_note(case=case, actor=engineer, body="已通知客户", visibility="public")
    public = services.case_document_issue(
        case=case,
        actor=engineer,
        kind="major_fault",
        fields={"cause": "核心交换机主控板故障", "measures": "主控板冗余改造"},
        visibility="public",
    )
    with public.file.open("rb") as handle:
        text = _text(handle.read(), tmp_path)
    assert "重大故障分析报告" in text and "核心交换机主控板故障" in text
    assert "尚未恢复" in text  # not resolved yet
    internal = services.case_document_issue(
        case=case,
        actor=engineer,
        kind="major_fault",
        fields={"cause": "核心交换机主控板故障", "measures": "主控板冗余改造"},
        visibility="internal",
    )
    with internal.file.open("rb") as handle:
        internal_text = _text(handle.read(), tmp_path)
    # The internal report lists both notes; the public one only the public note.
    assert internal_text.count("备注") == 2
    assert text.count("备注") == 1


def test_customers_and_other_roles_make_no_documents(field_case, customer):
    from aftersales.core.errors import NotFound

    with pytest.raises(NotFound):
        services.case_document_issue(case=field_case, actor=customer, kind="diagnosis", fields={})


def test_the_samples_command_writes_the_service_report(done, tmp_path):
    from django.core.management import call_command

    call_command("samples", "--out", str(tmp_path), "--only", "service-report.pdf")
    assert (tmp_path / "service-report.pdf").read_bytes() == _report(done)


def test_the_samples_command_says_what_is_missing(db, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="load the demo first"):
        call_command("samples", "--out", str(tmp_path), "--only", "service-report.pdf")


def test_a_missing_font_is_reported_at_startup(settings, tmp_path):
    from aftersales.dispatch.checks import pdf_font

    assert pdf_font() == []
    settings.PDF_FONT = tmp_path / "gone.ttc"
    (warning,) = pdf_font()
    assert warning.id == "aftersales.W010" and "gone.ttc is missing" in warning.msg
