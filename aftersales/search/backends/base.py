"""What every search backend does: keep one row of tokens per record, and find the most
recent records matching a query, with a relevance score each.

A document has four weighted parts: A (the title and number), B (text the customer sees),
C (names, serials and models: also visible to the customer) and D (internal text). A reader
limited to public text matches A-C only, and is scored on them only."""

import contextlib
from dataclasses import dataclass, field
from typing import Literal

from aftersales.search.text import Query

Mode = Literal["all", "any"]
WEIGHTS = ("A", "B", "C", "D")
PUBLIC_WEIGHTS = ("A", "B", "C")
# Tokens the index adds for scoping. Text never yields a token starting with "~".
ORGANISATION_TOKEN = "~o{}"  # noqa: S105 (not a password)


@dataclass
class Document:
    parts: dict[str, list[str]] = field(default_factory=lambda: {w: [] for w in WEIGHTS})
    organisation_id: int | None = None

    def add(self, weight: str, words) -> None:
        self.parts[weight].extend(words)


@dataclass(frozen=True)
class Scope:
    """Who reads: one organisation's records only (None: all), public text only."""

    organisation_id: int | None = None
    public_only: bool = False


class Backend:
    vendor = ""

    def __init__(self, connection):
        self.connection = connection

    def write(self, table: str, object_id: int, document: Document) -> None:
        self.write_many(table, [(object_id, document)])

    def write_many(self, table: str, documents: list[tuple[int, Document]]) -> None:
        raise NotImplementedError

    @contextlib.contextmanager
    def bulk_load(self, table: str):
        """A context for writing a whole index anew, fast, while searches wait: it starts
        empty (PostgreSQL also builds its GIN index once at the end, not row by row)."""
        self.clear(table)
        yield

    def prune(self, table: str, source_table: str) -> int:
        """Remove the rows of records that no longer exist."""
        raise NotImplementedError

    def delete(self, table: str, object_ids: list[int]) -> None:
        raise NotImplementedError

    def clear(self, table: str) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)

    def candidates(
        self, table: str, query: Query, scope: Scope, *, mode: Mode, cap: int
    ) -> list[tuple[int, float]]:
        """Up to `cap` of the most recent matching records, as (id, score)."""
        raise NotImplementedError
