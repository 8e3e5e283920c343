"""Writes to the search index. `case_reindex` is called by cases.timeline and case_create in
the transaction that changes the case, so the index never disagrees with what was committed;
`index_rebuild` refills an index in batches (existing data, bulk loads)."""

from collections.abc import Callable, Iterable
from itertools import islice

from django.db import transaction

from aftersales.search.backends import CASES, Document, backend
from aftersales.search.documents import case_documents
from aftersales.search.registry import INDEXES, Index


def case_reindex(*, case_id: int) -> None:
    """Write the case's document anew (three reads and one write)."""
    documents = case_documents([case_id])
    if case_id in documents:
        backend().write(CASES, case_id, documents[case_id])


def document_write(*, table: str, object_id: int, document: Document | None) -> None:
    """Write one record's document, or remove it (None)."""
    if document is None:
        backend().delete(table, [object_id])
    else:
        backend().write(table, object_id, document)


def _batches(ids: Iterable[int], size: int):
    iterator = iter(ids)
    while batch := list(islice(iterator, size)):
        yield batch


def index_rebuild(
    *,
    index: Index,
    batch_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
    total: int | None = None,
    offline: bool = False,
) -> int:
    """Write every record's document, `batch_size` records per transaction, over the rows
    already there (searches keep answering meanwhile); then remove the rows of records that
    no longer exist. Returns the number written.

    `offline`: empty the index and write it in one transaction, the index structure built once
    at the end: several times faster for a bulk-loaded database, but searches wait meanwhile."""
    if offline:
        search = backend()
        with transaction.atomic(), search.bulk_load(index.table):
            return _write_all(index, search, batch_size, progress, total)
    search = backend()
    written = _write_all(index, search, batch_size, progress, total)
    with transaction.atomic():
        search.prune(index.table, index.source_table)
    return written


def _write_all(index: Index, search, batch_size: int, progress, total) -> int:
    written = 0
    if total is None:
        ids = index.ids()
        total = ids.count() if hasattr(ids, "count") else None
    for batch in _batches(index.ids().iterator(chunk_size=batch_size * 5), batch_size):
        documents = index.documents(batch)
        with transaction.atomic():
            search.write_many(index.table, list(documents.items()))
        written += len(documents)
        if progress is not None:
            progress(written, total or written)
    return written


def rebuild_all(**kwargs) -> dict[str, int]:
    return {name: index_rebuild(index=index, **kwargs) for name, index in INDEXES.items()}
