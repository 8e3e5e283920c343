"""Attachments through the API: upload as a timeline entry, download through the case's
permission check, and refusals (too large, a forbidden type) that leave nothing behind."""

import hashlib

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from aftersales.cases.models import Attachment, TimelineEntry
from aftersales.core.tests.utils import assert_error

pytestmark = pytest.mark.usefixtures("media")


def _files(case) -> list:
    folder = settings.MEDIA_ROOT / "attachments" / str(case.pk)
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _upload(client, case, name="photo.jpg", content=b"\xff\xd8\xff jpeg", **fields):
    file = SimpleUploadedFile(name, content, "image/jpeg")
    return client.post(
        f"/api/v1/cases/{case.number}/attachments/", {"file": file, **fields}, format="multipart"
    )


@pytest.fixture
def case(make_case):
    return make_case("in_progress")


def _unchanged(case):
    """Counts to compare before and after a refused upload."""
    return (
        TimelineEntry.objects.filter(case=case).count(),
        Attachment.objects.filter(case=case).count(),
        _files(case),
    )


def test_upload_writes_a_timeline_entry_and_the_file(api, case, engineer):
    content = b"%PDF-1.4 fault report"

    response = _upload(
        api.as_user(engineer),
        case,
        name="诊断报告.pdf",
        content=content,
        visibility="public",
        note="故障诊断报告",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    attachment = Attachment.objects.get(pk=body["id"])
    assert body["name"] == "诊断报告.pdf"
    assert body["size"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["visibility"] == "public"
    assert body["url"] == f"/api/v1/cases/{case.number}/attachments/{attachment.pk}/"
    entry = api.get(f"/api/v1/cases/{case.number}/").json()["timeline"][-1]
    assert entry["kind"] == "attachment"
    assert entry["body"] == "故障诊断报告"
    assert entry["summary"] == "File 诊断报告.pdf"
    assert entry["attachment"]["id"] == attachment.pk
    assert entry["author"]["username"] == "engineer"
    assert len(_files(case)) == 1


def test_download_returns_the_file_as_an_attachment(api, case, engineer):
    content = b"%PDF-1.4 fault report"
    url = _upload(api.as_user(engineer), case, name="report.pdf", content=content).json()["url"]

    response = api.get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert response["Content-Type"] == "image/jpeg"  # as uploaded; served as a download
    assert response["X-Content-Type-Options"] == "nosniff"


def test_attachment_list_shows_the_files_of_the_case(api, case, engineer):
    client = api.as_user(engineer)
    _upload(client, case, name="a.jpg")
    _upload(client, case, name="b.jpg", content=b"other")

    response = client.get(f"/api/v1/cases/{case.number}/attachments/")

    assert response.status_code == 200
    assert [a["name"] for a in response.json()] == ["a.jpg", "b.jpg"]


def test_customer_uploads_are_public(api, case, customer):
    response = _upload(api.as_user(customer), case, note="现场照片")

    assert response.status_code == 201, response.json()
    assert response.json()["visibility"] == "public"


def test_customer_may_not_upload_an_internal_file(api, case, customer):
    before = _unchanged(case)

    response = _upload(api.as_user(customer), case, visibility="internal")

    assert_error(
        response,
        400,
        field="visibility",
        message="Customers add notes visible to both sides only.",
    )
    assert _unchanged(case) == before


@override_settings(ATTACHMENT_MAX_BYTES=1000)
def test_file_at_the_limit_is_accepted(api, case, engineer):
    response = _upload(api.as_user(engineer), case, content=b"x" * 1000)

    assert response.status_code == 201, response.json()


@override_settings(ATTACHMENT_MAX_BYTES=1000)
def test_file_over_the_limit_is_refused_and_nothing_changes(api, case, engineer):
    before = _unchanged(case)

    response = _upload(api.as_user(engineer), case, content=b"x" * 1001)

    assert_error(
        response,
        400,
        field="file",
        message="The file is larger than the limit of 1000\xa0bytes.",
        code="invalid",
    )
    assert _unchanged(case) == before


@override_settings(ATTACHMENT_MAX_BYTES=2 * 1024 * 1024)
def test_size_limit_reads_in_megabytes(api, case, engineer):
    before = _unchanged(case)

    response = _upload(api.as_user(engineer), case, content=b"x" * (2 * 1024 * 1024 + 1))

    assert_error(
        response, 400, field="file", message="The file is larger than the limit of 2.0\xa0MB."
    )
    assert _unchanged(case) == before


@pytest.mark.parametrize(
    "name", ["setup.exe", "SETUP.EXE", "report.pdf.exe", "setup.exe.", "setup.exe ", "run.bat"]
)
def test_forbidden_type_is_refused_and_nothing_changes(api, case, engineer, name):
    before = _unchanged(case)
    extension = name.rstrip(". ").rsplit(".", 1)[1].lower()

    response = _upload(api.as_user(engineer), case, name=name, content=b"MZ\x90\x00")

    assert_error(
        response,
        400,
        field="file",
        message=f"Files of type .{extension} are not accepted.",
        code="invalid",
    )
    assert _unchanged(case) == before


def test_upload_without_a_file_names_the_field(api, case, engineer):
    before = _unchanged(case)

    response = api.as_user(engineer).post(
        f"/api/v1/cases/{case.number}/attachments/", {"note": "忘了附件"}, format="multipart"
    )

    assert_error(response, 400, field="file", message="No file was submitted.")
    assert _unchanged(case) == before


def test_upload_as_json_is_refused(api, case, engineer):
    before = _unchanged(case)

    response = api.as_user(engineer).post(
        f"/api/v1/cases/{case.number}/attachments/", {"file": "aGVsbG8="}, format="json"
    )

    assert_error(response, 415, code="unsupported_media_type")
    assert _unchanged(case) == before


def test_unknown_attachment_is_404(api, case, engineer):
    response = api.as_user(engineer).get(f"/api/v1/cases/{case.number}/attachments/999999/")

    assert_error(response, 404, message="No such attachment.", code="not_found")


def test_redacted_attachment_is_gone(api, case, engineer, admin_user):
    created = _upload(api.as_user(engineer), case, name="身份证.jpg").json()
    entry = Attachment.objects.get(pk=created["id"]).entry
    admin = api.as_user(admin_user)

    redacted = admin.post(
        f"/api/v1/cases/{case.number}/timeline/{entry.seq}/redact/",
        {"reason": "含个人信息"},
        format="json",
    )

    assert redacted.status_code == 200, redacted.json()
    assert_error(admin.get(created["url"]), 404, message="No such attachment.")
    assert admin.get(f"/api/v1/cases/{case.number}/attachments/").json() == []
    assert _files(case) == []
    timeline = redacted.json()["timeline"]
    assert timeline[entry.seq - 1]["redacted"] is True
    assert timeline[entry.seq - 1]["attachment"] is None
    assert timeline[-1]["kind"] == "redaction"
