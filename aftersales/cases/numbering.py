"""Human-readable case numbers: the creation date and a counter, e.g. 20261123-000042.

The counter never resets, so numbers stay unique whatever the date; on PostgreSQL it is a
sequence (no lock held by concurrent creators), on SQLite a counter row that the database's
single writer serialises.
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

SEQUENCE = "cases_case_number_seq"


def next_case_number(*, created_at: dt.datetime) -> str:
    value = _next_value()
    day = timezone.localdate(created_at, timezone.get_default_timezone())
    return f"{day:%Y%m%d}-{value:06d}"


def _next_value() -> int:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(%s)", [SEQUENCE])
        else:
            cursor.execute(
                "INSERT INTO cases_casecounter (name, value) VALUES ('case', 1) "
                "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
            )
        return cursor.fetchone()[0]
