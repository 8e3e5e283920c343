"""`aftersales search rebuild`: refills the index in batches, with progress, and drops the rows
of records that are gone."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from aftersales.cases import services
from aftersales.search.backends import CASES
from aftersales.search.selectors import case_search

pytestmark = pytest.mark.django_db


def _rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {CASES}")  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.parametrize("offline", [False, True])
def test_rebuild_restores_an_emptied_index(dispatcher, org_a, offline):
    cases = [
        services.case_create(
            actor=dispatcher,
            organisation=org_a,
            title=f"{i}号交换机掉线",
            severity="P3",
            channel="phone",
        )
        for i in range(5)
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {CASES}")  # noqa: S608
    # A row of a case that does not exist: pruned by the rebuild.
    services_backend_write_orphan()
    assert [h.id for h in case_search(user=dispatcher, q="交换机")] == [999_999]

    out = StringIO()
    args = ["rebuild", "--batch", "2"] + (["--offline"] if offline else [])
    call_command("search", *args, stdout=out)

    assert sorted(h.id for h in case_search(user=dispatcher, q="交换机 掉线")) == sorted(
        c.pk for c in cases
    )
    assert _rows() == 5
    text = out.getvalue()
    assert "cases: 5/5 (100.0%)" in text
    assert "cases: 5 documents in" in text
    assert "articles: 0 documents in" in text


def services_backend_write_orphan():
    from aftersales.search.backends import Document, backend

    document = Document()
    document.add("A", ["交换机"])
    backend().write(CASES, 999_999, document)


def test_rebuild_refuses_a_bad_batch():
    with pytest.raises(CommandError, match="--batch must be at least 1."):
        call_command("search", "rebuild", "--batch", "0")
