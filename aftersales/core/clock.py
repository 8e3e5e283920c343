"""The one clock. Code asks `now()`; tests and commands such as `sla sweep --now` set it."""

import contextlib
import datetime as dt
from collections.abc import Iterator

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen if _frozen is not None else timezone.now()


@contextlib.contextmanager
def frozen(moment: dt.datetime) -> Iterator[None]:
    """Run a block with the clock stopped at `moment` (aware)."""
    global _frozen
    if timezone.is_naive(moment):
        raise ValueError("The clock takes aware datetimes only.")
    previous, _frozen = _frozen, moment
    try:
        yield
    finally:
        _frozen = previous


def local_iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in the service's own time zone: how times are written into timeline data."""
    if moment is None:
        return None
    return timezone.localtime(moment, timezone.get_default_timezone()).isoformat()
