"""The kinds of export: what each one takes, which rows it writes and how they look.

A kind is registered once, at start-up (`register` from an AppConfig.ready()). Its rows come
from the owner's own scoped selectors, run again by the worker with the owner as reader: an
export holds nothing its owner could not see on the page it came from.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.accounts.models import User
from aftersales.core.errors import NotFound


@dataclass(frozen=True)
class Column:
    header: str  # a lazy translation, read in the export's language
    width: int = 14


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook written whole (see ExportKind.sheets)."""

    title: str
    columns: tuple[Column, ...]
    rows: list[tuple]


class ExportKind:
    """Subclass and register. `clean` checks and normalises the parameters when the export
    is asked for (a bad request is refused then, not in the worker); `rows` yields batches of
    rows, each a sequence of cell values (str, int, float, Decimal, date, naive datetime in
    the reader's time zone, None) in the order of `columns`."""

    name: str = ""
    label: str = ""
    columns: tuple[Column, ...] = ()

    def allowed(self, user: User) -> bool:
        raise NotImplementedError

    def clean(self, *, user: User, params: dict) -> dict:
        raise NotImplementedError

    def describe(self, *, user: User, params: dict) -> str:
        return ""

    def sheets(self, *, user: User, params: dict) -> list[Sheet] | None:
        """For a workbook of several small sheets (reports): each sheet's rows, computed at
        once. None (the default): one sheet of `columns`, its rows from `count` and `rows`."""
        return None

    def count(self, *, user: User, params: dict) -> int:
        raise NotImplementedError

    def rows(self, *, user: User, params: dict, batch: int) -> Iterator[list[tuple]]:
        raise NotImplementedError

    def filename(self, *, at: dt.datetime) -> str:
        return f"{self.name}-{at:%Y%m%d-%H%M}.xlsx"

    def back_url(self, *, user: User, params: dict) -> str | None:
        """The page the export was made from, for this reader, if there is one."""
        return None


KINDS: dict[str, ExportKind] = {}


def register(kind: ExportKind) -> ExportKind:
    if kind.name in KINDS and type(KINDS[kind.name]) is not type(kind):
        raise ValueError(f"Export kind {kind.name!r} is registered twice.")
    KINDS[kind.name] = kind
    return kind


def kind_get(name: str) -> ExportKind:
    try:
        return KINDS[name]
    except KeyError as exc:
        raise NotFound(_("Unknown kind of export “%(kind)s”.") % {"kind": name}) from exc
