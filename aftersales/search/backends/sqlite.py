"""SQLite: an FTS5 table per kind of record, its columns the document's weighted parts,
scored by bm25. FTS5 walks its lists newest first (ORDER BY rowid DESC) and stops at the cap,
so however many records match, only `cap` are read and scored."""

from aftersales.search.backends.base import ORGANISATION_TOKEN, Backend, Document, Mode, Scope
from aftersales.search.text import Query

COLUMNS = ("title", "public", "meta", "internal", "scope")
PUBLIC_COLUMNS = "{title public meta scope}"
TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '-._/:~'"


def create_table_sql(table: str) -> str:
    return f'CREATE VIRTUAL TABLE {table} USING fts5({", ".join(COLUMNS)}, tokenize="{TOKENIZER}")'


def _phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def match_expression(query: Query, scope: Scope, mode: Mode) -> str:
    groups = []
    for group in query.groups:
        alternatives = [
            " AND ".join(_phrase(t) for t in alternative) for alternative in group.alternatives
        ]
        groups.append("(" + " OR ".join(f"({a})" for a in alternatives) + ")")
    text = f" {'AND' if mode == 'all' else 'OR'} ".join(groups)
    if scope.organisation_id is not None:
        text = f"{_phrase(ORGANISATION_TOKEN.format(scope.organisation_id))} AND ({text})"
    if scope.public_only:
        text = f"{PUBLIC_COLUMNS} : ({text})"
    return text


class SqliteBackend(Backend):
    vendor = "sqlite"

    def write_many(self, table: str, documents: list[tuple[int, Document]]) -> None:
        rows = []
        for object_id, document in documents:
            scope = (
                ORGANISATION_TOKEN.format(document.organisation_id)
                if document.organisation_id is not None
                else ""
            )
            parts = [" ".join(document.parts[w]) for w in ("A", "B", "C", "D")]
            rows.append([object_id, *parts, scope])
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {table} WHERE rowid = %s",  # noqa: S608
                [[row[0]] for row in rows],
            )
            cursor.executemany(
                f"INSERT INTO {table} (rowid, {', '.join(COLUMNS)}) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s)",
                rows,
            )

    def prune(self, table: str, source_table: str) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE rowid NOT IN (SELECT id FROM {source_table})"  # noqa: S608
            )
            return cursor.rowcount

    def delete(self, table: str, object_ids: list[int]) -> None:
        with self.connection.cursor() as cursor:
            for object_id in object_ids:
                cursor.execute(f"DELETE FROM {table} WHERE rowid = %s", [object_id])  # noqa: S608

    def candidates(self, table, query, scope, *, mode, cap):
        internal = 0.0 if scope.public_only else 1.0
        sql = (
            f"SELECT rowid, -bm25({table}, 10.0, 4.0, 2.0, {internal}, 0.0) FROM {table} "  # noqa: S608
            f"WHERE {table} MATCH %s ORDER BY rowid DESC LIMIT %s"
        )
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [match_expression(query, scope, mode), cap])
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]
