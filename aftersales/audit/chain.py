"""The hash chain over case timelines.

Each entry stores `digest`, a SHA-256 of its content (body and data), and `chain_hash`, a
SHA-256 over the previous entry's chain hash, the entry's own metadata and its digest. The
chain covers digests, not content, so content can be redacted (removed, with a recorded
reason) while every link still verifies; and any change to content, metadata or order shows.
"""

import datetime as dt
import hashlib
import json
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode()


def content_digest(*, body: str, data: dict) -> str:
    return hashlib.sha256(canonical({"body": body, "data": data})).hexdigest()


def timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def link(
    *,
    previous: str,
    case_number: str,
    seq: int,
    kind: str,
    visibility: str,
    author_id: int | None,
    created_at: dt.datetime,
    digest: str,
) -> str:
    meta = {
        "case": case_number,
        "seq": seq,
        "kind": kind,
        "visibility": visibility,
        "author": author_id,
        "at": timestamp(created_at),
        "digest": digest,
    }
    return hashlib.sha256(previous.encode() + canonical(meta)).hexdigest()
