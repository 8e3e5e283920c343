"""PostgreSQL: one tsvector per record, built from our own tokens (never PostgreSQL's parser,
so that Chinese is cut by jieba), its positions weighted A-D, under a GIN index.

Ranking every match of a common pair of words (hundreds of thousands of rows at a million
cases) would read and score each one. Instead (docs/decisions/0008-search.md):
1. find up to 4 × `cap` matching ids, unranked (cheap: the vectors are not read); fewer
   means that is all of them: score the newest `cap` (read by primary key);
2. otherwise the query is common: find ids in a window of the newest ids, sized from the
   density of the first answer (at most 131,072 ids, beyond which merging the window's ids
   costs the index more than it saves), and score its first `cap`; when no window is small
   enough, score the newest `cap` of those found in step 1.
Windows are tokens in the vector itself ("~f<id >> 12>" and "~c<id >> 16>"), so the GIN index
restricts to them, as it does to an organisation ("~o<id>"): PostgreSQL's planner has no choice
to get wrong, and no query scores more than `cap` rows."""

import contextlib

from aftersales.search.backends.base import (
    ORGANISATION_TOKEN,
    PUBLIC_WEIGHTS,
    WEIGHTS,
    Backend,
    Document,
    Mode,
    Scope,
)
from aftersales.search.text import Query

FINE_BITS = 12
COARSE_BITS = 16
FIRST_WINDOW = 1 << 14
# Windows wider than this cost the GIN index more (merging their ids) than they save.
MAX_WINDOW = 1 << 17
# How many ids the first, unranked look fetches, in multiples of `cap`.
SAMPLE = 4
MAX_POSITION = 16383
MAX_POSITIONS_PER_WORD = 64


def create_table_sql(table: str) -> list[str]:
    return [
        f"CREATE TABLE {table} (object_id bigint PRIMARY KEY, vector tsvector NOT NULL)",
        # fastupdate off: no pending list for every search to scan; writes pay a little more.
        f"CREATE INDEX {table}_vector ON {table} USING gin (vector) WITH (fastupdate = off)",
    ]


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def window_tokens(object_id: int) -> list[str]:
    return [f"~f{object_id >> FINE_BITS}", f"~c{object_id >> COARSE_BITS}"]


def vector_literal(object_id: int, document: Document) -> str:
    positions: dict[str, list[str]] = {}
    position = 0
    for weight in WEIGHTS:
        for token in document.parts[weight]:
            position = min(position + 1, MAX_POSITION)
            found = positions.setdefault(token, [])
            if len(found) < MAX_POSITIONS_PER_WORD:
                found.append(f"{position}{weight}")
    words = [f"{_lexeme(t)}:{','.join(p)}" for t, p in positions.items()]
    scope = window_tokens(object_id)
    if document.organisation_id is not None:
        scope.append(ORGANISATION_TOKEN.format(document.organisation_id))
    words.extend(_lexeme(t) for t in scope)
    return " ".join(words)


def text_query(query: Query, scope: Scope, mode: Mode) -> str:
    weights = ":" + "".join(PUBLIC_WEIGHTS) if scope.public_only else ""
    groups = []
    for group in query.groups:
        alternatives = [
            " & ".join(f"{_lexeme(t)}{weights}" for t in alternative)
            for alternative in group.alternatives
        ]
        groups.append("(" + " | ".join(f"({a})" for a in alternatives) + ")")
    return f" {'&' if mode == 'all' else '|'} ".join(groups)


def window_query(low: int, high: int) -> str:
    """Tokens covering every id from `low` to `high`: coarse blocks where whole, fine ones at
    the lower edge."""
    tokens = []
    fine, fine_end = low >> FINE_BITS, high >> FINE_BITS
    per_coarse = 1 << (COARSE_BITS - FINE_BITS)
    while fine <= fine_end and fine % per_coarse:
        tokens.append(f"~f{fine}")
        fine += 1
    if fine > fine_end:
        return " | ".join(_lexeme(t) for t in tokens)
    coarse = fine // per_coarse
    while coarse <= high >> COARSE_BITS:
        tokens.append(f"~c{coarse}")
        coarse += 1
    return " | ".join(_lexeme(t) for t in tokens)


class PostgresBackend(Backend):
    vendor = "postgresql"

    def write_many(self, table: str, documents: list[tuple[int, Document]]) -> None:
        if not documents:
            return
        ids = [object_id for object_id, _document in documents]
        vectors = [vector_literal(object_id, document) for object_id, document in documents]
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (object_id, vector) "  # noqa: S608
                "SELECT i, v::tsvector FROM unnest(%s::bigint[], %s::text[]) AS u(i, v) "
                "ON CONFLICT (object_id) DO UPDATE SET vector = EXCLUDED.vector",
                [ids, vectors],
            )

    @contextlib.contextmanager
    def bulk_load(self, table: str):
        with self.connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute(f"DROP INDEX IF EXISTS {table}_vector")
        yield
        with self.connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(
                f"CREATE INDEX {table}_vector ON {table} USING gin (vector) WITH (fastupdate = off)"
            )
            cursor.execute(f"ANALYZE {table}")

    def prune(self, table: str, source_table: str) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} t WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {source_table} s WHERE s.id = t.object_id)"
            )
            return cursor.rowcount

    def delete(self, table: str, object_ids: list[int]) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE object_id = ANY(%s)",  # noqa: S608
                [list(object_ids)],
            )

    def _ids(self, table: str, match: str, cap: int) -> list[int]:
        """Up to `cap` matching ids, in the table's physical order: no ranking."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT object_id FROM {table} WHERE vector @@ %s::tsquery LIMIT %s",  # noqa: S608
                [match, cap],
            )
            return [row[0] for row in cursor.fetchall()]

    def _rank(self, table: str, ids: list[int], rank: str, public_only: bool):
        """Scores of these rows, read by primary key (the GIN index is not asked again)."""
        if not ids:
            return []
        vector = "ts_filter(vector, '{a,b,c}')" if public_only else "vector"
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT object_id, ts_rank({vector}, %s::tsquery) FROM {table} "  # noqa: S608
                "WHERE object_id = ANY(%s)",
                [rank, ids],
            )
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def candidates(self, table, query, scope, *, mode, cap):
        text = text_query(query, scope, mode)
        match = text
        if scope.organisation_id is not None:
            match = f"{_lexeme(ORGANISATION_TOKEN.format(scope.organisation_id))} & ({text})"
        # Ranking reads each row's vector: find ids first (cheap), score at most `cap` rows.
        found = self._ids(table, match, cap * SAMPLE)
        if len(found) < cap * SAMPLE:
            # Every match: score the newest `cap` of them.
            return self._rank(table, sorted(found)[-cap:], text, scope.public_only)
        # A common query. The ids found come roughly in id order: their spread tells the
        # density of matches, and so the window of newest ids expected to hold `cap`.
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT max(object_id) FROM {table}")  # noqa: S608
            newest = cursor.fetchone()[0] or 0
        window = max(FIRST_WINDOW, (max(found) - min(found) + 1) * 3 // (2 * SAMPLE))
        while window <= MAX_WINDOW:
            low = max(0, newest - window + 1) >> FINE_BITS << FINE_BITS
            if low == 0:
                break
            recent = self._ids(table, f"({window_query(low, newest)}) & ({match})", cap)
            if len(recent) >= cap:
                return self._rank(table, recent, text, scope.public_only)
            window *= 2 if recent else 4
        # Too sparse for a window to pay (the index would merge more ids than it saves):
        # the newest `cap` of those found.
        return self._rank(table, sorted(found)[-cap:], text, scope.public_only)
