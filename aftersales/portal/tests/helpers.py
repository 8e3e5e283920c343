"""Helpers of the portal's tests."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aftersales.cases import services


def upload(name="现场.jpg", content=b"\xff\xd8\xff jpeg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def attach(case, actor, visibility, name="现场.jpg", content=b"jpeg"):
    return services.case_attach(
        case=case, actor=actor, upload=upload(name, content), visibility=visibility
    )


def count_queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)
