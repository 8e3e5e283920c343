"""Lists without COUNT(*): keyset ("seek") pages over an ordering that ends in a unique column.

A page asks for the rows after (or before) the last row seen, in index order, plus one to
know whether there is more: the cost is the same on the first page and the ten-thousandth,
however many rows the table holds. Exports walk the same ordering in batches.
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Ordering:
    """Order by `fields` (model fields or annotations), all ascending or all descending; the
    last field must be unique (the primary key, a case number), so that every row has one
    place."""

    fields: tuple[str, ...]
    descending: bool = False

    def order_by(self, *, reverse: bool = False) -> list[str]:
        desc = self.descending != reverse
        return [f"-{field}" if desc else field for field in self.fields]

    def beyond(self, queryset: QuerySet, values: tuple, *, reverse: bool = False) -> QuerySet:
        """The rows strictly after the row whose sort values are `values` (before, with
        `reverse`): (a > x) or (a = x and b > y)… The leading a >= x lets the database seek in
        an index on a."""
        desc = self.descending != reverse
        strict, loose = ("lt", "lte") if desc else ("gt", "gte")
        condition = Q()
        for i, field in enumerate(self.fields):
            step = Q(**{f"{field}__{strict}": values[i]})
            for j in range(i):
                step &= Q(**{self.fields[j]: values[j]})
            condition |= step
        first = self.fields[0]
        return queryset.filter(Q(**{f"{first}__{loose}": values[0]}) & condition)

    def values_of(self, row: Any) -> tuple:
        return tuple(getattr(row, field) for field in self.fields)

    def cursor(self, row: Any) -> str:
        return cursor_encode(self.values_of(row))


def cursor_encode(values: tuple) -> str:
    plain = [{"t": v.isoformat()} if isinstance(v, dt.datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str | None, length: int) -> tuple | None:
    """The values of a cursor, or None for anything that is not one of ours (a first page
    rather than an error: a cursor is a position, not a filter)."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(plain, list) or len(plain) != length:
        return None
    values = []
    for value in plain:
        if isinstance(value, dict):
            try:
                moment = dt.datetime.fromisoformat(value["t"])
            except (KeyError, TypeError, ValueError):
                return None
            if moment.tzinfo is None:
                return None
            values.append(moment)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            values.append(value)
        else:
            return None
    return tuple(values)


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None


def keyset_page(
    queryset: QuerySet,
    ordering: Ordering,
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> KeysetPage:
    """One page of `queryset` in `ordering`: the first, the one after the cursor `after`, or
    the one before the cursor `before`. One query."""
    length = len(ordering.fields)
    back = cursor_decode(before, length)
    if back is not None:
        rows = list(
            ordering.beyond(queryset, back, reverse=True).order_by(
                *ordering.order_by(reverse=True)
            )[: size + 1]
        )
        if rows:
            more = len(rows) > size
            rows = rows[:size][::-1]
            return KeysetPage(
                rows=rows,
                next_cursor=ordering.cursor(rows[-1]),
                previous_cursor=ordering.cursor(rows[0]) if more else None,
            )
        # Nothing before the cursor any more: the first page.
    forward = cursor_decode(after, length) if back is None else None
    ahead = ordering.beyond(queryset, forward) if forward is not None else queryset
    rows = list(ahead.order_by(*ordering.order_by())[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows=rows,
        next_cursor=ordering.cursor(rows[-1]) if more else None,
        previous_cursor=ordering.cursor(rows[0]) if forward is not None and rows else None,
    )


def keyset_batches(queryset: QuerySet, ordering: Ordering, *, size: int) -> Iterator[list]:
    """Every row of `queryset` in `ordering`, `size` rows per query: bounded memory whatever
    the number of rows."""
    values = None
    while True:
        batch = queryset if values is None else ordering.beyond(queryset, values)
        rows = list(batch.order_by(*ordering.order_by())[:size])
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        values = ordering.values_of(rows[-1])


def offset_page(queryset: QuerySet, request, size: int = 50) -> dict:
    """A numbered page without COUNT(*): one row more than shown tells whether there is a
    next page. For short lists; long ones page by keyset (`keyset_page`)."""
    try:
        page = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        page = 1
    rows = list(queryset[(page - 1) * size : page * size + 1])
    return {"rows": rows[:size], "page": page, "has_next": len(rows) > size}
