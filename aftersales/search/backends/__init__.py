"""The search backend of a database connection, chosen by its vendor."""

from django.db import connection as default_connection

from aftersales.search.backends.base import Backend, Document, Scope
from aftersales.search.backends.postgres import PostgresBackend
from aftersales.search.backends.sqlite import SqliteBackend

BACKENDS = {b.vendor: b for b in (PostgresBackend, SqliteBackend)}
CASES = "search_case"
ARTICLES = "search_article"
TABLES = (CASES, ARTICLES)


def backend(connection=None) -> Backend:
    connection = connection or default_connection
    try:
        return BACKENDS[connection.vendor](connection)
    except KeyError as exc:
        raise NotImplementedError(
            f"Search has no backend for {connection.vendor}: use SQLite or PostgreSQL."
        ) from exc


__all__ = ["ARTICLES", "CASES", "TABLES", "Backend", "Document", "Scope", "backend"]
