"""The indexes that `aftersales search rebuild` fills: each app registers how to read its
records in batches and make their documents."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aftersales.search.backends import Document


@dataclass(frozen=True)
class Index:
    name: str
    table: str
    # The records' own table: index rows whose id is not there are pruned.
    source_table: str
    # All ids to index, ascending (a values_list queryset or any iterable).
    ids: Callable[[], Iterable[int]]
    # Documents of a batch of ids: {id: Document}; ids missing are removed from the index.
    documents: Callable[[list[int]], dict[int, Document]]


INDEXES: dict[str, Index] = {}


def register(index: Index) -> None:
    INDEXES[index.name] = index
