"""Rebuilding the database for `demo --reset`. Timeline entries are never deleted (a trigger
refuses it on PostgreSQL), so the demo is not removed row by row: the database is made anew
and migrated."""

from pathlib import Path

from django.core.management import call_command
from django.db import connections
from django.utils.translation import gettext as _

from aftersales.core.errors import Conflict

SQLITE_FILE = "sqlite-file"
POSTGRESQL_SCHEMA = "postgresql-schema"


def rebuild_strategy(connection) -> str:
    """How this database is rebuilt: a SQLite file is deleted, a PostgreSQL schema dropped."""
    if connection.vendor == "sqlite":
        if connection.is_in_memory_db():
            raise Conflict(_("An in-memory SQLite database cannot be rebuilt."))
        return SQLITE_FILE
    if connection.vendor == "postgresql":
        return POSTGRESQL_SCHEMA
    raise Conflict(
        _("Rebuilding a %(vendor)s database is not supported.") % {"vendor": connection.vendor}
    )


def sqlite_files(name: str) -> list[Path]:
    """The database file and the files SQLite keeps beside it."""
    path = Path(name)
    return [path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))]


def database_rebuild(*, using: str = "default") -> str:
    """Empty the database completely and migrate it again. Returns the strategy used."""
    connection = connections[using]
    if connection.in_atomic_block:
        raise Conflict(_("The database cannot be rebuilt inside a transaction."))
    strategy = rebuild_strategy(connection)
    if strategy == SQLITE_FILE:
        name = connection.settings_dict["NAME"]
        connections.close_all()
        for path in sqlite_files(str(name)):
            path.unlink(missing_ok=True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        connection.close()
    call_command("migrate", database=using, interactive=False, verbosity=0)
    return strategy
